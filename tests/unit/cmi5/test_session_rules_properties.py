"""Properties of the session rule checker over random statement sequences (cmi5 9.3, issue 12: a refused
batch is refused whole and changes nothing)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lrs.xapi.timestamps import parse_timestamp_ms

from cmi5 import vocabulary as v
from cmi5.session_rules import SessionFacts, SessionRuleBroken, check_statements
from tests.unit.cmi5.test_session_rules import EXPERIENCED, T0, Launch, au_statement, default_result

VERBS = [v.INITIALIZED, v.COMPLETED, v.PASSED, v.FAILED, v.TERMINATED, EXPERIENCED, v.SATISFIED,
         "http://adlnet.gov/expapi/verbs/voided"]
LAUNCHES = [Launch(), Launch(mastery_score=0.8), Launch(launch_mode="Browse"), Launch(launch_mode="Review")]

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(["id", "verb", "actor", "context", "result", "object",
                                                              "timestamp", "registration", "extensions",
                                                              "contextActivities", "category", "score", "success",
                                                              "completion", "duration", "scaled"]), inner,
                                             max_size=4),
                           max_leaves=12)


@st.composite
def au_statements(draw, launch):
    """Mostly well-formed AU statements with random verbs, kinds, times and results, some broken."""
    verb = draw(st.sampled_from(VERBS))
    defined = draw(st.booleans())
    result = draw(st.sampled_from([None, default_result(verb, launch.mastery_score) if defined else None,
                                   {"success": True, "duration": "PT1S"}, {"completion": True, "duration": "PT1S"},
                                   {"duration": "PT1S"}, {"success": False, "score": {"scaled": 0.5},
                                                          "duration": "PT2S"}]))
    statement = au_statement(launch, verb, defined=defined, at_ms=T0 + draw(st.integers(0, 20)) * 1000,
                             result=result, move_on=draw(st.sampled_from([None, None, True, False])),
                             mastery=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        statement[draw(st.sampled_from(list(statement)))] = draw(json_values)
    return statement


facts_strategy = st.builds(SessionFacts, preferences_read=st.booleans(),
                           initialized_ms=st.none() | st.integers(T0 - 1000, T0 + 5000), terminated=st.booleans(),
                           last_ms=st.none() | st.integers(T0, T0 + 10_000),
                           defined_verbs=st.frozensets(st.sampled_from(VERBS[:5])), completed=st.booleans(),
                           passed=st.booleans(), passed_ms=st.none() | st.integers(T0 - 1000, T0 + 20_000))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LAUNCHES), facts_strategy, st.lists(json_values, max_size=4))
def test_the_checker_never_raises_anything_but_a_rule_on_arbitrary_json(launch, facts, batch):
    try:
        check_statements(launch, facts, batch)
    except SessionRuleBroken as broken:
        assert broken.section.startswith("cmi5 ") and broken.position is not None


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_batch_is_accepted_exactly_when_its_statements_are_accepted_one_by_one(data):
    # issue 12: checked in array order and refused whole; a refused batch leaves the facts as they were
    launch = data.draw(st.sampled_from(LAUNCHES))
    facts = SessionFacts(preferences_read=True)
    batch = data.draw(st.lists(au_statements(launch), min_size=1, max_size=6))
    one_by_one, refused_at = facts, None
    for position, statement in enumerate(batch):
        try:
            one_by_one = check_statements(launch, one_by_one, [statement]).facts
        except SessionRuleBroken:
            refused_at = position
            break
    try:
        checked = check_statements(launch, facts, batch)
    except SessionRuleBroken as broken:
        assert broken.position == refused_at
        assert facts == SessionFacts(preferences_read=True)  # nothing changed
    else:
        assert refused_at is None and checked.facts == one_by_one


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_what_is_accepted_keeps_the_9_3_ordering_rules(data):
    # cmi5 9.3: initialized first and once, terminated last, one of passed/failed per session, completed and
    # passed at most once per registration (two sessions here), nothing judged in Browse or Review (10.2.2)
    launch = data.draw(st.sampled_from(LAUNCHES))
    registration_completed = registration_passed = 0
    passed_ms = None
    for _session in range(2):
        facts = SessionFacts(preferences_read=True, completed=registration_completed > 0,
                             passed=registration_passed > 0,
                             passed_ms=None if passed_ms is None else parse_timestamp_ms(passed_ms, parameter="t"))
        accepted = []
        for statement in data.draw(st.lists(au_statements(launch), max_size=8)):
            try:
                facts = check_statements(launch, facts, [statement]).facts
            except SessionRuleBroken:
                continue
            accepted.append(statement)
        defined = [s for s in accepted
                   if {"id": v.CMI5_CATEGORY} in s["context"]["contextActivities"].get("category", [])]
        verbs = [s["verb"]["id"] for s in defined]
        if accepted:
            assert verbs[0] == v.INITIALIZED and accepted[0] is defined[0]
            first_ms = facts.initialized_ms
            assert all(s["timestamp"] >= accepted[0]["timestamp"] for s in accepted) and first_ms is not None
        assert len(verbs) == len(set(verbs))
        assert verbs.count(v.PASSED) + verbs.count(v.FAILED) <= 1
        if v.TERMINATED in verbs:
            assert accepted[-1]["verb"]["id"] == v.TERMINATED
            assert all(s["timestamp"] <= accepted[-1]["timestamp"] for s in accepted)
        if launch.launch_mode != "Normal":
            assert not set(verbs) & {v.COMPLETED, v.PASSED, v.FAILED}
        for statement in defined:
            if statement["verb"]["id"] == v.FAILED and passed_ms is not None:
                assert statement["timestamp"] < passed_ms, "failed accepted after passed"
            if statement["verb"]["id"] == v.PASSED:
                passed_ms = statement["timestamp"]
        registration_completed += verbs.count(v.COMPLETED)
        registration_passed += verbs.count(v.PASSED)
        assert registration_completed <= 1 and registration_passed <= 1
