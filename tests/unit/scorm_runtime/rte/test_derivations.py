"""What the LMS derives: 2004 completion and success evaluation, 1.2 mastery score and
lesson_status at LMSFinish, session_time into total_time, entry and attempts, the summary."""

from __future__ import annotations

import pytest

from scorm_runtime.rte import apply_commit, finish_session, get_value, summary

from .helpers import commit_ok, fresh

# SCORM 2004 4th ed RTE 4.2.4.1, Table 4.2.4.1a: (threshold, progress_measure, SCO's status) -> status
COMPLETION_CASES = [
    (None, None, None, "unknown"),
    (None, None, "completed", "completed"),
    (None, "0.2", "incomplete", "incomplete"),  # no threshold: progress_measure is informative only
    ("0.8", "0.8", None, "completed"),  # equal to the threshold completes
    ("0.8", "0.9", "incomplete", "completed"),  # overrides the SCO
    ("0.8", "0.5", "completed", "incomplete"),  # overrides the SCO
    ("0.8", None, "completed", "unknown"),  # threshold without progress_measure
    ("0", "0", None, "completed"),
]


@pytest.mark.parametrize("threshold, progress, status, expected", COMPLETION_CASES)
def test_completion_status_from_progress_measure(
    threshold, progress, status, expected
):  # RTE 4.2.4.1
    state = fresh("scorm2004", completion_threshold=threshold)
    changes = {}
    if progress is not None:
        changes["cmi.progress_measure"] = progress
    if status is not None:
        changes["cmi.completion_status"] = status
    state = commit_ok(state, changes)
    assert get_value(state, "cmi.completion_status").value == expected
    assert summary(state).completion == expected


# RTE 4.2.22 (success_status evaluation): (scaled_passing_score, score.scaled, SCO's status) -> status
SUCCESS_CASES = [
    (None, None, None, "unknown"),
    (None, "0.9", "failed", "failed"),  # no passing score: the SCO decides
    ("0.7", "0.7", None, "passed"),
    ("0.7", "0.69", "passed", "failed"),
    ("0.7", "0.95", "failed", "passed"),
    ("0.7", None, "passed", "unknown"),
    ("-0.5", "-0.5", None, "passed"),
]


@pytest.mark.parametrize("passing, scaled, status, expected", SUCCESS_CASES)
def test_success_status_from_scaled_score(passing, scaled, status, expected):  # RTE 4.2.22
    state = fresh("scorm2004", scaled_passing_score=passing)
    changes = {}
    if scaled is not None:
        changes["cmi.score.scaled"] = scaled
    if status is not None:
        changes["cmi.success_status"] = status
    state = commit_ok(state, changes)
    assert get_value(state, "cmi.success_status").value == expected
    assert summary(state).success == expected


# SCORM 1.2 RTE 3.4.2 cmi.student_data.mastery_score: raw against mastery with credit, normal mode
MASTERY_CASES = [
    ("credit", "normal", "80", "85", "completed", "passed"),
    ("credit", "normal", "80", "80", "incomplete", "passed"),
    ("credit", "normal", "80", "79.5", "passed", "failed"),
    ("no-credit", "normal", "80", "95", "completed", "completed"),
    ("credit", "review", "80", "95", "completed", "completed"),
    ("credit", "normal", None, "95", "completed", "completed"),
    ("credit", "normal", "80", None, "incomplete", "incomplete"),
]


@pytest.mark.parametrize("credit, mode, mastery, raw, status, expected", MASTERY_CASES)
def test_mastery_score_sets_lesson_status(
    credit, mode, mastery, raw, status, expected
):  # 1.2 RTE 3.4.2
    state = fresh("scorm12", credit=credit, mode=mode, mastery_score=mastery)
    changes = {"cmi.core.lesson_status": status}
    if raw is not None:
        changes["cmi.core.score.raw"] = raw
    state = commit_ok(state, changes)
    assert get_value(state, "cmi.core.lesson_status").value == expected
    assert finish_session(state).state.values["cmi.core.lesson_status"] == expected


@pytest.mark.parametrize(
    "mode, mastery, raw, expected",
    [
        ("normal", None, None, "completed"),
        ("browse", None, None, "browsed"),
        ("normal", "80", "60", "failed"),
        ("normal", "80", "90", "passed"),
    ],
)
def test_1_2_status_never_set_by_the_sco_at_finish(mode, mastery, raw, expected):
    # 1.2 RTE 3.4.2 cmi.core.lesson_status, Additional Behavior Requirements (p. 3-25)
    state = fresh("scorm12", mode=mode, mastery_score=mastery)
    if raw is not None:
        state = commit_ok(state, {"cmi.core.score.raw": raw})
    assert get_value(state, "cmi.core.lesson_status").value in ("not attempted", expected)
    assert finish_session(state).state.values["cmi.core.lesson_status"] == expected


def test_1_2_session_time_adds_into_total_time_and_resets():  # 1.2 RTE 3.4.2 cmi.core.total_time
    state = commit_ok(
        fresh("scorm12"), {"cmi.core.session_time": "00:10:30.5", "cmi.core.exit": "suspend"}
    )
    end = finish_session(state)
    assert end.state.values["cmi.core.total_time"] == "0000:10:30.50"
    assert "cmi.core.session_time" not in end.state.values
    assert "cmi.core.exit" not in end.state.values
    assert end.session_seconds == 630.5
    assert end.attempt_ended is False
    assert end.next_entry == "resume"
    state = commit_ok(end.state, {"cmi.core.session_time": "01:50:00"})
    end = finish_session(state, "")
    assert end.state.values["cmi.core.total_time"] == "0002:00:30.50"
    assert end.attempt_ended is True
    assert end.next_entry == ""  # 1.2 RTE 3.4.2 cmi.core.entry: accessed before, not suspended


def test_2004_session_time_adds_into_total_time():  # RTE 4.2.21, 4.2.25
    state = commit_ok(
        fresh("scorm2004"), {"cmi.session_time": "PT1H30M5.25S", "cmi.exit": "suspend"}
    )
    end = finish_session(state)
    assert end.state.values["cmi.total_time"] == "PT1H30M5.25S"
    state = commit_ok(end.state, {"cmi.session_time": "PT30M"})
    end = finish_session(state, "normal")
    assert end.state.values["cmi.total_time"] == "PT2H0M5.25S"
    assert summary(end.state).total_seconds == 7205.25


@pytest.mark.parametrize(
    "standard, exit_value, ended, entry",
    [
        ("scorm12", "suspend", False, "resume"),
        ("scorm12", "", True, ""),
        ("scorm12", "logout", True, ""),
        ("scorm12", "time-out", True, ""),
        ("scorm2004", "suspend", False, "resume"),
        ("scorm2004", "normal", True, "ab-initio"),
        ("scorm2004", "", True, "ab-initio"),
        ("scorm2004", "time-out", True, "ab-initio"),
        ("scorm2004", "logout", True, "ab-initio"),
    ],
)
def test_exit_decides_whether_the_attempt_ends(standard, exit_value, ended, entry):
    # 1.2 RTE 3.4.2 cmi.core.exit / cmi.core.entry; 2004 RTE 4.2.7 cmi.entry, 4.2.8 cmi.exit
    element = "cmi.core.exit" if standard == "scorm12" else "cmi.exit"
    state = fresh(standard)
    if exit_value:
        state = commit_ok(state, {element: exit_value})
    end = finish_session(state)
    assert (end.attempt_ended, end.next_entry, end.exit) == (ended, entry, exit_value)
    assert summary(end.state).suspended is (not ended)


def test_finish_without_session_time_keeps_total_and_never_mutates():
    state = fresh("scorm2004")
    end = finish_session(state)
    assert end.state.values["cmi.total_time"] == "PT0H0M0S"
    assert end.session_seconds == 0
    assert "cmi.entry" in state.values and state.values["cmi.entry"] == "ab-initio"


# launch-api.md "SCORM": lesson_status -> (completion, success)
@pytest.mark.parametrize(
    "status, completion, success",
    [
        ("passed", "completed", "passed"),
        ("failed", "completed", "failed"),
        ("completed", "completed", "unknown"),
        ("incomplete", "incomplete", "unknown"),
        ("browsed", "incomplete", "unknown"),
    ],
)
def test_1_2_summary_maps_lesson_status(status, completion, success):
    item = summary(commit_ok(fresh("scorm12"), {"cmi.core.lesson_status": status}))
    assert (item.completion, item.success) == (completion, success)
    assert item.satisfied is (completion == "completed" or success != "unknown")


def test_1_2_summary_of_a_fresh_attempt():
    item = summary(fresh("scorm12"))
    assert (item.completion, item.success, item.score, item.total_seconds) == (
        "not attempted",
        "unknown",
        None,
        0,
    )
    assert item.satisfied is False


@pytest.mark.parametrize(
    "raw, minimum, maximum, scaled",
    [
        ("85", None, None, 0.85),  # launch-api.md Score: min 0, max 100 when absent
        ("15", "10", "20", 0.5),
        ("0", None, None, 0.0),
        ("100", None, None, 1.0),
        ("30", "0", "20", 1.0),  # clipped to 1
        (None, None, None, None),
        ("50", "50", "50", None),  # no range
    ],
)
def test_1_2_scaled_score(raw, minimum, maximum, scaled):  # launch-api.md "Score"
    changes = {}
    for element, value in (("raw", raw), ("min", minimum), ("max", maximum)):
        if value is not None:
            changes[f"cmi.core.score.{element}"] = value
    item = summary(commit_ok(fresh("scorm12"), changes))
    assert item.score == scaled


def test_2004_summary():
    state = commit_ok(
        fresh("scorm2004"),
        {"cmi.score.scaled": "-0.25", "cmi.location": "p9", "cmi.completion_status": "incomplete"},
    )
    item = summary(state)
    assert (item.completion, item.success, item.score, item.location) == (
        "incomplete",
        "unknown",
        -0.25,
        "p9",
    )
    assert item.satisfied is False


def test_derived_status_is_stable_across_commits():  # the browser echoes its own status back
    state = fresh("scorm2004", completion_threshold="0.5")
    state = commit_ok(state, {"cmi.progress_measure": "0.6"})
    again = apply_commit(
        state, {"cmi.completion_status": "incomplete", "cmi.progress_measure": "0.6"}
    )
    assert again.state.values["cmi.completion_status"] == "completed"
