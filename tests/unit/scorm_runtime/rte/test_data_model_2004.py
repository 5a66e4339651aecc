"""SCORM 2004 4th ed run-time data model: every element, its access, type, vocabulary and range,
and the data model error codes (RTE 3.1.7.6 and 4.2.x)."""

from __future__ import annotations

import pytest

from scorm_runtime.rte import SCORM2004_ERRORS, SharedDataInput, apply_commit, get_value
from scorm_runtime.rte.elements_2004 import SCORM2004

from .helpers import commit_ok, fresh, rejected_code, with_interaction

# template -> (element to write, accepted values, {rejected value: 2004 error code}); elements
# inside an interaction or objective are written once its id (and type) exist.
WRITABLE = {
    "cmi.comments_from_learner.n.comment": (
        "cmi.comments_from_learner.0.comment",
        ["Nice", "{lang=fr}Très bien", "{lang=en-US}ok"],
        {"{lang=1234}x": 406, "{lang=en": 406, "c" * 64_001: 406},
    ),
    "cmi.comments_from_learner.n.location": (
        "cmi.comments_from_learner.0.location",
        ["p1"],
        {"l" * 64_001: 406},
    ),
    "cmi.comments_from_learner.n.timestamp": (
        "cmi.comments_from_learner.0.timestamp",
        ["2024-05-01T10:20:30", "2024", "2024-05-01T10:20:30.5Z", "2024-05-01T10:20:30+02:00"],
        {
            "yesterday": 406,
            "2024-02-30": 406,
            "1969-12-31": 406,
            "2024-13-01": 406,
            "2024-05-01T25:00": 406,
        },
    ),
    "cmi.completion_status": (
        "cmi.completion_status",
        ["completed", "incomplete", "not attempted", "unknown"],
        {"done": 406, "passed": 406},
    ),
    "cmi.exit": ("cmi.exit", ["time-out", "suspend", "logout", "normal"], {"quit": 406}),
    "cmi.interactions.n.id": (
        "cmi.interactions.0.id",
        ["urn:test:q0", "Question_1"],
        {"   ": 406, "urn:": 406},
    ),
    "cmi.interactions.n.type": (
        "cmi.interactions.0.type",
        [
            "true-false",
            "choice",
            "fill-in",
            "long-fill-in",
            "likert",
            "matching",
            "performance",
            "sequencing",
            "numeric",
            "other",
        ],
        {"essay": 406},
    ),
    "cmi.interactions.n.objectives.n.id": (
        "cmi.interactions.0.objectives.0.id",
        ["obj-1"],
        {"": 406},
    ),
    "cmi.interactions.n.timestamp": (
        "cmi.interactions.0.timestamp",
        ["2030-01-02T03:04:05"],
        {"2039-01-01": 406},
    ),
    "cmi.interactions.n.correct_responses.n.pattern": (
        "cmi.interactions.0.correct_responses.0.pattern",
        ["true"],
        {"yes": 406},
    ),
    "cmi.interactions.n.weighting": (
        "cmi.interactions.0.weighting",
        ["1", "-0.5", "2.25"],
        {"1,5": 406, "": 406},
    ),
    "cmi.interactions.n.learner_response": (
        "cmi.interactions.0.learner_response",
        ["false"],
        {"1": 406},
    ),
    "cmi.interactions.n.result": (
        "cmi.interactions.0.result",
        ["correct", "incorrect", "unanticipated", "neutral", "0.5", "-3"],
        {"wrong": 406, "right": 406},
    ),
    "cmi.interactions.n.latency": (
        "cmi.interactions.0.latency",
        ["PT5S", "PT1H2M3.25S", "P1D"],
        {"00:00:05": 406, "PT": 406, "P": 406},
    ),
    "cmi.interactions.n.description": (
        "cmi.interactions.0.description",
        ["{lang=de}Frage"],
        {"{lang=}x": 406},
    ),
    "cmi.learner_preference.audio_level": (
        "cmi.learner_preference.audio_level",
        ["0", "1", "2.5", "100"],
        {"-1": 407, "loud": 406},
    ),
    "cmi.learner_preference.language": (
        "cmi.learner_preference.language",
        ["", "en", "fr-CA", "i-klingon"],
        {"english language": 406, "e": 406},
    ),
    "cmi.learner_preference.delivery_speed": (
        "cmi.learner_preference.delivery_speed",
        ["0", "1.5"],
        {"-0.1": 407, "x": 406},
    ),
    "cmi.learner_preference.audio_captioning": (
        "cmi.learner_preference.audio_captioning",
        ["-1", "0", "1"],
        {"2": 407, "-2": 407, "on": 406, "0.5": 406},
    ),
    "cmi.location": ("cmi.location", ["chapter-2", "x" * 64_000], {"x" * 64_001: 406}),
    "cmi.objectives.n.id": ("cmi.objectives.0.id", ["urn:obj:1", "obj-1"], {"": 406}),
    "cmi.objectives.n.score.scaled": (
        "cmi.objectives.0.score.scaled",
        ["-1", "0", "1", "0.5"],
        {"1.01": 407, "-1.5": 407, "half": 406},
    ),
    "cmi.objectives.n.score.raw": ("cmi.objectives.0.score.raw", ["85", "-3", "1000"], {"8O": 406}),
    "cmi.objectives.n.score.min": ("cmi.objectives.0.score.min", ["0"], {"none": 406}),
    "cmi.objectives.n.score.max": ("cmi.objectives.0.score.max", ["100"], {"1e2": 406}),
    "cmi.objectives.n.success_status": (
        "cmi.objectives.0.success_status",
        ["passed", "failed", "unknown"],
        {"completed": 406},
    ),
    "cmi.objectives.n.completion_status": (
        "cmi.objectives.0.completion_status",
        ["completed", "incomplete", "not attempted", "unknown"],
        {"passed": 406},
    ),
    "cmi.objectives.n.progress_measure": (
        "cmi.objectives.0.progress_measure",
        ["0", "0.5", "1"],
        {"1.2": 407, "-0.1": 407},
    ),
    "cmi.objectives.n.description": (
        "cmi.objectives.0.description",
        ["Learn it"],
        {"{lang=??}x": 406},
    ),
    "cmi.progress_measure": (
        "cmi.progress_measure",
        ["0", "0.25", "1"],
        {"2": 407, "-1": 407, "most": 406},
    ),
    "cmi.score.scaled": (
        "cmi.score.scaled",
        ["-1", "0.8", "1"],
        {"1.5": 407, "-2": 407, "80%": 406},
    ),
    "cmi.score.raw": ("cmi.score.raw", ["80", "-10.5"], {"eighty": 406}),
    "cmi.score.min": ("cmi.score.min", ["0"], {"": 406}),
    "cmi.score.max": ("cmi.score.max", ["100"], {"max": 406}),
    "cmi.session_time": (
        "cmi.session_time",
        ["PT1H30M", "PT0.5S", "P1Y2M3DT4H5M6.78S"],
        {"01:30:00": 406, "PT1.234S": 406, "-PT1S": 406},
    ),
    "cmi.success_status": (
        "cmi.success_status",
        ["passed", "failed", "unknown"],
        {"completed": 406},
    ),
    "cmi.suspend_data": (
        "cmi.suspend_data",
        ["", '{"slide":3}', "s" * 64_000],
        {"s" * 64_001: 406},
    ),
    "adl.data.n.store": ("adl.data.0.store", ["shared", "d" * 64_000], {"d" * 64_001: 406}),
    "adl.nav.request": (
        "adl.nav.request",
        [
            "continue",
            "previous",
            "exit",
            "exitAll",
            "abandon",
            "abandonAll",
            "suspendAll",
            "_none_",
            "{target=intro}choice",
            "{target=intro}jump",
        ],
        {"next": 406, "choice": 406, "{target=}choice": 406},
    ),
}

READ_ONLY = {
    "cmi.comments_from_lms.n.comment": "cmi.comments_from_lms.0.comment",
    "cmi.comments_from_lms.n.location": "cmi.comments_from_lms.0.location",
    "cmi.comments_from_lms.n.timestamp": "cmi.comments_from_lms.0.timestamp",
    "cmi.completion_threshold": "cmi.completion_threshold",
    "cmi.credit": "cmi.credit",
    "cmi.entry": "cmi.entry",
    "cmi.launch_data": "cmi.launch_data",
    "cmi.learner_id": "cmi.learner_id",
    "cmi.learner_name": "cmi.learner_name",
    "cmi.max_time_allowed": "cmi.max_time_allowed",
    "cmi.mode": "cmi.mode",
    "cmi.scaled_passing_score": "cmi.scaled_passing_score",
    "cmi.time_limit_action": "cmi.time_limit_action",
    "cmi.total_time": "cmi.total_time",
    "adl.data.n.id": "adl.data.0.id",
    "adl.nav.request_valid.continue": "adl.nav.request_valid.continue",
    "adl.nav.request_valid.previous": "adl.nav.request_valid.previous",
}


def _state():
    state = fresh(
        "scorm2004",
        launch_data="level=2",
        completion_threshold="0.8",
        scaled_passing_score="0.7",
        max_time_allowed="PT1H",
        time_limit_action="exit,message",
        comments_from_lms=["Welcome"],
        shared_data=[SharedDataInput("urn:store:1", store="")],
    )
    state = commit_ok(state, {"cmi.objectives.0.id": "urn:obj:0"})
    return with_interaction(state, "true-false")


def test_every_element_of_the_model_is_tested():  # SCORM 2004 4th ed RTE 4.2, 4.3, 4.4
    assert set(SCORM2004.elements) == set(WRITABLE) | set(READ_ONLY)


@pytest.mark.parametrize("template", sorted(WRITABLE))
def test_writable_element_accepts_its_type_and_rejects_bad_values(template):  # RTE 4.2.x; 406, 407
    element, good_values, bad_values = WRITABLE[template]
    state = _state()
    if template in ("cmi.interactions.n.id", "cmi.objectives.n.id"):
        state = fresh("scorm2004")  # ids are written to new records
    for value in good_values:
        result = apply_commit(state, {element: value})
        assert result.rejected == [], (element, value, result.rejected)
    state = commit_ok(state, {element: good_values[0]})
    for value, code in bad_values.items():
        assert rejected_code(state, element, value) == code, (element, value)


@pytest.mark.parametrize("template", sorted(READ_ONLY))
def test_read_only_element_set_is_404(template):  # RTE 3.1.7.6: 404 Data Model Element Is Read Only
    assert rejected_code(_state(), READ_ONLY[template], "changed-value") == 404


@pytest.mark.parametrize("element", ["cmi.exit", "cmi.session_time"])
def test_write_only_element_get_is_405(element):  # RTE 4.2.8, 4.2.21: 405 Write Only
    state = commit_ok(_state(), {element: "suspend" if element == "cmi.exit" else "PT1S"})
    assert get_value(state, element) == ("", 405)


@pytest.mark.parametrize(
    "element, answer",
    [
        ("cmi._version", "1.0"),
        ("cmi.comments_from_learner._children", "comment,location,timestamp"),
        ("cmi.comments_from_lms._children", "comment,location,timestamp"),
        (
            "cmi.interactions._children",
            "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
        ),
        (
            "cmi.learner_preference._children",
            "audio_level,language,delivery_speed,audio_captioning",
        ),
        (
            "cmi.objectives._children",
            "id,score,success_status,completion_status,progress_measure,description",
        ),
        ("cmi.score._children", "scaled,raw,min,max"),
        ("cmi.objectives.0.score._children", "scaled,raw,min,max"),
        ("adl.data._children", "id,store"),
        ("cmi.comments_from_learner._count", "0"),
        ("cmi.comments_from_lms._count", "1"),
        ("cmi.interactions._count", "1"),
        ("cmi.objectives._count", "1"),
        ("cmi.interactions.0.objectives._count", "0"),
        ("cmi.interactions.0.correct_responses._count", "0"),
        ("adl.data._count", "1"),
    ],
)
def test_keywords_answer(element, answer):  # RTE 4.1.x keywords _version, _children, _count
    assert get_value(_state(), element) == (answer, 0)


@pytest.mark.parametrize(
    "element, value",
    [
        ("cmi.completion_status", "unknown"),  # RTE 4.2.4 default
        ("cmi.success_status", "unknown"),  # RTE 4.2.22 default
        ("cmi.credit", "credit"),
        ("cmi.mode", "normal"),
        ("cmi.entry", "ab-initio"),
        ("cmi.total_time", "PT0H0M0S"),
        ("cmi.learner_preference.audio_level", "1"),  # RTE 4.2.13 defaults
        ("cmi.learner_preference.language", ""),
        ("cmi.learner_preference.delivery_speed", "1"),
        ("cmi.learner_preference.audio_captioning", "0"),
        ("cmi.objectives.0.success_status", "unknown"),
        ("cmi.objectives.0.completion_status", "unknown"),
        ("cmi.learner_id", "learner-1"),
        ("cmi.learner_name", "Ada Lovelace"),
        ("cmi.launch_data", "level=2"),
        ("cmi.completion_threshold", "0.8"),
        ("cmi.scaled_passing_score", "0.7"),
        ("cmi.max_time_allowed", "PT1H"),
        ("cmi.time_limit_action", "exit,message"),
        ("cmi.comments_from_lms.0.comment", "Welcome"),
        ("adl.data.0.id", "urn:store:1"),
        ("adl.nav.request", "_none_"),
    ],
)
def test_initial_values_and_defaults(element, value):  # RTE 4.2.x initial values
    assert get_value(_state(), element) == (value, 0)


@pytest.mark.parametrize(
    "element",
    [
        "cmi.location",
        "cmi.suspend_data",
        "cmi.score.scaled",
        "cmi.progress_measure",
        "cmi.interactions.0.result",
    ],
)
def test_unset_element_get_is_403(
    element,
):  # RTE 3.1.7.6: 403 Data Model Element Value Not Initialized
    assert get_value(_state(), element) == ("", 403)


def test_optional_lms_values_absent_are_403():  # RTE 4.2.5, 4.2.10, 4.2.15, 4.2.19
    state = fresh("scorm2004")
    for element in (
        "cmi.completion_threshold",
        "cmi.launch_data",
        "cmi.max_time_allowed",
        "cmi.scaled_passing_score",
    ):
        assert get_value(state, element) == ("", 403), element
    assert (
        get_value(state, "cmi.time_limit_action").value == "continue,no message"
    )  # RTE 4.2.24 default


@pytest.mark.parametrize(
    "element, code",
    [
        ("cmi.location._children", 301),  # RTE 3.1.7.6: _children on an element without children
        ("cmi.score._count", 301),  # _count on a non-collection
        ("cmi.score._version", 301),  # _version anywhere but cmi._version
        ("cmi.objectives.5.id", 301),  # beyond _count
        ("cmi.nonsense", 401),
        ("cmi.core.student_id", 401),  # a 1.2 name is not a 2004 element
        ("cmi.interactions.0", 401),
        ("", 301),  # RTE 3.1.7.6: GetValue("") is a General Get Failure
    ],
)
def test_get_errors(element, code):
    assert get_value(_state(), element).error_code == code


@pytest.mark.parametrize(
    "element", ["cmi._version", "cmi.interactions._count", "cmi.score._children", "adl.data._count"]
)
def test_setting_a_keyword_is_404(element):  # RTE 4.1: keywords are read only (404)
    assert rejected_code(_state(), element, "7") == 404


@pytest.mark.parametrize(
    "element",
    [
        "cmi.nonsense",
        "cmi.core.lesson_status",
        "cmi.objectives.0.status",
        "adl.nav.request_valid.jump",
        "cmi",
        "cmi.objectives.-1.id",
    ],
)
def test_unknown_element_is_401(element):  # RTE 3.1.7.6: 401 Undefined Data Model Element
    assert rejected_code(_state(), element, "x") == 401


def test_index_beyond_count_is_351():  # RTE 4.2.9, 4.2.17: n greater than _count
    state = _state()
    assert rejected_code(state, "cmi.interactions.2.id", "q2") == 351
    assert rejected_code(state, "cmi.objectives.3.id", "o3") == 351
    assert rejected_code(state, "cmi.comments_from_learner.1.comment", "c") == 351
    assert rejected_code(state, "cmi.interactions.0.objectives.1.id", "o") == 351


def test_new_record_must_start_with_its_id_408():  # RTE 4.2.9, 4.2.17: 408 Data Model Dependency Not Established
    state = _state()
    assert rejected_code(state, "cmi.interactions.1.type", "choice") == 408
    assert rejected_code(state, "cmi.interactions.1.result", "correct") == 408
    assert rejected_code(state, "cmi.objectives.1.success_status", "passed") == 408
    assert rejected_code(state, "cmi.objectives.1.score.scaled", "0.5") == 408
    assert rejected_code(state, "cmi.interactions.1.objectives.0.id", "o") == 408


def test_responses_need_the_interaction_type_408():  # RTE 4.2.9.1, 4.2.9.2
    state = commit_ok(fresh("scorm2004"), {"cmi.interactions.0.id": "q"})
    assert rejected_code(state, "cmi.interactions.0.learner_response", "true") == 408
    assert rejected_code(state, "cmi.interactions.0.correct_responses.0.pattern", "true") == 408


def test_comments_from_learner_need_no_id():  # RTE 4.2.2: any field starts a comment
    state = commit_ok(fresh("scorm2004"), {"cmi.comments_from_learner.0.location": "p2"})
    assert get_value(state, "cmi.comments_from_learner._count").value == "1"


def test_objective_id_is_unique_and_fixed_351():  # RTE 4.2.17
    state = commit_ok(_state(), {"cmi.objectives.1.id": "urn:obj:1"})
    assert rejected_code(state, "cmi.objectives.2.id", "urn:obj:0") == 351
    assert rejected_code(state, "cmi.objectives.1.id", "urn:obj:other") == 351
    assert rejected_code(state, "cmi.objectives.1.id", "urn:obj:1") is None  # same value again


def test_interaction_objective_ids_unique_within_interaction_351():  # RTE 4.2.9
    state = commit_ok(_state(), {"cmi.interactions.0.objectives.0.id": "a"})
    assert rejected_code(state, "cmi.interactions.0.objectives.1.id", "a") == 351
    assert rejected_code(state, "cmi.interactions.0.objectives.1.id", "b") is None


def test_single_pattern_types_take_one_correct_response_351():  # RTE 4.2.9.1 Table 4.2.9.1a
    state = commit_ok(_state(), {"cmi.interactions.0.correct_responses.0.pattern": "true"})
    assert rejected_code(state, "cmi.interactions.0.correct_responses.1.pattern", "false") == 351


def test_shared_data_store_permissions():  # RTE 4.3: readSharedData / writeSharedData
    state = fresh(
        "scorm2004",
        shared_data=[
            SharedDataInput("urn:ro", store="ro-data", writable=False),
            SharedDataInput("urn:wo", store="wo-data", readable=False),
        ],
    )
    assert get_value(state, "adl.data.0.store") == ("ro-data", 0)
    assert rejected_code(state, "adl.data.0.store", "new") == 404
    assert get_value(state, "adl.data.1.store") == ("", 405)
    assert rejected_code(state, "adl.data.1.store", "new") is None
    assert rejected_code(state, "adl.data.2.store", "new") == 351  # stores come from the manifest


def test_error_strings_are_the_2004_list():  # RTE 3.1.7 Table 3.1.7a
    assert sorted(SCORM2004_ERRORS) == [
        0, 101, 102, 103, 104, 111, 112, 113, 122, 123, 132, 133, 142, 143,
        201, 301, 351, 391, 401, 402, 403, 404, 405, 406, 407, 408,
    ]  # fmt: skip
    assert SCORM2004_ERRORS[404] == "Data Model Element Is Read Only"
    assert SCORM2004_ERRORS[408] == "Data Model Dependency Not Established"
    assert SCORM2004_ERRORS[351] == "General Set Failure"
