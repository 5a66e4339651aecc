"""The project's own statements against the published profiles it claims: the SCORM runtime's
(scorm_runtime/statements.py) against scorm-v1.0, the cmi5 LMS's (cmi5/statements.py) and AU statements as
cmi5 9.3 defines them against cmi5-v1.0. Where they do not match, the test says why and is marked xfail(strict):
it starts failing the day the statement (or the profile) is fixed, so the mark is removed then.
# xAPI Profiles Part Three §2.1, §2.2"""
from __future__ import annotations

import uuid

import pytest

from analytics.profiles.patterns import follow
from analytics.profiles.templates import SUCCESS, validate
from cmi5 import statements as cmi5_statements
from cmi5 import vocabulary as cmi5_terms
from lrs.xapi.timestamps import format_ms
from scorm_runtime import statements as xs
from tests.unit.analytics.profiles.builders import published

SCORM_PROFILE, _ = published("scorm-v1.0")
CMI5_PROFILE, _ = published("cmi5-v1.0")
LEARNER = {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "learner-1"}}


# --- SCORM -------------------------------------------------------------------------------------------

def _attempt() -> xs.AttemptContext:
    return xs.AttemptContext(learner=LEARNER, registration_id=str(uuid.uuid4()),
                             course_iri="https://lrs.example/courses/c1", course_title="Golf",
                             lesson_iri="https://lrs.example/courses/c1/items/item_1", lesson_title="Lesson 1",
                             attempt_id=str(uuid.uuid4()), session_id=str(uuid.uuid4()))


FULL = xs.Snapshot(version="scorm2004",
                   outcome=xs.Outcome(completion=True, success=True,
                                      score=xs.Score(scaled=0.8, raw=80, min=0, max=100)),
                   interactions=(xs.Interaction(index=0, id="q1", type="choice", learner_response="a[,]b",
                                                result="correct", latency="PT5S", correct_responses=("a[,]b",)),
                                 xs.Interaction(index=1, id="q2", type="true-false", learner_response="false",
                                                result="incorrect")),
                   comments=(xs.Comment(text="{lang=en}Nice", key="c0"),), session_time="PT2M3S")


def _scorm_session() -> list[dict]:
    """One attempt: initialized, the first session's statements ending in suspended, a resumed session that
    ends the attempt."""
    ctx = _attempt()
    first = xs.Snapshot(version="scorm2004", outcome=xs.Outcome(completion=True), session_time="PT1M")
    statements = [xs.initialized(ctx, 1_000)]
    statements += xs.session_end_statements(ctx, 2_000, xs.Snapshot(version="scorm2004"), first, suspended_=True)
    statements.append(xs.resumed(ctx, 3_000))
    statements += xs.session_end_statements(ctx, 4_000, first, FULL, suspended_=False)
    return statements


EXPECTED_SCORM_TEMPLATE = {
    xs.VERB_INITIALIZED: xs.TEMPLATE_INITIALIZATION, xs.VERB_TERMINATED: xs.TEMPLATE_TERMINATION,
    xs.VERB_SUSPENDED: xs.TEMPLATE_SUSPENSION, xs.VERB_RESUMED: xs.TEMPLATE_RESUMPTION,
    xs.VERB_COMPLETED: xs.TEMPLATE_COMPLETING, xs.VERB_COMMENTED: xs.TEMPLATE_COMMENTING,
    xs.VERB_RESPONDED: xs.TEMPLATE_INTERACTION, xs.VERB_PASSED: xs.TEMPLATE_SCO_ACTIVITY,
    xs.VERB_SCORED: xs.TEMPLATE_SCO_ACTIVITY,
}


def test_every_statement_of_a_scorm_attempt_matches_its_template_and_breaks_no_rule():
    statements = _scorm_session()
    assert {statement["verb"]["id"] for statement in statements} == set(EXPECTED_SCORM_TEMPLATE)
    for statement in statements:
        outcome = validate(statement, SCORM_PROFILE)
        assert outcome.outcome == SUCCESS and outcome.violations == [], outcome.violations
        assert "https://w3id.org/xapi/scorm#generalrestrictions" in outcome.matched
        assert EXPECTED_SCORM_TEMPLATE[statement["verb"]["id"]] in outcome.matched


def test_a_scorm_attempt_is_taken_whole_by_the_primary_pattern_but_greedily_never_reaches_termination():
    # scorm-v1.0 generalpattern: initialization, middlestatements, optionallycontinue, termination. Its
    # 'scoactivity' template (object type lesson, no verb) matches every lesson statement, suspended, resumed and
    # terminated included, so under the greedy matching of Part Three §2.2 middlestatements takes them all and the
    # pattern runs out of statements: every statement is consumed and the result is "in-progress", never "followed"
    stream = [frozenset(validate(statement, SCORM_PROFILE).matched) for statement in _scorm_session()]
    [result] = follow(SCORM_PROFILE.patterns, SCORM_PROFILE.primary_patterns, stream)
    assert (result.outcome, result.matched) == ("in-progress", len(stream))


@pytest.mark.xfail(strict=True, reason=(
    "scorm-v1.0 erratum: generalpattern cannot be followed under the greedy matching xAPI Profiles Part Three §2.2 "
    "requires, because the 'scoactivity' template inside middlestatements also matches the suspension, resumption "
    "and termination statements (Part Two §9.0: authors MUST make primary Patterns behave under greedy matching). "
    "The runtime's statements are in the profile's order; not a project fix"))
def test_a_scorm_attempt_with_suspend_and_resume_follows_the_primary_pattern():
    stream = [frozenset(validate(statement, SCORM_PROFILE).matched) for statement in _scorm_session()]
    [result] = follow(SCORM_PROFILE.patterns, SCORM_PROFILE.primary_patterns, stream)
    assert result.outcome == "followed", result.to_dict()


def test_course_rollup_statements_do_not_claim_the_scorm_profile():
    ctx = _attempt()
    statements = xs.course_statements(ctx, 5_000, {"completion": "incomplete", "success": "unknown"},
                                      {"completion": "completed", "success": "passed", "scaled": 0.8})
    assert len(statements) == 2
    for statement in statements:
        # A profile applies to the statements that name its version in category (Part Two §5.0). Course
        # statements belong to no SCO attempt, and generalrestrictions rule 0 asks for an attempt in grouping,
        # so they must not name it: judged against the profile anyway, exactly that rule fails.
        assert xs.PROFILE_VERSION_ID not in str(statement)
        [violation] = validate(statement, SCORM_PROFILE).violations
        assert (violation.template, violation.rule) == ("https://w3id.org/xapi/scorm#generalrestrictions", 0)


# --- cmi5 --------------------------------------------------------------------------------------------

REGISTRATION = str(uuid.uuid4())
SESSION = str(uuid.uuid4())
AU = "https://example.com/courses/c1/au/1"
PUBLISHER = "https://example.com/courses/c1/au/1/publisher-id"
ACTOR = cmi5_statements.actor_of(LEARNER)


def _au_statement(verb: str, at_ms: int, result: dict | None = None, *, move_on: bool = False) -> dict:
    """What a conformant AU sends (cmi5 9.3.2-9.3.5, 9.3.8): the LMS's context template (10.2.1) plus the
    cmi5 category, the moveOn category with a result of success or completion (9.6.2.2)."""
    statement = {"id": str(uuid.uuid4()), "actor": ACTOR, "verb": {"id": verb},
                 "object": {"objectType": "Activity", "id": AU},
                 "context": cmi5_statements.context(REGISTRATION, SESSION, PUBLISHER, move_on=move_on),
                 "timestamp": format_ms(at_ms)}
    if result is not None:
        statement["result"] = result
    return statement


def _launched(launch_parameters: str | None = "level=2") -> dict:
    return cmi5_statements.launched(ACTOR, REGISTRATION, SESSION, AU, PUBLISHER, launch_mode="Normal",
                                    launch_url="https://example.com/au/1.html", move_on="CompletedAndPassed",
                                    mastery_score=0.7, launch_parameters=launch_parameters, at_ms=1_000)


def _cmi5_session() -> list[dict]:
    return [_launched(),
            _au_statement(cmi5_terms.INITIALIZED, 2_000),
            _au_statement(cmi5_terms.COMPLETED, 3_000, {"completion": True, "duration": "PT1M"}, move_on=True),
            _au_statement(cmi5_terms.PASSED, 4_000, {"success": True, "duration": "PT2M",
                                                     "score": {"scaled": 0.9}}, move_on=True),
            _au_statement(cmi5_terms.TERMINATED, 5_000, {"duration": "PT3M"})]


CMI5 = "https://w3id.org/xapi/cmi5#"


def test_cmi5_session_statements_match_their_templates_and_break_no_rule():
    expected = [CMI5 + "launched", CMI5 + "initialized", CMI5 + "completed", CMI5 + "passed", CMI5 + "terminated"]
    for statement, template in zip(_cmi5_session(), expected):
        outcome = validate(statement, CMI5_PROFILE)
        assert outcome.violations == [] and outcome.matched == [CMI5 + "generalrestrictions", template]


def test_a_cmi5_session_follows_the_primary_pattern():
    # cmi5-v1.0 toplevel: launched, initialized, completed then passed, terminated (completionpassedsession)
    stream = [frozenset(validate(statement, CMI5_PROFILE).matched) for statement in _cmi5_session()]
    [result] = follow(CMI5_PROFILE.patterns, CMI5_PROFILE.primary_patterns, stream)
    assert result.outcome == "followed", result.to_dict()


def test_a_cmi5_session_with_a_failed_then_abandoned_follows_the_pattern():
    abandoned = cmi5_statements.abandoned(ACTOR, REGISTRATION, SESSION, AU, PUBLISHER, duration="PT9M", at_ms=6_000)
    statements = _cmi5_session()[:2] + [
        _au_statement(cmi5_terms.FAILED, 3_000, {"success": False, "duration": "PT1M"}, move_on=True), abandoned]
    for statement in statements:
        assert validate(statement, CMI5_PROFILE).violations == []
    stream = [frozenset(validate(statement, CMI5_PROFILE).matched) for statement in statements]
    assert follow(CMI5_PROFILE.patterns, CMI5_PROFILE.primary_patterns, stream)[0].outcome == "followed"


def test_cmi5_lms_waived_and_satisfied_break_no_rule():
    waived = cmi5_statements.waived(ACTOR, REGISTRATION, SESSION, AU, PUBLISHER, reason="Tested Out", at_ms=1_000)
    satisfied = cmi5_statements.satisfied(ACTOR, REGISTRATION, SESSION, "https://lms.example/courses/c1",
                                          PUBLISHER, block=False, title="Course", at_ms=2_000)
    for statement in (waived, satisfied):
        assert validate(statement, CMI5_PROFILE).violations == []


@pytest.mark.xfail(strict=True, reason=(
    "cmi5-v1.0 (the published profile) gives its 'waived' and 'satisfied' templates the verbs "
    "http://adlnet.gov/expapi/verbs/waived and .../satisfied, while cmi5 9.3.7 and 9.3.9 (and cmi5/statements.py) "
    "use https://w3id.org/xapi/adl/verbs/waived and .../satisfied. The project follows the cmi5 specification; "
    "the statements match only 'generalrestrictions', so a registration with a waiver or a satisfied statement "
    "does not follow the profile's toplevel pattern. Not a project fix: a profile erratum"))
def test_cmi5_lms_waived_and_satisfied_match_their_templates():
    waived = cmi5_statements.waived(ACTOR, REGISTRATION, SESSION, AU, PUBLISHER, reason="Tested Out", at_ms=1_000)
    satisfied = cmi5_statements.satisfied(ACTOR, REGISTRATION, SESSION, "https://lms.example/courses/c1",
                                          PUBLISHER, block=False, title="Course", at_ms=2_000)
    assert CMI5 + "waived" in validate(waived, CMI5_PROFILE).matched
    assert CMI5 + "satisfied" in validate(satisfied, CMI5_PROFILE).matched


@pytest.mark.xfail(strict=True, reason=(
    "cmi5-v1.0 'launched' rule 7 makes the launchparameters context extension 'included' always; cmi5 9.6.3.7 "
    "asks for it only 'when it is provided in the LMS.LaunchData document', and cmi5/statements.py launched() "
    "leaves it out for an AU without launchParameters. The project follows the cmi5 specification; to satisfy "
    "the profile as well, launched() would always write the extension"))
def test_a_launched_statement_for_an_au_without_launch_parameters_follows_the_profile():
    assert validate(_launched(launch_parameters=None), CMI5_PROFILE).violations == []
