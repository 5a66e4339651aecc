"""SCORM 1.2 run-time data model: every element, its access, type, vocabulary and range, and the
1.2 error codes (SCORM 1.2 RTE 3.3.2 error codes, 3.4.2 data model elements)."""

from __future__ import annotations

import pytest

from scorm_runtime.rte import SCORM12_ERRORS, apply_commit, get_value
from scorm_runtime.rte.elements_12 import SCORM12

from .helpers import commit_ok, fresh, rejected_code

# template -> (element to write, accepted values, {rejected value: 1.2 error code})
WRITABLE = {
    "cmi.core.lesson_location": ("cmi.core.lesson_location", ["", "page-3", "x" * 4096], {}),
    "cmi.core.lesson_status": (
        "cmi.core.lesson_status",
        ["passed", "completed", "failed", "incomplete", "browsed"],
        {"not attempted": 405, "done": 405, "Passed": 405, "": 405},
    ),
    "cmi.core.score.raw": (
        "cmi.core.score.raw",
        ["0", "85", "100", "42.5", ""],
        {"101": 405, "-1": 405, "abc": 405},
    ),
    "cmi.core.score.min": ("cmi.core.score.min", ["0", "10.25"], {"1e3": 405, "200": 405}),
    "cmi.core.score.max": ("cmi.core.score.max", ["100", "50"], {"100.5": 405, "ten": 405}),
    "cmi.core.exit": (
        "cmi.core.exit",
        ["time-out", "suspend", "logout", ""],
        {"normal": 405, "quit": 405},
    ),
    "cmi.core.session_time": (
        "cmi.core.session_time",
        ["00:00:10", "0001:30:00.5", "9999:59:59.99"],
        {"PT10S": 405, "00:60:00": 405, "1:2:3": 405, "00:00:10.123": 405},
    ),
    "cmi.suspend_data": ("cmi.suspend_data", ["", "a=1|b=2", "s" * 64_000], {"s" * 64_001: 405}),
    "cmi.comments": ("cmi.comments", ["great course"], {"c" * 64_001: 405}),
    "cmi.objectives.n.id": ("cmi.objectives.0.id", ["obj_1", "Objective-2"], {"obj\x00": 405}),
    "cmi.objectives.n.score.raw": ("cmi.objectives.0.score.raw", ["75", ""], {"101": 405}),
    "cmi.objectives.n.score.min": ("cmi.objectives.0.score.min", ["0"], {"x": 405}),
    "cmi.objectives.n.score.max": ("cmi.objectives.0.score.max", ["100"], {"-5": 405}),
    "cmi.objectives.n.status": (
        "cmi.objectives.0.status",
        ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"],
        {"unknown": 405},
    ),
    "cmi.student_preference.audio": (
        "cmi.student_preference.audio",
        ["-1", "0", "100"],
        {"101": 405, "-2": 405, "1.5": 405},
    ),
    "cmi.student_preference.language": (
        "cmi.student_preference.language",
        ["", "English"],
        {"l" * 64_001: 405},
    ),
    "cmi.student_preference.speed": (
        "cmi.student_preference.speed",
        ["-100", "0", "100"],
        {"101": 405, "fast": 405},
    ),
    "cmi.student_preference.text": (
        "cmi.student_preference.text",
        ["-1", "0", "1"],
        {"2": 405, "yes": 405},
    ),
    "cmi.interactions.n.id": ("cmi.interactions.0.id", ["Question_1"], {"q\x01": 405}),
    "cmi.interactions.n.objectives.n.id": (
        "cmi.interactions.0.objectives.0.id",
        ["obj_1"],
        {"o\x02": 405},
    ),
    "cmi.interactions.n.time": (
        "cmi.interactions.0.time",
        ["09:15:00", "23:59:59.99"],
        {"24:00:00": 405, "9:15": 405},
    ),
    "cmi.interactions.n.type": (
        "cmi.interactions.0.type",
        [
            "true-false",
            "choice",
            "fill-in",
            "matching",
            "performance",
            "sequencing",
            "likert",
            "numeric",
        ],
        {"long-fill-in": 405, "other": 405},
    ),
    "cmi.interactions.n.correct_responses.n.pattern": (
        "cmi.interactions.0.correct_responses.0.pattern",
        ["a,b", "t", "free text"],
        {"p" * 64_001: 405},
    ),
    "cmi.interactions.n.weighting": (
        "cmi.interactions.0.weighting",
        ["1", "0.5", "-2"],
        {"heavy": 405},
    ),
    "cmi.interactions.n.student_response": (
        "cmi.interactions.0.student_response",
        ["a", "1.a,2.b"],
        {},
    ),
    "cmi.interactions.n.result": (
        "cmi.interactions.0.result",
        ["correct", "wrong", "unanticipated", "neutral", "0.75"],
        {"incorrect": 405, "right": 405},
    ),
    "cmi.interactions.n.latency": ("cmi.interactions.0.latency", ["00:00:05.5"], {"PT5S": 405}),
}

READ_ONLY = {
    "cmi.core.student_id": "someone-else",
    "cmi.core.student_name": "Mallory",
    "cmi.core.credit": "no-credit",
    "cmi.core.entry": "resume",
    "cmi.core.total_time": "0100:00:00",
    "cmi.core.lesson_mode": "review",
    "cmi.launch_data": "other",
    "cmi.comments_from_lms": "hi",
    "cmi.student_data.mastery_score": "10",
    "cmi.student_data.max_time_allowed": "01:00:00",
    "cmi.student_data.time_limit_action": "exit,message",
}

WRITE_ONLY = [
    "cmi.core.exit",
    "cmi.core.session_time",
    "cmi.interactions.0.id",
    "cmi.interactions.0.objectives.0.id",
    "cmi.interactions.0.time",
    "cmi.interactions.0.type",
    "cmi.interactions.0.correct_responses.0.pattern",
    "cmi.interactions.0.weighting",
    "cmi.interactions.0.student_response",
    "cmi.interactions.0.result",
    "cmi.interactions.0.latency",
]


def test_every_element_of_the_model_is_tested():  # SCORM 1.2 RTE 3.4.2
    assert set(SCORM12.elements) == set(WRITABLE) | {element for element in READ_ONLY}, (
        "each 1.2 element needs a row in WRITABLE or READ_ONLY"
    )


@pytest.mark.parametrize("template", sorted(WRITABLE))
def test_writable_element_accepts_its_type_and_rejects_bad_values_with_405(
    template,
):  # 1.2 RTE 3.4.2
    element, good_values, bad_values = WRITABLE[template]
    state = fresh("scorm12")
    for value in good_values:
        assert rejected_code(state, element, value) is None, (element, value)
        assert apply_commit(state, {element: value}).state.values.get(element, "") == value
    # From a state holding a good value, so a bad one is a change (an echoed value is not).
    state = commit_ok(state, {element: good_values[0]})
    for value, code in bad_values.items():
        assert rejected_code(state, element, value) == code, (element, value)


@pytest.mark.parametrize("element", sorted(READ_ONLY))
def test_read_only_element_set_is_403(element):  # 1.2 RTE 3.3.2: 403 Element is read only
    state = fresh(
        "scorm12",
        mastery_score="80",
        launch_data="start=1",
        max_time_allowed="00:30:00",
        time_limit_action="continue,no message",
    )
    assert rejected_code(state, element, READ_ONLY[element]) == 403


@pytest.mark.parametrize("element", WRITE_ONLY)
def test_write_only_element_get_is_404(element):  # 1.2 RTE 3.3.2: 404 Element is write only
    state = commit_ok(
        fresh("scorm12"),
        {
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.objectives.0.id": "o",
            "cmi.interactions.0.correct_responses.0.pattern": "a",
        },
    )
    assert get_value(state, element).error_code == 404


def test_read_write_elements_read_back():  # 1.2 RTE 3.4.2
    state = commit_ok(
        fresh("scorm12"),
        {"cmi.core.lesson_location": "p7", "cmi.suspend_data": "s", "cmi.objectives.0.id": "o1"},
    )
    assert get_value(state, "cmi.core.lesson_location") == (("p7", 0))
    assert get_value(state, "cmi.objectives.0.id").value == "o1"
    assert get_value(state, "cmi.core.student_id").value == "learner-1"
    assert get_value(state, "cmi.core.student_name").value == "Ada Lovelace"


def test_unset_element_reads_as_empty_with_no_error():  # 1.2 RTE 3.3.2: LMSGetValue returns "" for no value
    assert get_value(fresh("scorm12"), "cmi.suspend_data") == ("", 0)
    assert get_value(fresh("scorm12"), "cmi.core.score.raw") == ("", 0)


@pytest.mark.parametrize(
    "element, answer",
    [
        (
            "cmi.core._children",
            "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
        ),
        ("cmi.core.score._children", "raw,min,max"),
        ("cmi.objectives._children", "id,score,status"),
        ("cmi.student_data._children", "mastery_score,max_time_allowed,time_limit_action"),
        ("cmi.student_preference._children", "audio,language,speed,text"),
        (
            "cmi.interactions._children",
            "id,objectives,time,type,correct_responses,weighting,student_response,result,latency",
        ),
        ("cmi._version", "3.4"),
        ("cmi.objectives._count", "0"),
        ("cmi.interactions._count", "0"),
    ],
)
def test_keywords_answer(element, answer):  # 1.2 RTE 3.4.2 _children, _count, _version
    assert get_value(fresh("scorm12"), element) == (answer, 0)


def test_nested_counts_and_children_after_records_exist():  # 1.2 RTE 3.4.2 cmi.objectives, cmi.interactions
    state = commit_ok(
        fresh("scorm12"),
        {
            "cmi.objectives.0.id": "o1",
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.objectives.0.id": "o1",
            "cmi.interactions.0.correct_responses.0.pattern": "a",
            "cmi.interactions.0.correct_responses.1.pattern": "b",
        },
    )
    assert get_value(state, "cmi.objectives._count").value == "1"
    assert get_value(state, "cmi.objectives.0.score._children").value == "raw,min,max"
    assert get_value(state, "cmi.interactions.0.objectives._count").value == "1"
    assert get_value(state, "cmi.interactions.0.correct_responses._count").value == "2"


@pytest.mark.parametrize(
    "element, code",
    [
        ("cmi.core.student_id._children", 202),  # 202 Element cannot have children
        ("cmi.suspend_data._children", 202),
        ("cmi.core._count", 203),  # 203 Element not an array - cannot have count
        ("cmi.core.score._count", 203),
        ("cmi.core.nonsense", 401),  # 401 Not implemented error
        ("cmi.learner_id", 401),  # a 2004 name is not a 1.2 element
        ("cmi.objectives.3.id", 201),  # 201 Invalid argument: no such record
        ("", 201),  # an empty name is an invalid argument
    ],
)
def test_get_errors(element, code):  # 1.2 RTE 3.3.2
    assert get_value(fresh("scorm12"), element).error_code == code


@pytest.mark.parametrize(
    "element",
    ["cmi.core._children", "cmi.objectives._count", "cmi._version", "cmi.core.score._children"],
)
def test_setting_a_keyword_is_402(
    element,
):  # 1.2 RTE 3.3.2: 402 Invalid set value, element is a keyword
    assert rejected_code(fresh("scorm12"), element, "x") == 402


@pytest.mark.parametrize(
    "element",
    [
        "cmi.core.nonsense",
        "cmi.location",
        "cmi.objectives.0.nope",
        "adl.data.0.store",
        "cmi..x",
        "cmi.objectives.01.id",
    ],
)
def test_unknown_element_is_401(element):  # 1.2 RTE 3.3.2: 401 Not implemented error
    assert rejected_code(fresh("scorm12"), element, "x") == 401


def test_index_beyond_count_is_201_and_index_equal_to_count_appends():  # 1.2 RTE 3.4.2: arrays fill in order
    state = fresh("scorm12")
    assert rejected_code(state, "cmi.objectives.1.id", "o2") == 201
    state = commit_ok(state, {"cmi.objectives.0.id": "o1"})
    assert rejected_code(state, "cmi.objectives.2.id", "o3") == 201
    state = commit_ok(state, {"cmi.objectives.1.id": "o2"})
    assert get_value(state, "cmi.objectives._count").value == "2"
    assert rejected_code(state, "cmi.interactions.0.objectives.1.id", "x") == 201


def test_interaction_fields_need_no_id_first_in_1_2():  # 1.2 has no dependency rule (2004 408 only)
    state = commit_ok(fresh("scorm12"), {"cmi.interactions.0.result": "correct"})
    assert get_value(state, "cmi.interactions._count").value == "1"


def test_error_strings_are_the_1_2_list():  # 1.2 RTE 3.3.2 LMSGetErrorString
    assert sorted(SCORM12_ERRORS) == [0, 101, 201, 202, 203, 301, 401, 402, 403, 404, 405]
    assert SCORM12_ERRORS[403] == "Element is read only"
    assert SCORM12_ERRORS[405] == "Incorrect Data Type"


def test_rejection_carries_code_and_standard_message():
    result = apply_commit(fresh("scorm12"), {"cmi.core.student_id": "x"})
    (rejection,) = result.rejected
    assert rejection.element == "cmi.core.student_id"
    assert rejection.error_code == 403
    assert rejection.message.startswith("Element is read only")
