"""Hypothesis strategies for xAPI statements (xAPI-Data 2.4), and one realistic statement for benchmarks.

- `valid_statements(version)`: statements across the whole structure, always with an explicit "id";
  every value survives a JSON round trip and holds no NUL character (PostgreSQL text refuses it).
- `invalid_mutations(version)`: `(statement, expected_path_prefix)`, a valid statement broken in one way.
- `realistic_statement()`: a fresh ~1.5 KB statement such as an authoring tool sends.
"""
from __future__ import annotations

import copy
import functools
import string
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

# xAPI-Data 2.4.4.1.s15, read independently of lrs.xapi so the strategies check the validator.
INTERACTION_COMPONENT_LISTS = {
    "true-false": (), "choice": ("choices",), "fill-in": (), "long-fill-in": (),
    "matching": ("source", "target"), "performance": ("steps",), "sequencing": ("choices",),
    "likert": ("scale",), "numeric": (), "other": (),
}

# --- strings ---------------------------------------------------------------------------------------

_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")
texts = st.text(_CHARACTERS, max_size=16)
names = st.text(_CHARACTERS, min_size=1, max_size=12)
# Path segments as tools write them, with every character class RFC 3987 allows; one draw each keeps
# generation fast (test_statement_validation covers IRI syntax character by character).
_segments = st.sampled_from([
    "courses", "algebra-1", "quiz_3", "Q4", "a.b~c", "it's", "(1)", "x+y", "v=1,2", "@home", "!*$&;", "a:b",
    "%20", "%C3%A9t%C3%A9", "été", "日本語", "фраза", "فعل", "1625378", "index.html",
])
_hosts = st.sampled_from(["example.com", "lrs.example.org", "xn--bcher-kva.example", "bücher.example",
                          "localhost:8080", "127.0.0.1", "[::1]"])
_queries = st.lists(st.tuples(st.text(string.ascii_lowercase, min_size=1, max_size=5), _segments),
                    min_size=1, max_size=3).map(lambda pairs: "?" + "&".join(f"{k}={v}" for k, v in pairs))


@st.composite
def _http_iris(draw) -> str:
    path = "/".join(draw(st.lists(_segments, max_size=3)))
    query = draw(st.none() | _queries) or ""
    fragment = draw(st.none() | _segments.map(lambda segment: "#" + segment)) or ""
    return f"{draw(st.sampled_from(['http', 'https']))}://{draw(_hosts)}/{path}{query}{fragment}"


http_iris = _http_iris()
iris = st.one_of(
    http_iris,
    st.uuids().map(lambda value: f"urn:uuid:{value}"),
    _segments.map(lambda segment: f"tag:example.com,2025:{segment}"),
    st.sampled_from(["urn:isbn:0451450523", "https://w3id.org/xapi/cmi5/context/categories/cmi5",
                     "http://example.com/فعل/خواندن", "http://adlnet.gov/expapi/verbs/completed"]),
)
uuids = st.uuids().map(str) | st.uuids().map(lambda value: str(value).upper())
language_tags = st.sampled_from([
    "en", "en-US", "en-GB", "es", "es-MX", "es-419", "fr-CA", "de-CH-1901", "zh-Hans-CN", "sr-Latn-RS", "tlh",
    "und", "ar-EG", "ja", "sl-rozaj-biske", "en-US-x-twain", "x-private", "i-klingon", "zh-min-nan",
    "en-a-bbb-x-a-ccc", "EN-us",
])
language_maps = st.dictionaries(language_tags, texts, min_size=1, max_size=3)
hex_digits = "0123456789abcdef"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=6)
extensions = st.dictionaries(iris, json_values, max_size=3)


def _timestamp_text(moment: datetime, style: int) -> str:
    """Several spellings of ISO 8601 timestamps that authoring tools send."""
    if style == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == 1:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if style == 2:
        return moment.isoformat() + "+00:00"
    if style == 3:
        return (moment + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "+05:30"
    if style == 4:
        return (moment - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S") + "-0700"
    return moment.strftime("%Y-%m-%dT%H:%M:%S")  # no zone: allowed, 4.5.s1.b4 is a SHOULD


timestamps = st.builds(_timestamp_text,
                       st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30)),
                       st.integers(0, 5))


@st.composite
def durations(draw) -> str:
    """ISO 8601 durations (4.6): PnW, or PnYnMnDTnHnMnS with a fraction only on the last component."""
    if draw(st.integers(0, 9)) == 0:
        return f"P{draw(st.integers(0, 60))}W"
    date_units = [unit for unit in "YMD" if draw(st.booleans())]
    time_units = [unit for unit in "HMS" if draw(st.booleans())]
    if not date_units and not time_units:
        time_units = ["S"]
    parts = [f"{draw(st.integers(0, 999))}{unit}" for unit in date_units]
    time_parts = [f"{draw(st.integers(0, 999))}{unit}" for unit in time_units]
    if time_parts and draw(st.booleans()):
        time_parts[-1] = time_parts[-1][:-1] + f".{draw(st.integers(0, 99)):02d}" + time_parts[-1][-1]
    return "P" + "".join(parts) + ("T" + "".join(time_parts) if time_parts else "")


# --- agents and groups (2.4.2) -------------------------------------------------------------------------

_local_parts = st.text(string.ascii_lowercase + string.digits + "._+-", min_size=1, max_size=10)
mboxes = st.builds(lambda local, host: f"mailto:{local}@{host}", _local_parts,
                   st.sampled_from(["example.com", "mail.example.org", "exämple.com", "localhost"]))
sha1_sums = st.text(hex_digits + "ABCDEF", min_size=40, max_size=40)
accounts = st.fixed_dictionaries({"homePage": http_iris, "name": names})
ifis = st.one_of(mboxes.map(lambda value: {"mbox": value}),
                 sha1_sums.map(lambda value: {"mbox_sha1sum": value}),
                 http_iris.map(lambda value: {"openid": value}),
                 accounts.map(lambda value: {"account": value}))


def _merged(*parts: dict) -> dict:
    merged = {}
    for part in parts:
        merged.update(part)
    return merged


agents = st.builds(_merged, ifis,
                   st.fixed_dictionaries({}, optional={"objectType": st.just("Agent"), "name": names}))
anonymous_groups = st.builds(_merged, st.fixed_dictionaries(
    {"objectType": st.just("Group"), "member": st.lists(agents, min_size=1, max_size=3)},
    optional={"name": names}))
identified_groups = st.builds(_merged, ifis, st.fixed_dictionaries(
    {"objectType": st.just("Group")}, optional={"name": names, "member": st.lists(agents, max_size=3)}))
groups = anonymous_groups | identified_groups
actors = agents | groups
# 2.4.9: an Agent, or for 3-legged OAuth a Group of the application (by account) and the user.
_applications = accounts.map(lambda account: {"account": account})
authorities = agents | st.builds(lambda application, user: {"objectType": "Group",
                                                             "member": [application, user]},
                                 _applications, agents)

# --- verbs and activities (2.4.3, 2.4.4.1) -------------------------------------------------------------

verbs = st.fixed_dictionaries({"id": iris}, optional={"display": language_maps})
_components = st.fixed_dictionaries({"id": st.text(string.ascii_letters + string.digits + "_-", min_size=1,
                                                   max_size=6)},
                                    optional={"description": language_maps})
_component_lists = st.lists(_components, max_size=4, unique_by=lambda component: component["id"])


@st.composite
def interaction_definitions(draw) -> dict:
    """The interaction part of an Activity definition (2.4.4.1.s8): a type and the lists it supports."""
    interaction_type = draw(st.sampled_from(sorted(INTERACTION_COMPONENT_LISTS)))
    interaction = {"interactionType": interaction_type,
                   "type": "http://adlnet.gov/expapi/activities/cmi.interaction"}
    if draw(st.booleans()):
        interaction["correctResponsesPattern"] = draw(st.lists(texts, max_size=3))
    for list_name in INTERACTION_COMPONENT_LISTS[interaction_type]:
        if draw(st.integers(0, 3)) > 0:
            interaction[list_name] = draw(_component_lists)
    return interaction


definitions = st.builds(_merged, st.fixed_dictionaries({}, optional={
    "name": language_maps, "description": language_maps, "type": iris, "moreInfo": http_iris,
    "extensions": extensions}), st.just({}) | interaction_definitions())
_activity_ids = st.fixed_dictionaries({"id": iris}, optional={"objectType": st.just("Activity")})
# Most activities carry a definition: that is where most of an Activity's rules are.
activities = _activity_ids | st.builds(lambda activity, definition: {**activity, "definition": definition},
                                       _activity_ids, definitions)
statement_refs = st.fixed_dictionaries({"objectType": st.just("StatementRef"), "id": uuids})

# --- result and context (2.4.5, 2.4.6) --------------------------------------------------------------------


_scaled_scores = st.floats(-1, 1) | st.sampled_from([-1, 0, 1])
_lowest_scores = st.integers(-100, 100) | st.floats(-1e6, 1e6)


@st.composite
def scores(draw) -> dict:
    """scaled in [-1, 1]; min < max; raw between them, bounds included (2.4.5.1)."""
    score = {}
    if draw(st.booleans()):
        score["scaled"] = draw(_scaled_scores)
    low = draw(_lowest_scores)
    high = low + draw(st.integers(1, 100))
    if draw(st.booleans()):
        score["raw"] = draw(st.sampled_from([low, high]) if draw(st.booleans()) else st.floats(low, high))
    if draw(st.booleans()):
        score["min"] = low
    if draw(st.booleans()):
        score["max"] = high
    return score


results = st.fixed_dictionaries({}, optional={
    "score": scores(), "success": st.booleans(), "completion": st.booleans(), "response": texts,
    "duration": durations(), "extensions": extensions})
context_activities = st.fixed_dictionaries({}, optional={
    kind: activities | st.lists(activities, max_size=2)  # one Activity or an array (2.4.6.2.s4.b2)
    for kind in ("parent", "grouping", "category", "other")})
_relevant_types = st.lists(iris, min_size=1, max_size=2)
context_agents = st.lists(st.fixed_dictionaries({"objectType": st.just("contextAgent"), "agent": agents},
                                                optional={"relevantTypes": _relevant_types}), max_size=2)
context_groups = st.lists(st.fixed_dictionaries({"objectType": st.just("contextGroup"), "group": groups},
                                                optional={"relevantTypes": _relevant_types}), max_size=2)


@functools.cache  # one strategy object per combination: building them is not free
def contexts(object_is_activity: bool, version: str) -> st.SearchStrategy[dict]:
    optional = {"registration": uuids, "instructor": actors, "team": groups,
                "contextActivities": context_activities, "language": language_tags,
                "statement": statement_refs, "extensions": extensions}
    if object_is_activity:  # 2.4.6.s4.b1, b2
        optional.update(revision=texts, platform=texts)
    if version.startswith("2.0"):
        optional.update(contextAgents=context_agents, contextGroups=context_groups)
    return st.fixed_dictionaries({}, optional=optional)


attachments = st.lists(st.fixed_dictionaries(
    {"usageType": iris, "display": language_maps, "contentType": st.sampled_from(
        ["application/pdf", "image/png", "text/plain; charset=utf-8", "application/octet-stream"]),
     "length": st.integers(0, 10**9), "sha2": st.text(hex_digits, min_size=64, max_size=64),
     "fileUrl": http_iris},
    optional={"description": language_maps}), min_size=1, max_size=2)

# --- statements (2.4) ------------------------------------------------------------------------------------


def _draw_shared_parts(draw, statement_object: dict, version: str) -> dict:
    """What a Statement and a SubStatement share besides actor, verb and object."""
    parts = {}
    if draw(st.booleans()):
        parts["result"] = draw(results)
    if draw(st.booleans()):
        object_is_activity = statement_object.get("objectType", "Activity") == "Activity"
        parts["context"] = draw(contexts(object_is_activity, version))
    if draw(st.booleans()):
        parts["timestamp"] = draw(timestamps)
    return parts


_agent_objects = agents.map(lambda agent: {**agent, "objectType": "Agent"})  # 2.4.4.2.s1.b1
# Activities twice: they are the common case, and the ones with the most structure.
_simple_objects = st.one_of(activities, activities, _agent_objects, groups, statement_refs)


@st.composite
def substatements(draw, version: str = "1.0.3") -> dict:
    statement_object = draw(_simple_objects)
    substatement = {"objectType": "SubStatement", "actor": draw(actors), "verb": draw(verbs),
                    "object": statement_object}
    substatement.update(_draw_shared_parts(draw, statement_object, version))
    return substatement


@functools.cache
def _statement_objects(version: str) -> st.SearchStrategy[dict]:
    return st.one_of(activities, _simple_objects, substatements(version))


@st.composite
def valid_statements(draw, version: str = "1.0.3", *, with_attachments: bool = False) -> dict:
    """Valid statements with an explicit id; attachments (fileUrl only) when asked for."""
    statement_object = draw(_statement_objects(version))
    statement = {"id": draw(uuids), "actor": draw(actors), "verb": draw(verbs), "object": statement_object}
    statement.update(_draw_shared_parts(draw, statement_object, version))
    if draw(st.integers(0, 3)) == 0:
        statement["version"] = draw(st.sampled_from(["1.0.0", "2.0.0"] if version.startswith("2.0") else
                                                    ["1.0.0", "1.0.3", "1.0"]))
    if draw(st.integers(0, 5)) == 0:
        statement["stored"] = draw(timestamps)
        statement["authority"] = draw(authorities)
    if with_attachments:
        statement["attachments"] = draw(attachments)
    return statement


# --- one rule broken -----------------------------------------------------------------------------------

_AGENT = {"objectType": "Agent", "mbox": "mailto:ada@example.com"}
_ACTIVITY_ID = "http://example.com/activities/quiz"
_STATEMENT_ID = "8f87ccde-bb56-4c2e-ab83-44982ef22df0"
_REMOVED = object()  # a change that deletes the property
_FILE_ATTACHMENT = {"usageType": "http://example.com/usage/certificate", "display": {"en": "Certificate"},
                    "contentType": "application/pdf", "length": 1024, "sha2": "a" * 64,
                    "fileUrl": "http://example.com/certificate.pdf"}


def _activity(**definition) -> dict:
    return {"objectType": "Activity", "id": _ACTIVITY_ID, "definition": definition}


def _substatement(**changes) -> dict:
    substatement = {"objectType": "SubStatement", "actor": _AGENT,
                    "verb": {"id": "http://example.com/verbs/did"}, "object": {"id": _ACTIVITY_ID}}
    substatement.update(changes)
    return substatement


def _in_context(**context) -> dict:
    """Changes that keep the object an Activity, so the context holds the only broken rule."""
    return {"object": {"id": _ACTIVITY_ID}, "context": context}


def apply_mutation(statement: dict, changes: dict) -> dict:
    """Sets (or with _REMOVED deletes) top-level properties of the statement, in place."""
    for key, value in changes.items():
        if value is _REMOVED:
            statement.pop(key, None)
        else:
            statement[key] = copy.deepcopy(value)
    return statement


# (what is broken, top-level changes, expected path prefix): each breaks exactly one rule of any valid
# statement, whatever else it holds.
_MUTATIONS_1_0 = [
    ("mbox without mailto", {"actor": {"mbox": "ada@example.com"}}, "actor.mbox"),
    ("mbox with a space", {"actor": {"mbox": "mailto:ada lovelace@example.com"}}, "actor.mbox"),
    ("two IFIs", {"actor": {"mbox": "mailto:a@example.com", "openid": "http://a.example.org/"}}, "actor"),
    ("no IFI", {"actor": {"name": "Ada"}}, "actor"),
    ("short mbox_sha1sum", {"actor": {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016e"}},
     "actor.mbox_sha1sum"),
    ("openid not a URI", {"actor": {"openid": "toby.openid.example.org"}}, "actor.openid"),
    ("account without name", {"actor": {"account": {"homePage": "http://example.com"}}},
     "actor.account.name"),
    ("account homePage not an IRL", {"actor": {"account": {"homePage": "example.com", "name": "1"}}},
     "actor.account.homePage"),
    ("Group as a member", {"actor": {"objectType": "Group", "member": [
        {"objectType": "Group", "member": [_AGENT]}]}}, "actor.member[0]"),
    ("anonymous Group without member", {"actor": {"objectType": "Group", "name": "Team"}}, "actor.member"),
    ("anonymous Group with no members", {"actor": {"objectType": "Group", "member": []}}, "actor.member"),
    ("identified Group with two IFIs", {"actor": {"objectType": "Group", "mbox": "mailto:team@example.com",
                                                  "mbox_sha1sum": "a" * 40}}, "actor"),
    ("Group member without IFI", {"actor": {"objectType": "Group", "member": [{"name": "x"}]}},
     "actor.member[0]"),
    ("actor objectType unknown", {"actor": {"objectType": "Person", "mbox": "mailto:a@example.com"}},
     "actor.objectType"),
    ("actor a string", {"actor": "mailto:ada@example.com"}, "actor"),
    ("actor spelt Actor", {"actor": _REMOVED, "Actor": _AGENT}, "Actor"),
    ("verb null", {"verb": None}, "verb"),
    ("no verb", {"verb": _REMOVED}, "verb"),
    ("verb id not an IRI", {"verb": {"id": "not an iri"}}, "verb.id"),
    ("verb id without scheme", {"verb": {"id": "example.com/verbs/did"}}, "verb.id"),
    ("verb id empty", {"verb": {"id": ""}}, "verb.id"),
    ("verb display key not a language tag",
     {"verb": {"id": "http://example.com/v", "display": {"en_US": "x"}}}, "verb.display"),
    ("verb display value not a string", {"verb": {"id": "http://example.com/v", "display": {"en": 1}}},
     "verb.display"),
    ("verb unknown property", {"verb": {"id": "http://example.com/v", "name": "did"}}, "verb.name"),
    ("voiding an Activity", {"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
                             "object": {"id": _ACTIVITY_ID}, "context": _REMOVED}, "object"),
    ("unknown statement property", {"foo": "bar"}, "foo"),
    ("statement id not a UUID", {"id": "not-a-uuid"}, "id"),
    ("statement id a number", {"id": 12345}, "id"),
    ("object an array", {"object": []}, "object"),
    ("Activity id not an IRI", {"object": {"id": "quiz 1"}}, "object.id"),
    ("objectType in lower case", {"object": {"objectType": "activity", "id": _ACTIVITY_ID}},
     "object.objectType"),
    ("Agent object without objectType", {"object": {"mbox": "mailto:b@example.com"}}, "object"),
    ("definition name not a language map", {"object": _activity(name="Quiz")}, "object.definition.name"),
    ("moreInfo not an IRL", {"object": _activity(moreInfo="see the manual")}, "object.definition.moreInfo"),
    ("unknown definition property", {"object": _activity(name={"en": "Quiz"}, Type="http://x.org/t")},
     "object.definition.Type"),
    ("unknown interactionType", {"object": _activity(interactionType="essay")},
     "object.definition.interactionType"),
    ("choices with true-false", {"object": _activity(interactionType="true-false", choices=[{"id": "a"}])},
     "object.definition.choices"),
    ("scale without interactionType", {"object": _activity(scale=[{"id": "a"}])}, "object.definition.scale"),
    ("duplicate component ids", {"object": _activity(interactionType="choice",
                                                     choices=[{"id": "a"}, {"id": "a"}])},
     "object.definition.choices[1].id"),
    ("component without id", {"object": _activity(interactionType="likert",
                                                  scale=[{"description": {"en": "x"}}])},
     "object.definition.scale[0].id"),
    ("correctResponsesPattern not strings", {"object": _activity(interactionType="numeric",
                                                                 correctResponsesPattern=[4])},
     "object.definition.correctResponsesPattern[0]"),
    ("StatementRef id not a UUID", {"object": {"objectType": "StatementRef", "id": "abc"}}, "object.id"),
    ("StatementRef with a definition", {"object": {"objectType": "StatementRef", "id": _STATEMENT_ID,
                                                   "definition": {}}}, "object.definition"),
    ("SubStatement in a SubStatement", {"object": _substatement(object=_substatement())}, "object.object"),
    ("SubStatement with id", {"object": _substatement(id=_STATEMENT_ID)}, "object.id"),
    ("SubStatement with version", {"object": _substatement(version="1.0.0")}, "object.version"),
    ("SubStatement without verb", {"object": {"objectType": "SubStatement", "actor": _AGENT,
                                              "object": {"id": _ACTIVITY_ID}}}, "object.verb"),
    ("SubStatement revision with Agent object", {"object": _substatement(object=_AGENT,
                                                                         context={"revision": "2"})},
     "object.context.revision"),
    ("score.scaled 1.5", {"result": {"score": {"scaled": 1.5}}}, "result.score.scaled"),
    ("score.scaled a string", {"result": {"score": {"scaled": "0.5"}}}, "result.score.scaled"),
    ("raw above max", {"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "result.score.raw"),
    ("raw below min", {"result": {"score": {"raw": -1, "min": 0}}}, "result.score.raw"),
    ("min equal to max", {"result": {"score": {"min": 5, "max": 5}}}, "result.score.min"),
    ("success a string", {"result": {"success": "true"}}, "result.success"),
    ("response null", {"result": {"response": None}}, "result.response"),
    ("duration in words", {"result": {"duration": "1 hour"}}, "result.duration"),
    ("duration alternative format", {"result": {"duration": "P0001-02-03T04:05:06"}}, "result.duration"),
    ("duration weeks with days", {"result": {"duration": "P4W1D"}}, "result.duration"),
    ("duration T without time", {"result": {"duration": "P1DT"}}, "result.duration"),
    ("extension key not an IRI", {"result": {"extensions": {"minutes": 3}}}, "result.extensions"),
    ("result unknown property", {"result": {"passed": True}}, "result.passed"),
    ("registration not a UUID", _in_context(registration="12345"), "context.registration"),
    ("language not a tag", _in_context(language="English (US)"), "context.language"),
    ("language with a bad token length", _in_context(language="en-USA1"), "context.language"),
    ("team an Agent", _in_context(team=_AGENT), "context.team"),
    ("instructor without IFI", _in_context(instructor={"name": "Bob"}), "context.instructor"),
    ("unknown contextActivities key", _in_context(contextActivities={"parents": [{"id": _ACTIVITY_ID}]}),
     "context.contextActivities.parents"),
    ("contextActivities value a string", _in_context(contextActivities={"parent": _ACTIVITY_ID}),
     "context.contextActivities.parent"),
    ("context activity without id", _in_context(contextActivities={
        "grouping": [{"id": _ACTIVITY_ID}, {"definition": {}}]}), "context.contextActivities.grouping[1]"),
    ("context statement not a StatementRef", _in_context(statement={"id": _STATEMENT_ID}),
     "context.statement"),
    ("revision with Agent object", {"object": _AGENT, "context": {"revision": "1.1"}}, "context.revision"),
    ("platform with StatementRef object", {"object": {"objectType": "StatementRef", "id": _STATEMENT_ID},
                                           "context": {"platform": "web"}}, "context.platform"),
    ("contextAgents before 2.0", _in_context(contextAgents=[{"objectType": "contextAgent", "agent": _AGENT}]),
     "context.contextAgents"),
    ("timestamp month 13", {"timestamp": "2025-13-01T00:00:00Z"}, "timestamp"),
    ("timestamp 30 February", {"timestamp": "2025-02-30T00:00:00Z"}, "timestamp"),
    ("timestamp date only", {"timestamp": "2025-01-01"}, "timestamp"),
    ("timestamp negative zero offset", {"timestamp": "2025-01-01T00:00:00-00:00"}, "timestamp"),
    ("timestamp a number", {"timestamp": 1735689600}, "timestamp"),
    ("stored not a timestamp", {"stored": "yesterday"}, "stored"),
    ("version 1.1.0", {"version": "1.1.0"}, "version"),
    ("version 2.0.0 in a 1.0.3 request", {"version": "2.0.0"}, "version"),
    ("authority Group of three", {"authority": {"objectType": "Group", "member": [
        _AGENT, {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]}}, "authority.member"),
    ("authority without IFI", {"authority": {"name": "LRS"}}, "authority"),
    ("attachments not an array", {"attachments": _FILE_ATTACHMENT}, "attachments"),
    ("attachment without sha2", {"attachments": [{key: value for key, value in _FILE_ATTACHMENT.items()
                                                  if key != "sha2"}]}, "attachments[0].sha2"),
    ("attachment length a string", {"attachments": [{**_FILE_ATTACHMENT, "length": "1024"}]},
     "attachments[0].length"),
    ("attachment usageType not an IRI", {"attachments": [{**_FILE_ATTACHMENT, "usageType": "cert"}]},
     "attachments[0].usageType"),
]

_ONLY_BEFORE_2_0 = ("contextAgents before 2.0", "version 2.0.0 in a 1.0.3 request")
_MUTATIONS_2_0 = [mutation for mutation in _MUTATIONS_1_0 if mutation[0] not in _ONLY_BEFORE_2_0] + [
    ("contextAgent with a Group", _in_context(contextAgents=[
        {"objectType": "contextAgent", "agent": {"objectType": "Group", "member": [_AGENT]}}]),
     "context.contextAgents[0].agent"),
    ("contextGroup without objectType", _in_context(contextGroups=[
        {"group": {"objectType": "Group", "member": [_AGENT]}}]), "context.contextGroups[0].objectType"),
    ("relevantTypes empty", _in_context(contextAgents=[
        {"objectType": "contextAgent", "agent": _AGENT, "relevantTypes": []}]),
     "context.contextAgents[0].relevantTypes"),
]

MUTATIONS = {"1.0.3": _MUTATIONS_1_0, "2.0.0": _MUTATIONS_2_0}


def invalid_mutations(version: str = "1.0.3") -> st.SearchStrategy[tuple[dict, str]]:
    """(statement, expected_path_prefix): a valid statement with exactly one rule broken."""
    mutations = MUTATIONS["2.0.0" if version.startswith("2.0") else "1.0.3"]

    def apply(case) -> tuple[dict, str]:
        statement, (_, changes, prefix) = case
        return apply_mutation(statement, changes), prefix

    return st.tuples(valid_statements(version), st.sampled_from(mutations)).map(apply)


# --- the benchmark statement ------------------------------------------------------------------------------

def realistic_statement() -> dict:
    """A fresh ~1.5 KB statement as an authoring tool sends it: an answered quiz question in a course."""
    return {
        "id": "5d1c2f7e-8b1a-4c3d-9e2f-6a7b8c9d0e1f",
        "actor": {"objectType": "Agent", "name": "Ada Lovelace", "mbox": "mailto:ada.lovelace@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered",
                 "display": {"en-US": "answered", "fr-FR": "a répondu"}},
        "object": {
            "objectType": "Activity",
            "id": "https://lms.example.com/courses/algebra-1/quizzes/linear-equations/questions/q4?attempt=2",
            "definition": {
                "name": {"en-US": "Question 4: solving for x"},
                "description": {"en-US": "Solve 3x + 7 = 22 for x and enter the value of x."},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "extensions": {"https://lms.example.com/xapi/extensions/difficulty": "medium",
                               "https://lms.example.com/xapi/extensions/points": 10},
            },
        },
        "result": {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": True,
                   "completion": True, "duration": "PT1M32.45S"},
        "context": {
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities": {
                "parent": [{"objectType": "Activity",
                            "id": "https://lms.example.com/courses/algebra-1/quizzes/linear-equations"}],
                "grouping": [{"objectType": "Activity", "id": "https://lms.example.com/courses/algebra-1"}],
                "category": [{"objectType": "Activity",
                              "id": "https://w3id.org/xapi/cmi5/context/categories/cmi5",
                              "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
            },
            "platform": "Example LMS 4.2",
            "language": "en-US",
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "458240298378231",
                           "https://lms.example.com/xapi/extensions/browser": {"name": "Firefox",
                                                                                "version": "133.0"}},
        },
        "timestamp": datetime(2025, 3, 14, 15, 9, 26, 535000, tzinfo=timezone.utc).isoformat(
            timespec="milliseconds").replace("+00:00", "Z"),
    }
