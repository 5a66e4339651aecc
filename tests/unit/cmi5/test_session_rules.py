"""The cmi5 session rules an AU token is held to (cmi5 6.3, 7.1, 9.1-9.7, 10.2, 11), as pure functions;
and the builders of the statements an AU sends, which the API tests share."""
from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, replace

import pytest

from lrs.xapi.timestamps import format_ms

from cmi5 import vocabulary as v
from cmi5.session_rules import SessionFacts, SessionRuleBroken, check_statements

LEARNER = {"objectType": "Agent", "name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}
T0 = 1_764_486_000_000  # 2025-11-30T07:00:00Z


@dataclass(frozen=True)
class Launch:
    """What rules read of an AU session (the fields of cmi5.au_session.AuSession they use)."""
    registration_id: str = "6c8d2f4e-9b1a-4c3d-8e7f-0a1b2c3d4e5f"
    session_id: str = "0f4a8c2e-1b3d-4f5a-9c7e-2d4b6a8c0e1f"
    activity_id: str = "https://lrs.example.com/cmi5/au/1"
    actor: dict = None
    launch_mode: str = "Normal"
    mastery_score: float | None = None
    context_template: dict = None
    au_id: str = "https://example.com/au/quiz"

    def __post_init__(self):
        if self.actor is None:
            object.__setattr__(self, "actor", copy.deepcopy(LEARNER))
        if self.context_template is None:
            object.__setattr__(self, "context_template", {
                "contextActivities": {"grouping": [{"id": self.au_id}]},
                "extensions": {v.SESSION_ID_EXTENSION: self.session_id}})


def au_statement(launch, verb: str, *, at_ms: int = T0, defined: bool = True, result: dict | None = None,
                 move_on: bool | None = None, mastery: bool = True, target: dict | None = None) -> dict:
    """A statement as @xapi/cmi5 builds it: the contextTemplate, the registration, the cmi5 category for a
    defined statement, the moveOn category when the result has success or completion (9.6.2.2), the
    masteryscore extension on passed and failed when the launch has one (9.6.3.2)."""
    context = copy.deepcopy(launch.context_template)
    context["registration"] = launch.registration_id
    if defined:
        context["contextActivities"]["category"] = [{"id": v.CMI5_CATEGORY}]
    if result is None:
        result = default_result(verb, launch.mastery_score) if defined else None
    if move_on is None:
        move_on = defined and result is not None and ("success" in result or "completion" in result)
    if move_on:
        context["contextActivities"].setdefault("category", []).append({"id": v.MOVE_ON_CATEGORY})
    if mastery and defined and verb in (v.PASSED, v.FAILED) and launch.mastery_score is not None:
        context["extensions"][v.MASTERY_SCORE_EXTENSION] = launch.mastery_score
    statement = {"id": str(uuid.uuid4()), "actor": copy.deepcopy(launch.actor),
                 "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
                 "object": target or {"objectType": "Activity", "id": launch.activity_id},
                 "context": context, "timestamp": format_ms(at_ms)}
    if result is not None:
        statement["result"] = result
    return statement


def default_result(verb: str, mastery_score: float | None) -> dict | None:
    if verb == v.COMPLETED:
        return {"completion": True, "duration": "PT30S"}
    if verb == v.PASSED:
        return {"success": True, "duration": "PT31S",
                **({"score": {"scaled": mastery_score}} if mastery_score is not None else {})}
    if verb == v.FAILED:
        return {"success": False, "duration": "PT32S",
                **({"score": {"scaled": max(0.0, mastery_score - 0.1)}} if mastery_score is not None else {})}
    if verb == v.TERMINATED:
        return {"duration": "PT40S"}
    return None


EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


# --- helpers of the tests below ---------------------------------------------------------------------

OPEN = SessionFacts(preferences_read=True)  # the AU has read cmi5LearnerPreferences (11.0)


def started(launch: Launch, facts: SessionFacts = OPEN) -> SessionFacts:
    """The facts after the session's initialized."""
    return check_statements(launch, facts, [au_statement(launch, v.INITIALIZED)]).facts


def refusal(launch, facts, statements) -> SessionRuleBroken:
    with pytest.raises(SessionRuleBroken) as caught:
        check_statements(launch, facts, statements)
    return caught.value


def refused_section(launch, facts, statements) -> str:
    return refusal(launch, facts, statements).section


def changed(statement: dict, **changes) -> dict:
    """A copy with dotted paths set (a value of DELETE removes the key)."""
    statement = copy.deepcopy(statement)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = statement
        for key in parents:
            node = node[key]
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return statement


DELETE = object()
NORMAL = Launch()
MASTERED = Launch(mastery_score=0.8)


# --- the happy path -----------------------------------------------------------------------------------

def test_initialized_completed_passed_terminated_is_accepted_and_counts_the_judged_statements():
    # cmi5 9.3: initialized first, terminated last; completed and passed counted for moveOn (9.3.3, 9.3.4)
    batch = [au_statement(MASTERED, verb, at_ms=T0 + step * 1000)
             for step, verb in enumerate([v.INITIALIZED, v.COMPLETED, v.PASSED, v.TERMINATED])]
    checked = check_statements(MASTERED, OPEN, batch)
    assert checked.judged == (1, 2)
    assert checked.terminated
    assert checked.facts.completed and checked.facts.passed and checked.facts.passed_ms == T0 + 2000
    assert checked.facts.defined_verbs == {v.INITIALIZED, v.COMPLETED, v.PASSED, v.TERMINATED}


def test_passed_may_come_before_completed():
    # cmi5 9.3: completed and passed may come in either order (only their count is limited)
    batch = [au_statement(NORMAL, v.INITIALIZED), au_statement(NORMAL, v.PASSED, at_ms=T0 + 1),
             au_statement(NORMAL, v.COMPLETED, at_ms=T0 + 2)]
    assert check_statements(NORMAL, OPEN, batch).judged == (1, 2)


def test_allowed_statements_are_free_between_initialized_and_terminated():
    # cmi5 7.1.3, 9.3: cmi5 allowed statements are not subject to the verb and result rules
    facts = started(NORMAL)
    allowed = [au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 + 5,
                            target={"id": "https://example.com/page/1"}, result={"score": {"raw": 3}}),
               au_statement(NORMAL, v.COMPLETED, defined=False, at_ms=T0 + 6, result={"success": False}),
               au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 + 6)]
    checked = check_statements(NORMAL, facts, allowed)
    assert checked.judged == () and checked.facts.defined_verbs == {v.INITIALIZED}
    assert checked.facts.last_ms == T0 + 6


# --- every statement the AU sends -------------------------------------------------------------------

def test_nothing_before_initialized():
    # cmi5 9.3: the initialized verb MUST be the first statement (cmi5 allowed or defined); 7.1.3
    assert refused_section(NORMAL, OPEN, [au_statement(NORMAL, EXPERIENCED, defined=False)]) == "cmi5 9.3"
    assert refused_section(NORMAL, OPEN, [au_statement(NORMAL, v.COMPLETED)]) == "cmi5 9.3"


def test_nothing_timestamped_before_initialized():
    # cmi5 9.3: order is timestamp order
    facts = started(NORMAL)
    early = au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 - 1)
    assert refused_section(NORMAL, facts, [early]) == "cmi5 9.3"


def test_initialized_without_the_cmi5_category_does_not_open_the_session():
    # cmi5 7.1.1 / 9.3.2: the first statement is the cmi5 defined initialized
    plain = au_statement(NORMAL, v.INITIALIZED, defined=False)
    assert refused_section(NORMAL, OPEN, [plain]) == "cmi5 9.3"


def test_nothing_after_terminated_in_the_same_batch():
    # cmi5 9.3.8: terminated is the last statement of the session
    facts = started(NORMAL)
    batch = [au_statement(NORMAL, v.TERMINATED, at_ms=T0 + 10),
             au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 + 11)]
    broken = refusal(NORMAL, facts, batch)
    assert broken.section == "cmi5 9.3.8" and broken.position == 1
    assert "statement [1]" in broken.message and "(cmi5 9.3.8)" in broken.message


def test_terminated_must_be_last_by_timestamp():
    # cmi5 9.3: terminated MUST be the last statement, by timestamp
    facts = check_statements(NORMAL, OPEN, [au_statement(NORMAL, v.INITIALIZED),
                                            au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 + 50)]).facts
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, v.TERMINATED, at_ms=T0 + 49)]) == "cmi5 9.3"


def test_no_statement_before_the_learner_preferences_were_read():
    # cmi5 11.0: the AU MUST retrieve the Learner Preferences document on startup
    assert refused_section(NORMAL, SessionFacts(), [au_statement(NORMAL, v.INITIALIZED)]) == "cmi5 11.0"


def test_a_statement_needs_an_id():
    # cmi5 9.1
    statement = changed(au_statement(NORMAL, v.INITIALIZED), id=DELETE)
    assert refused_section(NORMAL, OPEN, [statement]) == "cmi5 9.1"


@pytest.mark.parametrize("timestamp", [DELETE, "2025-11-30T01:00:00.000-06:00", "2025-11-30T07:00:00",
                                       "2025-11-30T08:00:00+01:00", 12, "yesterday"])
def test_a_statement_needs_a_utc_timestamp(timestamp):
    # cmi5 9.7: all statements MUST include a timestamp, recorded in UTC
    statement = changed(au_statement(NORMAL, v.INITIALIZED), timestamp=timestamp)
    assert refused_section(NORMAL, OPEN, [statement]) == "cmi5 9.7"


@pytest.mark.parametrize("timestamp", ["2025-11-30T07:00:00Z", "2025-11-30T07:00:00.123456+00:00",
                                       "2025-11-30T07:00:00+0000"])
def test_utc_timestamps_are_accepted(timestamp):
    # cmi5 9.7
    statement = changed(au_statement(NORMAL, v.INITIALIZED), timestamp=timestamp)
    check_statements(NORMAL, OPEN, [statement])


@pytest.mark.parametrize("actor", [
    {"objectType": "Group", "account": LEARNER["account"]},
    {"objectType": "Unknown", "account": LEARNER["account"]},
    {"mbox": "mailto:kim@example.com"},
    {"account": {"homePage": "https://lms.example.com", "name": "lee"}},
    {"account": {"homePage": "https://other.example.com", "name": "kim"}},
    {"mbox": "mailto:kim@example.com", "account": LEARNER["account"]},
    "kim",
])
def test_the_actor_is_the_launch_actor(actor):
    # cmi5 9.2: an Agent with the launch actor's account
    statement = changed(au_statement(NORMAL, v.INITIALIZED), actor=actor)
    assert refused_section(NORMAL, OPEN, [statement]) == "cmi5 9.2"


def test_the_actor_may_leave_out_its_name_and_object_type():
    # cmi5 9.2: identity is the account (xAPI-Data 2.4.2.1: objectType Agent is the default)
    statement = changed(au_statement(NORMAL, v.INITIALIZED), actor={"account": dict(LEARNER["account"])})
    check_statements(NORMAL, OPEN, [statement])


@pytest.mark.parametrize("path, value, section", [
    ("context", DELETE, "cmi5 9.6"),
    ("context__registration", DELETE, "cmi5 9.6.1"),
    ("context__registration", "ccaf384c-f8d4-4e7a-8304-49af58f0b176", "cmi5 9.6.1"),
    ("context__extensions", DELETE, "cmi5 9.6.3.1"),
    ("context__extensions__" + v.SESSION_ID_EXTENSION, "another-session", "cmi5 9.6.3.1"),
    ("context__contextActivities__grouping", [], "cmi5 10.2.1"),
    ("context__contextActivities__grouping", [{"id": "https://example.com/au/other"}], "cmi5 10.2.1"),
])
def test_the_context_holds_the_registration_session_id_and_context_template(path, value, section):
    # cmi5 9.6.1, 9.6.3.1, 10.2.1 (MUST NOT overwrite any values provided in the contextTemplate)
    statement = changed(au_statement(NORMAL, v.INITIALIZED), **{path: value})
    assert refused_section(NORMAL, OPEN, [statement]) == section


def test_the_context_may_add_to_the_template():
    # cmi5 10.2.1: the AU MAY include additional values
    statement = au_statement(NORMAL, v.INITIALIZED)
    statement["context"]["contextActivities"]["grouping"].insert(0, {"id": "https://example.com/extra",
                                                                     "objectType": "Activity"})
    statement["context"]["language"] = "en-US"
    check_statements(NORMAL, OPEN, [statement])


def test_every_template_value_is_kept():
    # cmi5 10.2.1: an LMS MAY place additional values in the contextTemplate; the AU keeps them
    launch = Launch(context_template={"contextActivities": {"grouping": [{"id": "https://example.com/au/quiz"}]},
                                      "extensions": {v.SESSION_ID_EXTENSION: Launch().session_id,
                                                     "https://lms.example.com/ext": {"a": 1}}})
    statement = au_statement(launch, v.INITIALIZED)
    check_statements(launch, OPEN, [statement])
    statement["context"]["extensions"]["https://lms.example.com/ext"] = {"a": 2}
    assert refused_section(launch, OPEN, [statement]) == "cmi5 10.2.1"


def test_no_voiding():
    # cmi5 6.3: the LMS MUST NOT provide credentials which allow the AU to issue voiding statements
    facts = started(NORMAL)
    voiding = au_statement(NORMAL, "http://adlnet.gov/expapi/verbs/voided", defined=False, at_ms=T0 + 1,
                           target={"objectType": "StatementRef", "id": str(uuid.uuid4())})
    assert refused_section(NORMAL, facts, [voiding]) == "cmi5 6.3"


@pytest.mark.parametrize("verb, section", [(v.LAUNCHED, "cmi5 9.3.1"), (v.ABANDONED, "cmi5 9.3.6"),
                                           (v.WAIVED, "cmi5 9.3.7"), (v.SATISFIED, "cmi5 9.3.9")])
@pytest.mark.parametrize("defined", [True, False])
def test_no_lms_only_verbs(verb, section, defined):
    # cmi5 9.3.1, 9.3.6, 9.3.7, 9.3.9: verbs whose obligations are the LMS's alone
    facts = started(NORMAL)
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, verb, defined=defined, at_ms=T0 + 1)]) == section


# --- cmi5 defined statements ------------------------------------------------------------------------

def test_a_defined_statement_uses_a_cmi5_verb():
    # cmi5 7.1.3: defined statements use cmi5 defined verbs; the category with another verb is not allowed
    facts = started(NORMAL)
    statement = au_statement(NORMAL, EXPERIENCED, at_ms=T0 + 1)
    assert refused_section(NORMAL, facts, [statement]) == "cmi5 7.1.3"


@pytest.mark.parametrize("target", [{"id": "http://example.com/not/the/lms/id"},
                                    {"id": "https://example.com/au/quiz"},
                                    {"objectType": "StatementRef", "id": str(uuid.uuid4())}])
def test_the_object_is_the_launch_activity_id(target):
    # cmi5 9.4, 8.1.5: the object of a cmi5 defined statement is the activityId of the launch URL
    facts = started(NORMAL)
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, v.COMPLETED, at_ms=T0 + 1, target=target)]) \
        == "cmi5 9.4"


@pytest.mark.parametrize("verb", [v.INITIALIZED, v.COMPLETED, v.PASSED, v.FAILED])
def test_no_defined_verb_twice_in_a_session(verb):
    # cmi5 9.3: verbs MUST NOT be duplicated in a session (and 9.3.2 initialized, 9.3.3, 9.3.4)
    facts = started(NORMAL)
    if verb != v.INITIALIZED:
        facts = check_statements(NORMAL, facts, [au_statement(NORMAL, verb, at_ms=T0 + 1)]).facts
        facts = replace(facts, completed=False, passed=False, passed_ms=None)  # the session rule alone
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, verb, at_ms=T0 + 2)]) == "cmi5 9.3"


@pytest.mark.parametrize("first, second", [(v.PASSED, v.FAILED), (v.FAILED, v.PASSED)])
def test_at_most_one_of_passed_and_failed_in_a_session(first, second):
    # cmi5 9.3: more than one of the set {passed, failed} MUST NOT be used in a session
    facts = check_statements(NORMAL, started(NORMAL), [au_statement(NORMAL, first, at_ms=T0 + 1)]).facts
    facts = replace(facts, passed=False, passed_ms=None)  # the session rule alone
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, second, at_ms=T0 + 2)]) == "cmi5 9.3"


def test_completed_at_most_once_per_registration():
    # cmi5 9.3, 9.3.3: zero or one completed per registration (a later session)
    later_session = started(NORMAL, SessionFacts(preferences_read=True, completed=True))
    assert refused_section(NORMAL, later_session, [au_statement(NORMAL, v.COMPLETED, at_ms=T0 + 1)]) \
        == "cmi5 9.3.3"


def test_passed_at_most_once_per_registration():
    # cmi5 9.3, 9.3.4
    later_session = started(NORMAL, SessionFacts(preferences_read=True, passed=True, passed_ms=T0 - 5000))
    assert refused_section(NORMAL, later_session, [au_statement(NORMAL, v.PASSED, at_ms=T0 + 1)]) == "cmi5 9.3.4"


def test_no_failed_after_passed_in_the_registration():
    # cmi5 9.3: a failed statement MUST NOT follow a passed statement per registration
    later_session = started(NORMAL, SessionFacts(preferences_read=True, passed=True, passed_ms=T0 - 5000))
    assert refused_section(NORMAL, later_session, [au_statement(NORMAL, v.FAILED, at_ms=T0 + 1)]) == "cmi5 9.3"


def test_failed_then_passed_in_another_session_is_accepted():
    # cmi5 9.3: only failed after passed is refused
    facts = check_statements(NORMAL, started(NORMAL), [au_statement(NORMAL, v.FAILED, at_ms=T0 + 1)]).facts
    next_session = started(NORMAL, SessionFacts(preferences_read=True, completed=facts.completed))
    check_statements(NORMAL, next_session, [au_statement(NORMAL, v.PASSED, at_ms=T0 + 10)])


@pytest.mark.parametrize("mode", ["Browse", "Review"])
@pytest.mark.parametrize("verb", [v.COMPLETED, v.PASSED, v.FAILED])
def test_browse_and_review_may_not_complete_pass_or_fail(mode, verb):
    # cmi5 10.2.2 launchMode: Browse and Review record no completion or success
    launch = Launch(launch_mode=mode)
    assert refused_section(launch, started(launch), [au_statement(launch, verb, at_ms=T0 + 1)]) == "cmi5 10.2.2"


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_sessions_initialize_and_terminate(mode):
    # cmi5 10.2.2
    launch = Launch(launch_mode=mode)
    checked = check_statements(launch, started(launch), [au_statement(launch, v.TERMINATED, at_ms=T0 + 1)])
    assert checked.terminated


@pytest.mark.parametrize("verb, result, section", [
    (v.COMPLETED, {"completion": True, "duration": "PT1S", "score": {"scaled": 0.5}}, "cmi5 9.5.1"),
    (v.TERMINATED, {"duration": "PT1S", "score": {"scaled": 0.5}}, "cmi5 9.5.1"),
    (v.PASSED, {"success": True, "duration": "PT1S", "score": {"raw": 50, "max": 100}}, "cmi5 9.5.1"),
    (v.PASSED, {"success": True, "duration": "PT1S", "score": {"raw": 50, "min": 0}}, "cmi5 9.5.1"),
    (v.PASSED, {"duration": "PT1S"}, "cmi5 9.5.2"),
    (v.PASSED, {"success": False, "duration": "PT1S"}, "cmi5 9.5.2"),
    (v.FAILED, {"duration": "PT1S"}, "cmi5 9.5.2"),
    (v.FAILED, {"success": True, "duration": "PT1S"}, "cmi5 9.5.2"),
    (v.COMPLETED, {"completion": True, "success": True, "duration": "PT1S"}, "cmi5 9.5.2"),
    (v.COMPLETED, {"duration": "PT1S"}, "cmi5 9.5.3"),
    (v.COMPLETED, {"completion": False, "duration": "PT1S"}, "cmi5 9.5.3"),
    (v.PASSED, {"success": True, "completion": True, "duration": "PT1S"}, "cmi5 9.5.3"),
    (v.TERMINATED, {"completion": True, "duration": "PT1S"}, "cmi5 9.5.3"),
])
def test_result_rules(verb, result, section):
    # cmi5 9.5.1 score, 9.5.2 success, 9.5.3 completion
    facts = started(NORMAL)
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, verb, at_ms=T0 + 1, result=result)]) == section


@pytest.mark.parametrize("verb", [v.TERMINATED, v.COMPLETED, v.PASSED, v.FAILED])
def test_duration_is_required(verb):
    # cmi5 9.5.4.1: terminated, completed, passed and failed include duration
    facts = started(NORMAL)
    result = default_result(verb, None)
    del result["duration"]
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, verb, at_ms=T0 + 1, result=result)]) \
        .startswith("cmi5 9.5.4.1")


def test_initialized_may_carry_a_duration():
    # cmi5 9.5.4: other cmi5 defined statements MAY include duration
    check_statements(NORMAL, OPEN, [au_statement(NORMAL, v.INITIALIZED, result={"duration": "PT0S"})])


@pytest.mark.parametrize("verb", [v.COMPLETED, v.PASSED, v.FAILED])
def test_move_on_category_required_with_success_or_completion(verb):
    # cmi5 9.6.2.2: a result with success or completion needs the moveOn category
    facts = started(NORMAL)
    assert refused_section(NORMAL, facts, [au_statement(NORMAL, verb, at_ms=T0 + 1, move_on=False)]) \
        == "cmi5 9.6.2.2"


def test_move_on_category_refused_elsewhere():
    # cmi5 9.6.2.2: other statements MUST NOT include this activity (defined and allowed alike)
    facts = started(NORMAL)
    for statement in (au_statement(NORMAL, v.TERMINATED, at_ms=T0 + 1, move_on=True),
                      au_statement(NORMAL, EXPERIENCED, defined=False, at_ms=T0 + 1, move_on=True)):
        assert refused_section(NORMAL, facts, [statement]) == "cmi5 9.6.2.2"


@pytest.mark.parametrize("verb", [v.PASSED, v.FAILED])
def test_mastery_score_extension_on_passed_and_failed(verb):
    # cmi5 9.6.3.2: passed and failed carry the launch's masteryScore
    facts = started(MASTERED)
    missing = au_statement(MASTERED, verb, at_ms=T0 + 1, mastery=False)
    other = changed(au_statement(MASTERED, verb, at_ms=T0 + 1),
                    **{"context__extensions__" + v.MASTERY_SCORE_EXTENSION: 0.7})
    assert refused_section(MASTERED, facts, [missing]) == "cmi5 9.6.3.2"
    assert refused_section(MASTERED, facts, [other]) == "cmi5 9.6.3.2"


@pytest.mark.parametrize("verb, scaled, section", [(v.PASSED, 0.79, "cmi5 9.3.4"), (v.FAILED, 0.8, "cmi5 9.3.5"),
                                                   (v.FAILED, 0.81, "cmi5 9.3.5")])
def test_score_consistent_with_mastery_score(verb, scaled, section):
    # cmi5 9.3.4: passed scaled >= masteryScore; 9.3.5: failed scaled < masteryScore; 9.5.1
    facts = started(MASTERED)
    result = {**default_result(verb, 0.8), "score": {"scaled": scaled}}
    assert refused_section(MASTERED, facts, [au_statement(MASTERED, verb, at_ms=T0 + 1, result=result)]) == section


@pytest.mark.parametrize("verb", [v.PASSED, v.FAILED])
def test_an_unscored_passed_or_failed_needs_no_mastery_extension(verb):
    # cmi5 9.6.3.2: the extension is for passed/failed statements made "based on the masteryScore";
    # one without a score was not (CATAPULT 001-essentials, 005-2-invalid-au)
    result = {key: value for key, value in default_result(verb, 0.8).items() if key != "score"}
    statement = au_statement(MASTERED, verb, at_ms=T0 + 1, mastery=False, result=result)
    check_statements(MASTERED, started(MASTERED), [statement])


def test_no_mastery_score_no_extension_needed():
    # cmi5 9.6.3.2: required when present in LMS.LaunchData
    check_statements(NORMAL, started(NORMAL), [au_statement(NORMAL, v.PASSED, at_ms=T0 + 1)])


# --- batches ----------------------------------------------------------------------------------------

def test_a_batch_is_refused_whole_at_its_first_broken_statement():
    # issue 12: a POST array is checked in array order and refused whole
    batch = [au_statement(NORMAL, v.INITIALIZED), au_statement(NORMAL, v.COMPLETED, at_ms=T0 + 1),
             au_statement(NORMAL, v.COMPLETED, at_ms=T0 + 2)]
    broken = refusal(NORMAL, OPEN, batch)
    assert broken.position == 2 and broken.section == "cmi5 9.3"


def test_facts_round_trip_through_session_data():
    facts = check_statements(MASTERED, OPEN, [au_statement(MASTERED, v.INITIALIZED),
                                              au_statement(MASTERED, v.PASSED, at_ms=T0 + 3)]).facts
    again = SessionFacts.from_data(facts.session_data(), completed=facts.completed, passed=facts.passed,
                                   passed_ms=facts.passed_ms)
    assert again == facts
