"""Hypothesis strategies for xAPI statements (xAPI-Data 2.4), and one realistic statement for benchmarks.

- `valid_statements(version)`: statements across the whole structure, always with an explicit "id";
  every value survives a JSON round trip and holds no NUL character (PostgreSQL text refuses it).
- `invalid_mutations(version)`: `(statement, expected_path_prefix)`, a valid statement broken in one way.
- `realistic_statement()`: a fresh ~1.5 KB statement such as an authoring tool sends.
"""
from __future__ import annotations

import copy
import string
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

INTERACTION_COMPONENT_LISTS = {
    "true-false": (), "choice": ("choices",), "fill-in": (), "long-fill-in": (), "matching": ("source", "target"),
    "performance": ("steps",), "sequencing": ("choices",), "likert": ("scale",), "numeric": (), "other": (),
}

# --- strings ---------------------------------------------------------------------------------------

texts = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=16)
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12)
_SEGMENT_CHARACTERS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@" + "éüñ日本語фعل"
_segments = st.one_of(st.text(_SEGMENT_CHARACTERS, min_size=1, max_size=8), st.sampled_from(["%20", "%C3%A9"]))
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
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
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


timestamps = st.builds(_timestamp_text, st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30)),
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
ifis = st.one_of(mboxes.map(lambda value: {"mbox": value}), sha1_sums.map(lambda value: {"mbox_sha1sum": value}),
                 http_iris.map(lambda value: {"openid": value}), accounts.map(lambda value: {"account": value}))


def _merged(*parts: dict) -> dict:
    merged = {}
    for part in parts:
        merged.update(part)
    return merged


agents = st.builds(_merged, ifis, st.fixed_dictionaries({}, optional={"objectType": st.just("Agent"), "name": names}))
anonymous_groups = st.builds(_merged, st.fixed_dictionaries(
    {"objectType": st.just("Group"), "member": st.lists(agents, min_size=1, max_size=3)},
    optional={"name": names}))
identified_groups = st.builds(_merged, ifis, st.fixed_dictionaries(
    {"objectType": st.just("Group")}, optional={"name": names, "member": st.lists(agents, max_size=3)}))
groups = anonymous_groups | identified_groups
actors = agents | groups
authorities = (agents | st.builds(lambda pair: {"objectType": "Group", "member": pair},
                                  st.tuples(accounts.map(lambda account: {"account": account}), agents).map(list)))

# --- verbs and activities (2.4.3, 2.4.4.1) -------------------------------------------------------------

verbs = st.fixed_dictionaries({"id": iris}, optional={"display": language_maps})
_components = st.fixed_dictionaries({"id": st.text(string.ascii_letters + string.digits + "_-", min_size=1,
                                                   max_size=6)},
                                    optional={"description": language_maps})
_component_lists = st.lists(_components, max_size=4, unique_by=lambda component: component["id"])


@st.composite
def _interactions(draw) -> dict:
    interaction_type = draw(st.sampled_from(sorted(INTERACTION_COMPONENT_LISTS)))
    interaction = {"interactionType": interaction_type,
                   "type": "http://adlnet.gov/expapi/activities/cmi.interaction"}
    if draw(st.booleans()):
        interaction["correctResponsesPattern"] = draw(st.lists(texts, max_size=3))
    for list_name in INTERACTION_COMPONENT_LISTS[interaction_type]:
        if draw(st.booleans()):
            interaction[list_name] = draw(_component_lists)
    return interaction


definitions = st.builds(_merged, st.fixed_dictionaries({}, optional={
    "name": language_maps, "description": language_maps, "type": iris, "moreInfo": http_iris,
    "extensions": extensions}), st.just({}) | _interactions())
activities = st.builds(_merged, st.fixed_dictionaries({"id": iris}, optional={
    "objectType": st.just("Activity"), "definition": definitions}))
statement_refs = st.fixed_dictionaries({"objectType": st.just("StatementRef"), "id": uuids})

# --- result and context (2.4.5, 2.4.6) --------------------------------------------------------------------


@st.composite
def scores(draw) -> dict:
    score = {}
    if draw(st.booleans()):
        score["scaled"] = draw(st.floats(-1, 1) | st.sampled_from([-1, 0, 1]))
    low = draw(st.integers(-100, 100) | st.floats(-1e6, 1e6))
    high = low + draw(st.integers(1, 100))
    if draw(st.booleans()):
        score["raw"] = draw(st.floats(low, high) | st.sampled_from([low, high]))
    if draw(st.booleans()):
        score["min"] = low
    if draw(st.booleans()):
        score["max"] = high
    return score


results = st.fixed_dictionaries({}, optional={
    "score": scores(), "success": st.booleans(), "completion": st.booleans(), "response": texts,
    "duration": durations(), "extensions": extensions})
context_activities = st.fixed_dictionaries({}, optional={
    kind: activities | st.lists(activities, max_size=2) for kind in ("parent", "grouping", "category", "other")})
_relevant_types = st.lists(iris, min_size=1, max_size=2)
context_agents = st.lists(st.fixed_dictionaries({"objectType": st.just("contextAgent"), "agent": agents},
                                                optional={"relevantTypes": _relevant_types}), max_size=2)
context_groups = st.lists(st.fixed_dictionaries({"objectType": st.just("contextGroup"), "group": groups},
                                                optional={"relevantTypes": _relevant_types}), max_size=2)


def contexts(object_is_activity: bool, version: str) -> st.SearchStrategy[dict]:
    optional = {"registration": uuids, "instructor": actors, "team": groups, "contextActivities": context_activities,
                "language": language_tags, "statement": statement_refs, "extensions": extensions}
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


@st.composite
def _statement_parts(draw, statement_object: dict, version: str) -> dict:
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


_simple_objects = st.one_of(activities, agents.map(lambda agent: {**agent, "objectType": "Agent"}), groups,
                            statement_refs)


@st.composite
def substatements(draw, version: str = "1.0.3") -> dict:
    statement_object = draw(_simple_objects)
    substatement = {"objectType": "SubStatement", "actor": draw(actors), "verb": draw(verbs),
                    "object": statement_object}
    substatement.update(draw(_statement_parts(statement_object, version)))
    return substatement


@st.composite
def valid_statements(draw, version: str = "1.0.3", *, with_attachments: bool = False) -> dict:
    """Valid statements with an explicit id; attachments (fileUrl only) when asked for."""
    statement_object = draw(st.one_of(_simple_objects, substatements(version)))
    statement = {"id": draw(uuids), "actor": draw(actors), "verb": draw(verbs), "object": statement_object}
    statement.update(draw(_statement_parts(statement_object, version)))
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
_FILE_ATTACHMENT = {"usageType": "http://example.com/usage/certificate", "display": {"en": "Certificate"},
                    "contentType": "application/pdf", "length": 1024, "sha2": "a" * 64,
                    "fileUrl": "http://example.com/certificate.pdf"}


def _set(path: tuple, value):
    """A mutation that puts `value` at `path` (creating objects on the way) and expects that path."""
    def mutate(statement: dict) -> dict:
        holder = statement
        for key in path[:-1]:
            if not isinstance(holder.get(key), dict):
                holder[key] = {}
            holder = holder[key]
        holder[path[-1]] = copy.deepcopy(value)
        return statement
    return mutate


def _replace(key: str, value):
    def mutate(statement: dict) -> dict:
        statement[key] = copy.deepcopy(value)
        return statement
    return mutate


def _object_and_context(statement_object: dict, context: dict):
    def mutate(statement: dict) -> dict:
        statement["object"] = copy.deepcopy(statement_object)
        statement["context"] = copy.deepcopy(context)
        return statement
    return mutate


def _delete(key: str):
    def mutate(statement: dict) -> dict:
        del statement[key]
        return statement
    return mutate


def _rename(old: str, new: str):
    def mutate(statement: dict) -> dict:
        statement[new] = statement.pop(old)
        return statement
    return mutate


def _voiding_an_activity(statement: dict) -> dict:
    statement["verb"] = {"id": "http://adlnet.gov/expapi/verbs/voided"}
    statement["object"] = {"id": _ACTIVITY_ID}
    statement.pop("context", None)
    return statement


def _activity(definition: dict) -> dict:
    return {"objectType": "Activity", "id": _ACTIVITY_ID, "definition": definition}


def _substatement(**changes) -> dict:
    substatement = {"objectType": "SubStatement", "actor": _AGENT, "verb": {"id": "http://example.com/verbs/did"},
                    "object": {"id": _ACTIVITY_ID}}
    substatement.update(changes)
    return substatement


def _activity_with_context(key: str, context: dict):
    """Keeps the object an Activity, so context-only breakage is the one broken rule."""
    return _object_and_context({"id": _ACTIVITY_ID}, {key: context} if key else context)


# (what is broken, mutation, expected path prefix); each breaks exactly one rule of a valid statement.
_MUTATIONS_1_0 = [
    ("mbox without mailto", _replace("actor", {"mbox": "ada@example.com"}), "actor.mbox"),
    ("mbox with a space", _replace("actor", {"mbox": "mailto:ada lovelace@example.com"}), "actor.mbox"),
    ("two IFIs", _replace("actor", {"mbox": "mailto:a@example.com", "openid": "http://a.example.org/"}), "actor"),
    ("no IFI", _replace("actor", {"name": "Ada"}), "actor"),
    ("short mbox_sha1sum", _replace("actor", {"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016e"}),
     "actor.mbox_sha1sum"),
    ("openid not a URI", _replace("actor", {"openid": "toby.openid.example.org"}), "actor.openid"),
    ("account without name", _replace("actor", {"account": {"homePage": "http://example.com"}}),
     "actor.account.name"),
    ("account homePage not an IRL", _replace("actor", {"account": {"homePage": "example.com", "name": "1"}}),
     "actor.account.homePage"),
    ("Group as a member", _replace("actor", {"objectType": "Group", "member": [
        {"objectType": "Group", "member": [_AGENT]}]}), "actor.member[0]"),
    ("anonymous Group without member", _replace("actor", {"objectType": "Group", "name": "Team"}),
     "actor.member"),
    ("anonymous Group with no members", _replace("actor", {"objectType": "Group", "member": []}), "actor.member"),
    ("identified Group with two IFIs", _replace("actor", {
        "objectType": "Group", "mbox": "mailto:team@example.com", "mbox_sha1sum": "a" * 40}), "actor"),
    ("Group member without IFI", _replace("actor", {"objectType": "Group", "member": [{"name": "x"}]}),
     "actor.member[0]"),
    ("actor objectType unknown", _replace("actor", {"objectType": "Person", "mbox": "mailto:a@example.com"}),
     "actor.objectType"),
    ("actor a string", _replace("actor", "mailto:ada@example.com"), "actor"),
    ("verb null", _replace("verb", None), "verb"),
    ("verb id not an IRI", _replace("verb", {"id": "not an iri"}), "verb.id"),
    ("verb id without scheme", _replace("verb", {"id": "example.com/verbs/did"}), "verb.id"),
    ("verb id empty", _replace("verb", {"id": ""}), "verb.id"),
    ("verb display key not a language tag", _replace("verb", {"id": "http://example.com/v",
                                                              "display": {"en_US": "did"}}), "verb.display"),
    ("verb display value not a string", _replace("verb", {"id": "http://example.com/v", "display": {"en": 1}}),
     "verb.display"),
    ("verb unknown property", _replace("verb", {"id": "http://example.com/v", "name": "did"}), "verb.name"),
    ("no verb", _delete("verb"), "verb"),
    ("actor spelt Actor", _rename("actor", "Actor"), "Actor"),
    ("voiding an Activity", _voiding_an_activity, "object"),
    ("unknown statement property", _replace("foo", "bar"), "foo"),
    ("statement id not a UUID", _replace("id", "not-a-uuid"), "id"),
    ("statement id a number", _replace("id", 12345), "id"),
    ("object an array", _replace("object", []), "object"),
    ("Activity id not an IRI", _replace("object", {"id": "quiz 1"}), "object.id"),
    ("objectType in lower case", _replace("object", {"objectType": "activity", "id": _ACTIVITY_ID}),
     "object.objectType"),
    ("Agent object without objectType", _replace("object", {"mbox": "mailto:b@example.com"}), "object"),
    ("definition name not a language map", _replace("object", _activity({"name": "Quiz"})),
     "object.definition.name"),
    ("moreInfo not an IRL", _replace("object", _activity({"moreInfo": "see the manual"})),
     "object.definition.moreInfo"),
    ("unknown interactionType", _replace("object", _activity({"interactionType": "essay"})),
     "object.definition.interactionType"),
    ("choices with true-false", _replace("object", _activity({"interactionType": "true-false",
                                                              "choices": [{"id": "a"}]})),
     "object.definition.choices"),
    ("scale without interactionType", _replace("object", _activity({"scale": [{"id": "a"}]})),
     "object.definition.scale"),
    ("duplicate component ids", _replace("object", _activity({"interactionType": "choice",
                                                              "choices": [{"id": "a"}, {"id": "a"}]})),
     "object.definition.choices[1].id"),
    ("component without id", _replace("object", _activity({"interactionType": "likert",
                                                           "scale": [{"description": {"en": "x"}}]})),
     "object.definition.scale[0].id"),
    ("correctResponsesPattern not strings", _replace("object", _activity({"interactionType": "numeric",
                                                                          "correctResponsesPattern": [4]})),
     "object.definition.correctResponsesPattern[0]"),
    ("StatementRef id not a UUID", _replace("object", {"objectType": "StatementRef", "id": "abc"}), "object.id"),
    ("StatementRef with a definition", _replace("object", {"objectType": "StatementRef",
                                                           "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0",
                                                           "definition": {}}), "object.definition"),
    ("SubStatement in a SubStatement", _replace("object", _substatement(object=_substatement())),
     "object.object"),
    ("SubStatement with id", _replace("object", _substatement(id="8f87ccde-bb56-4c2e-ab83-44982ef22df0")),
     "object.id"),
    ("SubStatement with version", _replace("object", _substatement(version="1.0.0")), "object.version"),
    ("SubStatement without verb", _replace("object", {"objectType": "SubStatement", "actor": _AGENT,
                                                      "object": {"id": _ACTIVITY_ID}}), "object.verb"),
    ("SubStatement revision with Agent object", _replace("object", _substatement(
        object=_AGENT, context={"revision": "2"})), "object.context.revision"),
    ("score.scaled 1.5", _replace("result", {"score": {"scaled": 1.5}}), "result.score.scaled"),
    ("score.scaled a string", _replace("result", {"score": {"scaled": "0.5"}}), "result.score.scaled"),
    ("raw above max", _replace("result", {"score": {"raw": 11, "min": 0, "max": 10}}), "result.score.raw"),
    ("raw below min", _replace("result", {"score": {"raw": -1, "min": 0}}), "result.score.raw"),
    ("min equal to max", _replace("result", {"score": {"min": 5, "max": 5}}), "result.score.min"),
    ("success a string", _replace("result", {"success": "true"}), "result.success"),
    ("response null", _replace("result", {"response": None}), "result.response"),
    ("duration in words", _replace("result", {"duration": "1 hour"}), "result.duration"),
    ("duration alternative format", _replace("result", {"duration": "P0001-02-03T04:05:06"}), "result.duration"),
    ("duration weeks with days", _replace("result", {"duration": "P4W1D"}), "result.duration"),
    ("duration T without time", _replace("result", {"duration": "P1DT"}), "result.duration"),
    ("extension key not an IRI", _replace("result", {"extensions": {"minutes": 3}}), "result.extensions"),
    ("result unknown property", _replace("result", {"passed": True}), "result.passed"),
    ("registration not a UUID", _activity_with_context("registration", "12345"), "context.registration"),
    ("language not a tag", _activity_with_context("language", "English (US)"), "context.language"),
    ("language with a bad token length", _activity_with_context("language", "en-USA1"), "context.language"),
    ("team an Agent", _activity_with_context("team", _AGENT), "context.team"),
    ("instructor without IFI", _activity_with_context("instructor", {"name": "Bob"}), "context.instructor"),
    ("unknown contextActivities key", _activity_with_context("contextActivities", {
        "parents": [{"id": _ACTIVITY_ID}]}), "context.contextActivities.parents"),
    ("contextActivities value a string", _activity_with_context("contextActivities", {"parent": _ACTIVITY_ID}),
     "context.contextActivities.parent"),
    ("context activity without id", _activity_with_context("contextActivities", {
        "grouping": [{"id": _ACTIVITY_ID}, {"definition": {}}]}), "context.contextActivities.grouping[1]"),
    ("context statement not a StatementRef", _activity_with_context("statement", {"id": "8f87ccde-bb56-4c2e-ab83"
                                                                                        "-44982ef22df0"}),
     "context.statement"),
    ("revision with Agent object", _object_and_context(_AGENT, {"revision": "1.1"}), "context.revision"),
    ("platform with StatementRef object", _object_and_context(
        {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}, {"platform": "web"}),
     "context.platform"),
    ("contextAgents before 2.0", _activity_with_context("contextAgents", [
        {"objectType": "contextAgent", "agent": _AGENT}]), "context.contextAgents"),
    ("timestamp month 13", _replace("timestamp", "2025-13-01T00:00:00Z"), "timestamp"),
    ("timestamp 30 February", _replace("timestamp", "2025-02-30T00:00:00Z"), "timestamp"),
    ("timestamp date only", _replace("timestamp", "2025-01-01"), "timestamp"),
    ("timestamp negative zero offset", _replace("timestamp", "2025-01-01T00:00:00-00:00"), "timestamp"),
    ("timestamp a number", _replace("timestamp", 1735689600), "timestamp"),
    ("stored not a timestamp", _replace("stored", "yesterday"), "stored"),
    ("version 1.1.0", _replace("version", "1.1.0"), "version"),
    ("version 2.0.0 in a 1.0.3 request", _replace("version", "2.0.0"), "version"),
    ("authority Group of three", _replace("authority", {"objectType": "Group", "member": [
        _AGENT, {"mbox": "mailto:b@example.com"}, {"mbox": "mailto:c@example.com"}]}), "authority.member"),
    ("authority without IFI", _replace("authority", {"name": "LRS"}), "authority"),
    ("attachments not an array", _replace("attachments", _FILE_ATTACHMENT), "attachments"),
    ("attachment without sha2", _replace("attachments", [{k: v for k, v in _FILE_ATTACHMENT.items()
                                                          if k != "sha2"}]), "attachments[0].sha2"),
    ("attachment length a string", _replace("attachments", [{**_FILE_ATTACHMENT, "length": "1024"}]),
     "attachments[0].length"),
    ("attachment usageType not an IRI", _replace("attachments", [{**_FILE_ATTACHMENT, "usageType": "cert"}]),
     "attachments[0].usageType"),
    ("deep unknown property", _set(("object",), _activity({"name": {"en": "Quiz"}, "Type": "http://x.org/t"})),
     "object.definition.Type"),
]

_MUTATIONS_2_0 = [
    (what, mutate, prefix) for what, mutate, prefix in _MUTATIONS_1_0
    if what not in ("contextAgents before 2.0", "version 2.0.0 in a 1.0.3 request")
] + [
    ("contextAgent with a Group", _activity_with_context("contextAgents", [
        {"objectType": "contextAgent", "agent": {"objectType": "Group", "member": [_AGENT]}}]),
     "context.contextAgents[0].agent"),
    ("contextGroup without objectType", _activity_with_context("contextGroups", [
        {"group": {"objectType": "Group", "member": [_AGENT]}}]), "context.contextGroups[0].objectType"),
    ("relevantTypes empty", _activity_with_context("contextAgents", [
        {"objectType": "contextAgent", "agent": _AGENT, "relevantTypes": []}]),
     "context.contextAgents[0].relevantTypes"),
]

MUTATIONS = {"1.0.3": _MUTATIONS_1_0, "2.0.0": _MUTATIONS_2_0}


def invalid_mutations(version: str = "1.0.3") -> st.SearchStrategy[tuple[dict, str]]:
    """(statement, expected_path_prefix): a valid statement with exactly one rule broken."""
    mutations = MUTATIONS["2.0.0" if version.startswith("2.0") else "1.0.3"]

    def apply(case) -> tuple[dict, str]:
        statement, (_, mutate, prefix) = case
        return mutate(copy.deepcopy(statement)), prefix

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
                "category": [{"objectType": "Activity", "id": "https://w3id.org/xapi/cmi5/context/categories/cmi5",
                              "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
            },
            "platform": "Example LMS 4.2",
            "language": "en-US",
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "458240298378231",
                           "https://lms.example.com/xapi/extensions/browser": {"name": "Firefox", "version": "133.0"}},
        },
        "timestamp": datetime(2025, 3, 14, 15, 9, 26, 535000, tzinfo=timezone.utc).isoformat(
            timespec="milliseconds").replace("+00:00", "Z"),
    }
