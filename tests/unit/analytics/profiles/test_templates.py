"""Statement Template validation (xAPI Profiles Part Three §2.1; Part Two §7.2, §8.0, §8.1) and the JSONPath
subset (Part Two §8.1), including hand-made violating statements against the published profiles."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.profiles.jsonpath import JsonPathError, parse
from analytics.profiles.model import Rule
from analytics.profiles.structure import read_profile
from analytics.profiles.templates import (INVALID, SUCCESS, UNMATCHED, matches_determining_properties, rule_failure,
                                          validate)
from analytics.profiles.values import canonical
from tests.unit.analytics.profiles.builders import PLACE, VERSION, body, place_statement, published, sports

PLACING = "https://example.org/profiles/sports/templates/placing"


def _rule(location, *, selector=None, presence=None, any=None, all=None, none=None) -> Rule:  # noqa: A002
    keys = lambda values: None if values is None else frozenset(canonical(v) for v in values)  # noqa: E731
    return Rule(0, parse(location), parse(selector) if selector else None, presence, keys(any), keys(all),
                keys(none), {"location": location})


# --- JSONPath (Part Two §8.1) -------------------------------------------------------------------

STATEMENT = {"verb": {"id": "v"}, "context": {"contextActivities": {"grouping": [
    {"id": "a", "definition": {"type": "t1"}}, {"id": "b"}]}, "extensions": {"http://x.org/e": [1, 2]}}}


@pytest.mark.parametrize("path, values", [
    ("$.verb.id", ["v"]),
    ("verb.id", ["v"]),  # the spec's own example leaves out "$"
    ("$.context.contextActivities.grouping[*].id", ["a", "b"]),
    ("$.context.contextActivities.grouping[1].id", ["b"]),
    ("$.context.contextActivities.grouping[0,1].id", ["a", "b"]),
    ("$['context']['extensions']['http://x.org/e']", [[1, 2]]),  # a single array value stays one value
    ("$.context.extensions['http://x.org/e'][*]", [1, 2]),
    ("$.verb.id | $.context.contextActivities.grouping[*].definition.type", ["v", "t1"]),
    ("$.context.contextActivities.grouping[5].id", []),
    ("$.verb.nothing", []),
])
def test_jsonpath_values(path, values):
    # Part Two §8.1: child and array expressions, unions with ',', '|' between paths, flattened
    assert parse(path).values(STATEMENT) == values


@pytest.mark.parametrize("path", ["$.a[?(@.b)]", "$.a[(@.length-1)]", "$.a[-1]", "$.a[0:2]", "$.a[", "$..", "",
                                  "$.a.", "$ .a b"])
def test_jsonpath_outside_the_subset_is_refused(path):
    # Part Two §8.1: no filter or script expressions; legal members are strings, non-negative integers, '*'
    with pytest.raises(JsonPathError):
        parse(path)


def _tree(depth: int):
    return 0 if depth == 0 else [_tree(depth - 1), _tree(depth - 1)]  # no shared objects, as parsed JSON has none


def test_jsonpath_unions_visit_each_location_once_so_work_is_bounded():
    # hostile profile: read per route, [*,*,*] over 12 levels of pairs is 6^12 (2 billion) values; per location
    # it is the 4,096 leaves, each once
    path = parse("$" + "[*,*,*]" * 12)
    assert len(path.values(_tree(12))) == 2 ** 12
    assert parse("$[0,0,1,1][0,1,0]").values([[1, 2], [3, 4]]) == [1, 2, 3, 4]


def test_jsonpath_recursive_descent_is_linear():
    document = {"a": [{"id": index} for index in range(2000)]}
    assert len(parse("$..id").values(document)) == 2000
    assert len(parse("$..*..id").values(document)) == 2000  # nested descents do not duplicate locations


# --- follows_rule (Part Three §2.1) ---------------------------------------------------------------

@pytest.mark.parametrize("rule, statement, broken", [
    (_rule("$.result.success", presence="included"), {"result": {"success": False}}, False),
    (_rule("$.result.success", presence="included"), {}, True),
    (_rule("$.result.success", presence="excluded"), {"result": {"success": True}}, True),
    (_rule("$.result.success", presence="excluded"), {}, False),
    (_rule("$.result.success", presence="recommended", all=[True]), {}, False),
    (_rule("$.result.success", presence="recommended", all=[True]), {"result": {"success": False}}, True),
    (_rule("$.result.success", all=[True]), {}, False),  # strict, but no values: all holds vacuously
    (_rule("$.result.success", any=[True]), {}, True),  # strict: no value intersects
    (_rule("$.result.success", all=[True]), {"result": {"success": 1}}, True),  # JSON: 1 is not true
    (_rule("$.result.score.raw", any=[1]), {"result": {"score": {"raw": 1.0}}}, False),  # 1 is 1.0
    (_rule("$.context.contextActivities.category[*].id", none=["x"]),
     {"context": {"contextActivities": {"category": [{"id": "y"}, {"id": "x"}]}}}, True),
    (_rule("$.context.contextActivities.grouping[*]", selector="$.definition.type", presence="included"),
     {"context": {"contextActivities": {"grouping": [{"id": "a", "definition": {"type": "t"}}, {"id": "b"}]}}},
     True),  # the selector finds nothing on one location: unmatchable, so included fails
    (_rule("$.context.contextActivities.grouping[*]", selector="$.definition.type", all=["t"]),
     {"context": {"contextActivities": {"grouping": [{"id": "a", "definition": {"type": "t"}}, {"id": "b"}]}}},
     True),  # ... and so does all
    (_rule("$.context.contextActivities.grouping[*]", selector="$.definition.type", any=["t"]),
     {"context": {"contextActivities": {"grouping": [{"id": "a", "definition": {"type": "t"}}, {"id": "b"}]}}},
     False),  # any only needs one matchable value
    (_rule("$.context.contextActivities.grouping[*]", selector="$.definition.type", presence="excluded"),
     {"context": {"contextActivities": {"grouping": [{"id": "b"}]}}}, False),  # only unmatchable values
])
def test_follows_rule(rule, statement, broken):
    # xAPI Profiles Part Three §2.1 follows_rule; Part Two §8.1 Learning Record Provider requirements
    assert (rule_failure(statement, rule) is not None) == broken


# --- validates (Part Three §2.1) -------------------------------------------------------------------

@pytest.fixture(scope="module")
def sports_profile():
    return read_profile(body(sports()))[0]


def test_a_statement_following_its_template_succeeds(sports_profile):
    outcome = validate(place_statement(), sports_profile)
    assert (outcome.outcome, outcome.matched, outcome.violations) == (SUCCESS, [PLACING], [])


def test_determining_properties_are_a_superset_match(sports_profile):
    # Part Three §2.1 matches_determining_properties: "equal or are a superset"
    statement = place_statement()
    statement["context"]["contextActivities"]["grouping"].append({"id": "https://example.org/x",
                                                                  "definition": {"type": "https://example.org/t"}})
    assert validate(statement, sports_profile).matched == [PLACING]
    statement["verb"] = {"id": "http://adlnet.gov/expapi/verbs/completed"}
    assert validate(statement, sports_profile).outcome == UNMATCHED


def test_a_single_context_activity_object_is_normalised_to_an_array(sports_profile):
    # Part Two §8.1: contextActivities normalisation before rules are applied
    statement = place_statement()
    statement["context"]["contextActivities"]["grouping"] = statement["context"]["contextActivities"]["grouping"][0]
    assert validate(statement, sports_profile).outcome == SUCCESS


def test_a_broken_rule_names_template_and_rule(sports_profile):
    statement = place_statement(result={"success": False, "extensions": {PLACE: {"rank": 3}}})
    outcome = validate(statement, sports_profile)
    assert outcome.outcome == INVALID and outcome.failed == [PLACING]
    assert [(v.template, v.rule, v.location) for v in outcome.violations] == [(PLACING, 1, "$.result.success")]


def test_an_extension_value_breaking_its_schema_is_a_violation(sports_profile):
    # Part Two §7.2 inlineSchema
    statement = place_statement(result={"success": True, "extensions": {PLACE: {"medal": "gold"}}})
    outcome = validate(statement, sports_profile)
    assert [(v.concept, v.location) for v in outcome.violations] == [(PLACE, "result.extensions")]


def test_an_extension_in_the_wrong_place_is_a_violation(sports_profile):
    # Part Two §7.2: only use a ResultExtension in result
    statement = place_statement()
    statement["context"]["extensions"] = {PLACE: {"rank": 1}}
    outcome = validate(statement, sports_profile)
    assert [(v.concept, v.location) for v in outcome.violations] == [(PLACE, "context.extensions")]


def test_statement_ref_templates_are_checked_when_the_target_is_available():
    # Part Two §8.0 objectStatementRefTemplate; Part Three §2.1 follows_rules
    document = sports()
    document["templates"].append({
        "id": "https://example.org/profiles/sports/templates/protest", "type": "StatementTemplate",
        "inScheme": VERSION, "prefLabel": {"en": "Protest"}, "definition": {"en": "Protests a placing."},
        "verb": "https://example.org/verbs/protested", "objectStatementRefTemplate": [PLACING]})
    profile = read_profile(body(document))[0]
    target = place_statement()
    protest = {"actor": target["actor"], "verb": {"id": "https://example.org/verbs/protested"},
               "object": {"objectType": "StatementRef", "id": target["id"]}}
    assert validate(protest, profile, lookup={target["id"]: target}.get).outcome == SUCCESS
    other = copy.deepcopy(target)
    other["verb"] = {"id": "http://adlnet.gov/expapi/verbs/attempted"}
    outcome = validate(protest, profile, lookup={target["id"]: other}.get)
    assert outcome.outcome == INVALID and outcome.violations[0].rule == -1
    not_a_ref = {**protest, "object": {"id": "https://example.org/a"}}
    assert validate(not_a_ref, profile).outcome == INVALID
    assert validate(protest, profile, lookup=lambda _id: None).outcome == SUCCESS  # unavailable: not checked


# --- hand-made violating statements against the published profiles ------------------------------------

CMI5_COMPLETED = "https://w3id.org/xapi/cmi5#completed"
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"


def _cmi5_completed() -> dict:
    return {"id": "2a1b7e0c-63a4-4f09-9e0c-5d6f7a8b9c0d",
            "actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "l1"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"objectType": "Activity", "id": "https://example.com/au/1"},
            "result": {"completion": True, "duration": "PT4M"},
            "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
                        "contextActivities": {
                            "category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"},
                                         {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}],
                            "grouping": [{"id": "https://example.com/au/1/publisher"}]},
                        "extensions": {SESSION: "c4c5f0f6-5a43-4bd9-a9c5-b8cfcb1c9e5b"}},
            "timestamp": "2024-01-01T10:00:00.000Z"}


@pytest.mark.parametrize("change, template, rule", [
    (lambda s: s["result"].pop("duration"), CMI5_COMPLETED, 3),                          # duration included
    (lambda s: s["result"].update(success=True), CMI5_COMPLETED, 1),                     # success excluded
    (lambda s: s["result"].update(completion=False), CMI5_COMPLETED, 2),                 # all [true]
    (lambda s: s["context"]["contextActivities"]["category"].pop(1), CMI5_COMPLETED, 4),  # any moveon
    (lambda s: s["context"]["extensions"].pop(SESSION), "https://w3id.org/xapi/cmi5#generalrestrictions", 3),
    (lambda s: s["context"]["contextActivities"].pop("grouping"),
     "https://w3id.org/xapi/cmi5#generalrestrictions", 2),
])
def test_violating_cmi5_statements_are_reported_with_their_template_and_rule(change, template, rule):
    # cmi5-v1.0 templates; xAPI Profiles Part Three §2.1
    cmi5, _ = published("cmi5-v1.0")
    assert validate(_cmi5_completed(), cmi5).ok
    statement = _cmi5_completed()
    change(statement)
    outcome = validate(statement, cmi5)
    assert outcome.outcome == INVALID
    assert [(v.template, v.rule) for v in outcome.violations] == [(template, rule)]


def test_a_cmi5_extension_value_outside_its_schema_is_reported():
    # cmi5-v1.0 sessionid inlineSchema: a string
    cmi5, _ = published("cmi5-v1.0")
    statement = _cmi5_completed()
    statement["context"]["extensions"][SESSION] = 42
    assert [v.concept for v in validate(statement, cmi5).violations] == [SESSION]


VIDEO = "https://w3id.org/xapi/video"


def _video_played() -> dict:
    return {"id": "0b3b6d4a-8a55-4a1c-9b8e-2a4c7f7e9d11", "actor": {"mbox": "mailto:viewer@example.org"},
            "verb": {"id": f"{VIDEO}/verbs/played"},
            "object": {"id": "https://example.org/videos/1", "definition": {"type": f"{VIDEO}/activity-type/video"}},
            "result": {"extensions": {f"{VIDEO}/extensions/time": 12.5}},
            "context": {"contextActivities": {"category": [{"id": f"{VIDEO}/v1.0.3"}]},
                        "extensions": {f"{VIDEO}/extensions/session-id": "5c2e3b3e-2f5d-4c1a-9b7e-0d8f6a4e2c11"}},
            "timestamp": "2024-01-01T10:00:00.000Z"}


def test_a_video_played_statement_without_time_breaks_rule_2_of_played():
    video, _ = published("video-v1.0.3")
    assert validate(_video_played(), video).matched == [f"{VIDEO}/templates#played"]
    statement = _video_played()
    statement["result"]["extensions"].pop(f"{VIDEO}/extensions/time")
    outcome = validate(statement, video)
    assert [(v.template, v.rule) for v in outcome.violations] == [(f"{VIDEO}/templates#played", 2)]


def test_a_scorm_comment_without_response_breaks_the_commenting_template():
    scorm, _ = published("scorm-v1.0")
    statement = {"actor": {"mbox": "mailto:l@example.org"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/commented"},
                 "object": {"id": "https://lrs.example/c/items/1",
                            "definition": {"type": "http://adlnet.gov/expapi/activities/lesson"}},
                 "context": {"contextActivities": {"grouping": [
                     {"id": "https://lrs.example/c/items/1?attemptId=1",
                      "definition": {"type": "http://adlnet.gov/expapi/activities/attempt"}},
                     {"id": "https://lrs.example/c",
                      "definition": {"type": "http://adlnet.gov/expapi/activities/course"}}]}},
                 "timestamp": "2024-01-01T10:00:00.000Z"}
    outcome = validate(statement, scorm)
    assert [(v.template, v.rule) for v in outcome.violations] == [("https://w3id.org/xapi/scorm#commenting", 0)]


# --- hostile statements --------------------------------------------------------------------------------

_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "verb", "object", "context", "contextActivities", "category", "grouping",
                         "definition", "type", "result", "extensions", "attachments", "usageType", "objectType",
                         "timestamp", "statement", "https://w3id.org/xapi/cmi5/context/extensions/sessionid"]),
        children, max_size=4),
    max_leaves=20)


_PUBLISHED = [published(name)[0] for name in ("cmi5-v1.0", "scorm-v1.0", "video-v1.0.3")]


@settings(max_examples=300, deadline=None)
@given(statement=_json_values)
def test_any_json_is_judged_without_an_exception(statement):
    # rules run on what clients send; the shapes the profile expects may be missing or of another type
    for profile in _PUBLISHED:
        outcome = validate(statement, profile, lookup=lambda _id: statement if isinstance(statement, dict) else None)
        assert outcome.outcome in (SUCCESS, INVALID, UNMATCHED)


@settings(max_examples=200, deadline=None)
@given(verb=st.sampled_from([None, "http://adlnet.gov/expapi/verbs/completed",
                             "http://adlnet.gov/expapi/verbs/terminated", "https://w3id.org/xapi/video/verbs/played",
                             "https://example.org/other"]),
       statement=_json_values)
def test_the_verb_index_finds_exactly_the_templates_a_full_scan_finds(verb, statement):
    # Part Three §2.1: every template whose determining properties match is considered, in profile order
    statement = dict(statement) if isinstance(statement, dict) else {}
    if verb is not None:
        statement["verb"] = {"id": verb}
    for profile in _PUBLISHED:
        scanned = [template.id for template in profile.templates
                   if matches_determining_properties(statement, template)]
        indexed = [template.id for template in profile.templates_for(verb)
                   if matches_determining_properties(statement, template)]
        assert indexed == scanned
