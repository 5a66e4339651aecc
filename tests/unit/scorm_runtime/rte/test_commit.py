"""apply_commit: the server validates every committed element and never trusts the browser's
copy (issue 11 "Runtime"); a rejected value leaves the stored data unchanged."""

from __future__ import annotations

import json

import pytest

from scorm_runtime.rte import CmiState, Limits, apply_commit, finish_session, get_value

from .helpers import commit_ok, fresh


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_commit_returns_a_new_state_and_never_mutates_its_input(standard):
    state = fresh(standard)
    before = dict(state.values)
    element = "cmi.suspend_data"
    result = apply_commit(state, {element: "abc"})
    assert result.state is not state
    assert dict(state.values) == before
    assert result.state.values[element] == "abc"
    with pytest.raises(TypeError):
        result.state.values[element] = "x"  # type: ignore[index]


def test_accepted_elements_apply_and_rejected_ones_keep_their_value():  # issue 11: every rejected value
    state = commit_ok(fresh("scorm2004"), {"cmi.location": "p1", "cmi.score.scaled": "0.5"})
    result = apply_commit(
        state, {"cmi.location": "p2", "cmi.score.scaled": "7", "cmi.suspend_data": "s"}
    )
    assert [(r.element, r.error_code) for r in result.rejected] == [("cmi.score.scaled", 407)]
    assert result.state.values["cmi.location"] == "p2"
    assert result.state.values["cmi.score.scaled"] == "0.5"
    assert result.state.values["cmi.suspend_data"] == "s"


def test_full_commit_echoing_read_only_values_is_not_rejected():  # scorm-again sends the whole CMI
    state = fresh("scorm2004", launch_data="x=1")
    echo = {
        "cmi.learner_id": "learner-1",
        "cmi.learner_name": "Ada Lovelace",
        "cmi.credit": "credit",
        "cmi.mode": "normal",
        "cmi.entry": "ab-initio",
        "cmi.launch_data": "x=1",
        "cmi.total_time": "PT0H0M0S",
        "cmi.time_limit_action": "continue,no message",
        "cmi.completion_threshold": "",  # unset, rendered as ""
        "cmi.score.scaled": "",
        "cmi.location": "",
        "cmi.exit": "",
        "cmi.interactions._count": "0",
        "cmi._version": "1.0",
    }
    result = apply_commit(state, echo)
    assert result.rejected == []
    assert dict(result.state.values) == dict(state.values)


def test_1_2_full_commit_echo_is_not_rejected():  # same for the 1.2 API
    state = fresh("scorm12", mastery_score="80")
    echo = {
        "cmi.core.student_id": "learner-1",
        "cmi.core.lesson_status": "not attempted",
        "cmi.core.total_time": "0000:00:00.00",
        "cmi.core.score.raw": "",
        "cmi.student_data.mastery_score": "80",
        "cmi.core._children": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,"
        "total_time,lesson_mode,exit,session_time",
    }
    assert apply_commit(state, echo).rejected == []


def test_read_only_echo_in_the_browser_api_s_own_form_is_not_a_change():
    # scorm-again holds 1.2 total_time "0000:01:00.00" as "00:01:00" and sends that back
    state = fresh("scorm12", mastery_score="80")
    state = commit_ok(state, {"cmi.core.session_time": "00:01:00"})
    state = finish_session(state).state
    echo = {"cmi.core.total_time": "00:01:00", "cmi.student_data.mastery_score": "80.0"}
    assert apply_commit(state, echo).rejected == []
    (rejection,) = apply_commit(state, {"cmi.core.total_time": "00:02:00"}).rejected
    assert rejection.error_code == 403


def test_a_changed_read_only_value_in_a_full_commit_is_rejected():  # the browser's copy is not trusted
    state = fresh("scorm2004")
    result = apply_commit(state, {"cmi.total_time": "PT99H", "cmi.learner_id": "learner-1"})
    assert [(r.element, r.error_code) for r in result.rejected] == [("cmi.total_time", 404)]
    assert result.state.values["cmi.total_time"] == "PT0H0M0S"


@pytest.mark.parametrize(
    "standard, element, code",
    [("scorm12", "cmi.suspend_data", 405), ("scorm2004", "cmi.suspend_data", 406)],
)
def test_string_limit_is_a_setting_and_above_it_is_a_type_error(standard, element, code):
    # issue 11: SPMs are floors; store up to the setting, refuse above it (1.2: 405, 2004: 406)
    state = fresh(standard)
    assert apply_commit(state, {element: "x" * 64_000}).rejected == []  # 1.2 SPM is 4096
    small = Limits(max_characters=100)
    assert apply_commit(state, {element: "x" * 100}, small).rejected == []
    (rejection,) = apply_commit(state, {element: "x" * 101}, small).rejected
    assert rejection.error_code == code
    assert "server limit of 100" in rejection.message
    large = Limits(max_characters=200_000)
    assert apply_commit(state, {element: "x" * 150_000}, large).rejected == []


@pytest.mark.parametrize("standard, code", [("scorm12", 101), ("scorm2004", 351)])
def test_record_limit_per_collection(standard, code):
    limits = Limits(max_records=2)
    state = fresh(standard)
    state = apply_commit(
        state, {"cmi.objectives.0.id": "a", "cmi.objectives.1.id": "b"}, limits
    ).state
    (rejection,) = apply_commit(state, {"cmi.objectives.2.id": "c"}, limits).rejected
    assert rejection.error_code == code


def test_order_inside_a_commit_follows_dependencies():  # RTE 4.2.9: id, then type, then the rest
    changes = {
        "cmi.interactions.1.result": "correct",
        "cmi.interactions.1.id": "q2",
        "cmi.interactions.0.correct_responses.0.pattern": "a[,]b",
        "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.id": "q1",
        "cmi.objectives.0.score.scaled": "0.5",
        "cmi.objectives.0.id": "o1",
    }
    state = commit_ok(fresh("scorm2004"), changes)
    assert get_value(state, "cmi.interactions._count").value == "2"
    assert get_value(state, "cmi.interactions.0.correct_responses._count").value == "1"


def test_numbers_in_json_are_read_as_decimal_text_and_other_json_types_rejected():
    state = fresh("scorm2004")
    result = apply_commit(
        state,
        {
            "cmi.score.raw": 85,
            "cmi.score.scaled": 0.85,
            "cmi.location": None,
            "cmi.suspend_data": True,
        },
    )
    assert result.state.values["cmi.score.raw"] == "85"
    assert result.state.values["cmi.score.scaled"] == "0.85"
    assert sorted((r.element, r.error_code) for r in result.rejected) == [
        ("cmi.location", 406),
        ("cmi.suspend_data", 406),
    ]


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_state_round_trips_through_json(standard):
    state = commit_ok(
        fresh(standard), {"cmi.suspend_data": 'ü\n"quoted"', "cmi.objectives.0.id": "o1"}
    )
    document = json.dumps(state.to_json())
    assert CmiState.from_json(document) == state
    assert CmiState.from_json(json.loads(document)) == state


def test_an_unknown_standard_is_a_programming_error():
    with pytest.raises(ValueError):
        CmiState("scorm3000", {})


@pytest.mark.parametrize(
    "standard, session, total, sent",
    [
        ("scorm12", "cmi.core.session_time", "cmi.core.total_time", "01:05:00"),
        ("scorm2004", "cmi.session_time", "cmi.total_time", "PT1H5M"),
    ],
)
def test_terminate_commit_total_is_an_echo_only_when_it_is_total_plus_session(
    standard, session, total, sent
):
    # scorm-again's terminate commit carries total_time = total + session_time; the server keeps
    # its own total (summed by finish_session) and refuses any other value as read only.
    state = fresh(standard)
    state = CmiState(
        standard, {**state.values, total: "01:00:00" if standard == "scorm12" else "PT1H"}
    )
    five_minutes = "00:05:00" if standard == "scorm12" else "PT5M"
    result = apply_commit(state, {session: five_minutes, total: sent})
    assert result.rejected == []
    assert result.state.values[total] == state.values[total]
    (rejection,) = apply_commit(
        state, {session: five_minutes, total: "99:00:00" if standard == "scorm12" else "PT99H"}
    ).rejected
    assert rejection.error_code == (403 if standard == "scorm12" else 404)


@pytest.mark.parametrize("standard, code", [("scorm12", 201), ("scorm2004", 351)])
def test_setting_an_empty_element_name(standard, code):  # 1.2 RTE 3.3.2; 2004 RTE 3.1.7.6
    (rejection,) = apply_commit(fresh(standard), {"": "x"}).rejected
    assert rejection.error_code == code


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_hostile_names_are_rejections_not_errors(standard):
    names = [
        "cmi.interactions." + "9" * 5000 + ".id",
        "cmi." + "x" * 100_000,
        "cmi.objectives.٣.id",
        ".",
    ]
    result = apply_commit(fresh(standard), {name: "v" for name in names})
    assert sorted(r.element for r in result.rejected) == sorted(names)
    assert {r.error_code for r in result.rejected} == {401}
    assert get_value(fresh(standard), names[0]).error_code == 401
