"""for_browser: what scorm-again 3.4.3 loads with loadFromFlattenedJSON, checked by loading it
into the real scorm-again (under Node) and reading every element back through its API."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from scorm_runtime.rte import (
    ObjectiveInput,
    SharedDataInput,
    apply_commit,
    finish_session,
    flatten_commit,
    for_browser,
    get_value,
)
from scorm_runtime.rte.types import parse_timespan_12

from .helpers import commit_ok, fresh

REPO = Path(__file__).resolve().parents[4]
PROBE = Path(__file__).with_name("scorm_again_probe.js")
needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / "scorm-again" / "dist").is_dir(),
    reason="node and the npm-installed scorm-again are needed",
)


def _probe(
    standard: str,
    flattened: dict[str, str],
    elements: list[str],
    sets: list[tuple[str, str]] = (),
    commit_format: str = "flattened",
) -> dict:
    document = {
        "root": str(REPO),
        "standard": standard,
        "flattened": flattened,
        "elements": elements,
        "sets": list(sets),
        "format": commit_format,
    }
    completed = subprocess.run(
        ["node", str(PROBE)],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout)


def _state_12():
    state = fresh("scorm12", mastery_score="80", launch_data="start=3", max_time_allowed="01:00:00")
    state = commit_ok(
        state,
        {
            "cmi.core.lesson_location": "slide-9",
            "cmi.suspend_data": "s" * 5000,  # more than 1.2's 4096 SPM: the player must allow it
            "cmi.core.lesson_status": "incomplete",
            "cmi.core.score.raw": "55",
            "cmi.objectives.0.id": "obj_1",
            "cmi.objectives.0.status": "passed",
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.type": "choice",
            "cmi.interactions.0.student_response": "a",
            "cmi.interactions.1.id": "q2",
            "cmi.core.session_time": "00:01:00",
            "cmi.core.exit": "suspend",
        },
    )
    end = finish_session(state)
    return fresh(
        "scorm12", entry="resume", mastery_score="80", launch_data="start=3", previous=end.state
    )


def _state_2004():
    state = fresh(
        "scorm2004",
        completion_threshold="0.8",
        scaled_passing_score="0.5",
        launch_data="go",
        objectives=[ObjectiveInput("urn:obj:1", success_status="passed")],
        shared_data=[
            SharedDataInput("urn:store", store="shared!"),
            SharedDataInput("urn:hidden", store="x", readable=False),
        ],
    )
    return commit_ok(
        state,
        {
            "cmi.location": "p3",
            "cmi.suspend_data": '{"k": [1,2,3]}',
            "cmi.progress_measure": "0.5",
            "cmi.score.scaled": "0.75",
            "cmi.interactions.0.id": "urn:q:1",
            "cmi.interactions.0.type": "choice",
            "cmi.interactions.0.learner_response": "a[,]c",
            "cmi.interactions.0.correct_responses.0.pattern": "a[,]b",
            "cmi.interactions.0.result": "incorrect",
            "cmi.interactions.0.objectives.0.id": "urn:obj:1",
            "cmi.objectives.0.score.scaled": "0.9",
            "cmi.learner_preference.language": "fr",
            "cmi.comments_from_learner.0.comment": "{lang=en}fine",
            "cmi.exit": "suspend",
            "cmi.session_time": "PT1M",
        },
    )


def test_for_browser_leaves_out_keywords_write_only_and_unreadable_data():
    flattened = for_browser(_state_2004())
    assert not [key for key in flattened if key.endswith(("._count", "._children", "._version"))]
    assert "cmi.exit" not in flattened and "cmi.session_time" not in flattened
    assert "adl.data.1.store" not in flattened
    assert flattened["adl.data.0.store"] == "shared!"
    assert flattened["cmi.interactions.0.learner_response"] == "a[,]c"
    assert all(isinstance(value, str) and value for value in flattened.values())


@needs_node
@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_scorm_again_loads_exactly_what_the_server_holds(standard):
    state = _state_12() if standard == "scorm12" else _state_2004()
    readable = sorted(
        element
        for element in state.values
        if get_value(state, element).error_code == 0 and not element.startswith("adl.data.1")
    )
    answers = _probe(standard, for_browser(state), readable)
    assert answers["loaded"] is True
    mismatches = {
        element: (answers["answers"][element], get_value(state, element))
        for element in readable
        if not _same(element, answers["answers"][element], get_value(state, element))
    }
    assert mismatches == {}


def _same(element: str, browser: list, server: tuple) -> bool:
    if tuple(browser) == tuple(server):
        return True
    # scorm-again rewrites 1.2 timespans into its own form ("0000:01:00.00" -> "00:01:00")
    return element.endswith(("total_time", "max_time_allowed")) and parse_timespan_12(
        browser[0]
    ) == parse_timespan_12(server[0])


SCO_SETS = {
    "scorm12": [
        ("cmi.core.lesson_location", "slide-10"),
        ("cmi.suspend_data", "t" * 6000),
        ("cmi.core.score.raw", "90"),
        ("cmi.core.lesson_status", "completed"),
        ("cmi.interactions.2.id", "q3"),
        ("cmi.interactions.2.type", "numeric"),
        ("cmi.interactions.2.student_response", "7"),
        ("cmi.interactions.2.result", "correct"),
        ("cmi.interactions.2.latency", "00:00:12"),
        ("cmi.objectives.1.id", "obj_2"),
        ("cmi.objectives.1.status", "completed"),
        ("cmi.core.session_time", "00:02:30"),
        ("cmi.core.exit", ""),
    ],
    "scorm2004": [
        ("cmi.location", "p4"),
        ("cmi.suspend_data", "u" * 70),
        ("cmi.progress_measure", "0.9"),
        ("cmi.score.scaled", "0.4"),
        ("cmi.score.raw", "40"),
        ("cmi.interactions.1.id", "urn:q:2"),
        ("cmi.interactions.1.type", "fill-in"),
        ("cmi.interactions.1.learner_response", "{lang=en}colour"),
        ("cmi.interactions.1.correct_responses.0.pattern", "{case_matters=false}color"),
        ("cmi.interactions.1.timestamp", "2026-11-30T06:00:00"),
        ("cmi.objectives.1.id", "urn:obj:2"),
        ("cmi.objectives.1.progress_measure", "0.5"),
        ("cmi.comments_from_learner.1.comment", "again"),
        ("adl.data.0.store", "shared, updated"),
        ("cmi.session_time", "PT2M30S"),
        ("cmi.exit", "normal"),
    ],
}


@needs_node
@pytest.mark.parametrize("commit_format", ["flattened", "json"])
@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_scorm_again_commit_is_accepted_whole_by_the_server(standard, commit_format):
    # The server validates what scorm-again sends (issue 11): a real SCO's full commit, echoes of
    # read-only values included, is accepted with no rejection, and holds what the SCO set.
    state = _state_12() if standard == "scorm12" else _state_2004()
    probe = _probe(standard, for_browser(state), [], SCO_SETS[standard], commit_format)
    assert probe["setErrors"] == {}
    result = apply_commit(state, flatten_commit(probe["commit"]))
    assert result.rejected == []
    derived = {"cmi.core.lesson_status": "passed"}  # raw 90 against mastery 80 (1.2 RTE 3.4.2)
    for element, value in SCO_SETS[standard]:
        assert result.state.values.get(element, "") == derived.get(element, value), element
    if standard == "scorm2004":  # RTE 4.2.4.1 and 4.2.22 from the manifest's thresholds
        assert result.state.values["cmi.completion_status"] == "completed"
        assert result.state.values["cmi.success_status"] == "failed"
    end = finish_session(result.state)
    assert end.attempt_ended is True
