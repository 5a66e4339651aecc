"""SCORM session events -> xAPI statements (scorm_runtime.statements, scorm_runtime.outcomes) against
ADL's xAPI SCORM Profile as published (scorm-v1.0.jsonld) and the LRS's own statement validation."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrs.xapi.validation import validate_statement
from scorm_runtime import statements as xs
from scorm_runtime.outcomes import snapshot_of, status_of
from tests.unit.scorm_runtime.profile_templates import adl_verbs, evaluate, scorm_profile, violations

LEARNER = {"objectType": "Agent", "name": "Ada", "account": {"homePage": "https://lms.example", "name": "ada"}}
GENERAL = "https://w3id.org/xapi/scorm#generalrestrictions"
# The template each verb's statements follow (scorm-v1.0.jsonld "templates").
TEMPLATE_OF_VERB = {
    xs.VERB_INITIALIZED: xs.TEMPLATE_INITIALIZATION, xs.VERB_TERMINATED: xs.TEMPLATE_TERMINATION,
    xs.VERB_SUSPENDED: xs.TEMPLATE_SUSPENSION, xs.VERB_RESUMED: xs.TEMPLATE_RESUMPTION,
    xs.VERB_COMPLETED: xs.TEMPLATE_COMPLETING, xs.VERB_COMMENTED: xs.TEMPLATE_COMMENTING,
    xs.VERB_RESPONDED: xs.TEMPLATE_INTERACTION, xs.VERB_PASSED: xs.TEMPLATE_SCO_ACTIVITY,
    xs.VERB_FAILED: xs.TEMPLATE_SCO_ACTIVITY, xs.VERB_SCORED: xs.TEMPLATE_SCO_ACTIVITY,
}


def context(session_id: str | None = None, item: str = "item_1", title: str = "Lesson 1") -> xs.AttemptContext:
    return xs.AttemptContext(
        learner=LEARNER, registration_id=str(uuid.uuid4()), course_iri="https://lrs.example/courses/c1",
        course_title="Golf", lesson_iri=f"https://lrs.example/courses/c1/items/{item}", lesson_title=title,
        attempt_id=str(uuid.uuid4()), session_id=session_id or str(uuid.uuid4()))


def assert_follows_profile(statement: dict) -> None:
    validate_statement(statement, "1.0.3")
    validate_statement(statement, "2.0.0")
    assert violations(statement, GENERAL) == []  # every statement: attempt + course grouping, timestamp
    assert violations(statement, TEMPLATE_OF_VERB[statement["verb"]["id"]]) == []
    # xAPI Profiles, Structure 2.3: the profile version as a category activity.
    assert xs.PROFILE_VERSION_ID in [a["id"] for a in statement["context"]["contextActivities"]["category"]]


# --- the profile itself, read from the .jsonld --------------------------------------------------------

def test_every_verb_used_is_one_the_profiles_define():
    # scorm-v1.0.jsonld defines the SCORM verbs; `commented` comes from the ADL vocabulary (adl-v1.0.jsonld).
    scorm_verbs = {c["id"] for c in scorm_profile()["concepts"] if c["type"] == "Verb"}
    assert set(TEMPLATE_OF_VERB) <= scorm_verbs | adl_verbs()


def test_templates_named_in_the_code_exist_in_the_profile():
    ids = {template["id"] for template in scorm_profile()["templates"]}
    assert set(TEMPLATE_OF_VERB.values()) <= ids
    assert scorm_profile()["versions"][0]["id"] == xs.PROFILE_VERSION_ID


def test_checker_finds_a_missing_attempt_grouping():
    statement = xs.initialized(context(), 1_700_000_000_000)
    statement["context"]["contextActivities"]["grouping"].pop(0)
    assert violations(statement, GENERAL)
    assert evaluate(statement, "context.contextActivities.grouping[*].definition.type") == [xs.TYPE_COURSE]


# --- the attempt's frame -------------------------------------------------------------------------------

def test_initialized_is_the_lesson_with_attempt_and_course_grouping():
    # xAPI SCORM Profile 5.0 "Initializing an attempt"; template initialization.
    ctx = context()
    statement = xs.initialized(ctx, 1_700_000_000_123)
    assert_follows_profile(statement)
    assert statement["actor"] == LEARNER
    assert statement["object"]["id"] == ctx.lesson_iri
    assert statement["context"]["registration"] == ctx.registration_id
    grouping = {a["id"] for a in statement["context"]["contextActivities"]["grouping"]}
    assert grouping == {ctx.attempt_iri, ctx.course_iri}
    assert statement["timestamp"] == "2023-11-14T22:13:20.123Z"


def test_statement_ids_are_deterministic_per_session_and_event():
    ctx = context(session_id="7b0c8c1e-2f7e-4d53-9b5e-0c0e5b1b1a11")
    assert xs.initialized(ctx, 1)["id"] == xs.initialized(ctx, 2)["id"]
    assert xs.initialized(ctx, 1)["id"] != xs.resumed(ctx, 1)["id"]
    other = context(session_id="7b0c8c1e-2f7e-4d53-9b5e-0c0e5b1b1a12")
    assert xs.initialized(ctx, 1)["id"] != xs.initialized(other, 1)["id"]


def test_suspended_and_terminated_carry_the_overall_result_and_session_time():
    # xAPI SCORM Profile 5.0 "Terminating an attempt": success, completion, score; duration from session_time.
    snapshot = snapshot_of("scorm2004", {"cmi.completion_status": "completed", "cmi.success_status": "passed",
                                         "cmi.score.scaled": "0.8", "cmi.session_time": "PT1M30.5S"})
    for build in (xs.suspended, xs.terminated):
        statement = build(context(), 1_000, snapshot)
        assert_follows_profile(statement)
        assert statement["result"] == {"success": True, "completion": True, "score": {"scaled": 0.8},
                                       "duration": "PT0H1M30.5S"}


def test_scorm12_session_time_becomes_an_iso_duration():
    snapshot = snapshot_of("scorm12", {"cmi.core.session_time": "0001:02:03.5"})
    assert xs.terminated(context(), 1, snapshot)["result"]["duration"] == "PT1H2M3.5S"


# --- what changed during a session -------------------------------------------------------------------

def _verbs(statements: list[dict]) -> list[str]:
    return [statement["verb"]["id"].rsplit("/", 1)[-1] for statement in statements]


def test_session_statements_report_what_changed_then_terminated():
    before = snapshot_of("scorm12", {"cmi.core.lesson_status": "incomplete"})
    after = snapshot_of("scorm12", {
        "cmi.core.lesson_status": "passed", "cmi.core.score.raw": "85", "cmi.core.session_time": "00:05:00",
        "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.student_response": "a,c", "cmi.interactions.0.result": "correct",
        "cmi.interactions.0.correct_responses.0.pattern": "a,c", "cmi.comments": "Nice lesson"})
    statements = xs.session_end_statements(context(), 5_000, before, after, suspended_=False)
    assert _verbs(statements) == ["completed", "passed", "scored", "responded", "commented", "terminated"]
    for statement in statements:
        assert_follows_profile(statement)
    responded = statements[3]
    # Interactions: cmi.interaction activities with the lesson as parent (launch-api.md, Statements).
    assert responded["object"]["id"].endswith("/items/item_1/interactions/q1")
    assert responded["object"]["definition"]["correctResponsesPattern"] == ["a[,]c"]
    assert responded["result"] == {"response": "a[,]c", "success": True}
    assert statements[2]["result"]["score"] == {"scaled": 0.85, "raw": 85.0}
    assert statements[4]["result"]["response"] == "Nice lesson"
    assert len({statement["id"] for statement in statements}) == len(statements)


def test_a_resumed_session_reports_only_new_interactions_and_comment_text():
    first = {"cmi.core.lesson_status": "incomplete", "cmi.interactions.0.id": "q1",
             "cmi.interactions.0.type": "true-false", "cmi.interactions.0.student_response": "t",
             "cmi.comments": "one."}
    second = dict(first, **{"cmi.interactions.1.id": "q2", "cmi.interactions.1.type": "numeric",
                            "cmi.interactions.1.student_response": "4", "cmi.comments": "one. two."})
    statements = xs.session_end_statements(context(), 1, snapshot_of("scorm12", first),
                                           snapshot_of("scorm12", second), suspended_=True)
    assert _verbs(statements) == ["responded", "commented", "suspended"]
    assert statements[0]["object"]["id"].endswith("/interactions/q2")
    assert statements[1]["result"]["response"] == " two."


def test_scorm2004_comments_from_learner_each_become_commented():
    cmi = {"cmi.comments_from_learner.0.comment": "{lang=en}Great", "cmi.comments_from_learner.1.comment": "Meh"}
    statements = xs.session_end_statements(context(), 1, snapshot_of("scorm2004", {}),
                                           snapshot_of("scorm2004", cmi), suspended_=False)
    assert [s["result"]["response"] for s in statements if s["verb"]["id"] == xs.VERB_COMMENTED] == ["Great", "Meh"]


def test_scorm12_true_false_and_matching_responses_use_xapi_formats():
    # xAPI-Data 2.4.4.1.1 response patterns; SCORM 1.2 RTE 3.4.2 CMIFeedback.
    assert xs.response_in_xapi("t", "true-false", "scorm12") == "true"
    assert xs.response_in_xapi("0", "true-false", "scorm12") == "false"
    assert xs.response_in_xapi("1.a,2.b", "matching", "scorm12") == "1[.]a[,]2[.]b"
    assert xs.response_in_xapi("1[.]a[,]2[.]b", "matching", "scorm2004") == "1[.]a[,]2[.]b"


# --- progress terms (launch-api.md, Registrations, SCORM) ----------------------------------------------

@pytest.mark.parametrize("lesson_status,completion,success", [
    ("passed", "completed", "passed"), ("failed", "completed", "failed"), ("completed", "completed", "unknown"),
    ("incomplete", "incomplete", "unknown"), ("browsed", "incomplete", "unknown"),
    ("not attempted", "not attempted", "unknown")])
def test_lesson_status_maps_as_the_contract_table_says(lesson_status, completion, success):
    status = status_of("scorm12", {"cmi.core.lesson_status": lesson_status})
    assert (status.completion, status.success) == (completion, success)


def test_scorm12_raw_score_scales_with_min_0_and_max_100_when_absent():
    # launch-api.md, SCORM specifics, Score.
    assert status_of("scorm12", {"cmi.core.score.raw": "40"}).score == 0.4
    assert status_of("scorm12", {"cmi.core.score.raw": "15", "cmi.core.score.min": "10",
                                 "cmi.core.score.max": "20"}).score == 0.5
    assert status_of("scorm2004", {"cmi.score.scaled": "-0.25", "cmi.score.raw": "3"}).score == -0.25


# --- properties: whatever a SCO wrote, statements stay valid xAPI and follow the profile ----------------

_identifier = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20)
_numbers = st.one_of(st.none(), st.integers(-200, 200).map(str), st.floats(-2, 2, allow_nan=False).map(str),
                     st.just("abc"))
_types = st.sampled_from(["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                          "sequencing", "likert", "numeric", "other", "bogus"])
_times = st.one_of(st.none(), st.sampled_from(["00:00:01", "0010:59:59.99", "PT1H2M3.04S", "P1DT1S",
                                               "P2Y3M", "PT0S", "nonsense", "PT"]))


@st.composite
def cmi_data(draw) -> tuple[str, dict]:
    version = draw(st.sampled_from(["scorm12", "scorm2004"]))
    cmi: dict[str, str] = {}
    if version == "scorm12":
        cmi["cmi.core.lesson_status"] = draw(st.sampled_from(list(("passed", "failed", "completed", "incomplete",
                                                                     "browsed", "not attempted"))))
        prefix = "cmi.core.score."
        cmi["cmi.core.session_time"] = draw(_times) or ""
        cmi["cmi.comments"] = draw(st.text(max_size=30))
    else:
        cmi["cmi.completion_status"] = draw(st.sampled_from(["completed", "incomplete", "not attempted",
                                                              "unknown"]))
        cmi["cmi.success_status"] = draw(st.sampled_from(["passed", "failed", "unknown"]))
        prefix = "cmi.score."
        cmi["cmi.score.scaled"] = draw(_numbers) or ""
        cmi["cmi.session_time"] = draw(_times) or ""
        for index, text in enumerate(draw(st.lists(st.text(max_size=20), max_size=2))):
            cmi[f"cmi.comments_from_learner.{index}.comment"] = text
    for name in ("raw", "min", "max"):
        value = draw(_numbers)
        if value is not None:
            cmi[prefix + name] = value
    response = "student_response" if version == "scorm12" else "learner_response"
    for index in range(draw(st.integers(0, 3))):
        cmi[f"cmi.interactions.{index}.id"] = draw(_identifier)
        cmi[f"cmi.interactions.{index}.type"] = draw(_types)
        cmi[f"cmi.interactions.{index}.{response}"] = draw(st.text(max_size=20))
        cmi[f"cmi.interactions.{index}.result"] = draw(st.sampled_from(["correct", "wrong", "incorrect",
                                                                         "neutral", "0.5", ""]))
        cmi[f"cmi.interactions.{index}.latency"] = draw(_times) or ""
        cmi[f"cmi.interactions.{index}.correct_responses.0.pattern"] = draw(st.text(max_size=10))
        if version == "scorm2004":
            cmi[f"cmi.interactions.{index}.description"] = draw(st.text(max_size=20))
    return version, cmi


@settings(max_examples=150, deadline=None)
@given(cmi_data(), st.booleans(), st.text(min_size=1, max_size=10), st.integers(0, 4_102_444_800_000))
def test_every_statement_a_session_writes_is_valid_xapi_and_follows_its_template(data, suspend, item, at_ms):
    version, cmi = data
    from urllib.parse import quote
    ctx = context(item=quote(item, safe=""), title=item)
    statements = [xs.initialized(ctx, at_ms), xs.resumed(ctx, at_ms)]
    statements += xs.session_end_statements(ctx, at_ms, snapshot_of(version, {}), snapshot_of(version, cmi),
                                            suspended_=suspend)
    for statement in statements:
        assert_follows_profile(statement)
    assert len({statement["id"] for statement in statements}) == len(statements)
    # Exactly one end of session, and it is last (pattern generalpattern).
    ends = [s for s in statements if s["verb"]["id"] in (xs.VERB_SUSPENDED, xs.VERB_TERMINATED)]
    assert ends == [statements[-1]]


@given(st.floats(0, 10_000_000, allow_nan=False))
def test_iso_duration_reads_back_to_the_same_hundredths(seconds):
    assert abs(xs.seconds_of(xs.iso_duration(seconds)) - round(seconds, 2)) < 0.006
