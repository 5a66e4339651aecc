"""The rules of xAPI-Data 2.2 to 2.6 and 4.x as plain Python, raising the first violation found.

This is the reference reading of the specification: `validation.py` consults it for every statement the
fast JSON Schema check turns down (to say exactly what is wrong and where), and for the few rules a JSON
Schema cannot express (`rules_beyond_schema_hold`). Checks run in document order: for each object its
objectType, then unknown properties, then missing required ones, then each property in the order of the
specification's tables.

`section` in every error is the xAPI-Data section holding the rule; `path` is a JSON path such as
`context.contextActivities.parent[0].id`; map keys that are not plain names are quoted: `display["en-US"]`.
"""
from __future__ import annotations

import functools
import math
import re

from lrs.xapi import validation_formats as formats
from lrs.xapi.errors import InvalidStatement
from lrs.xapi.validation_versions import VersionRules

IFI_PROPERTIES = ("mbox", "mbox_sha1sum", "openid", "account")
AGENT_PROPERTIES = frozenset(("objectType", "name", *IFI_PROPERTIES))
GROUP_PROPERTIES = AGENT_PROPERTIES | {"member"}
ACCOUNT_PROPERTIES = frozenset(("homePage", "name"))
VERB_PROPERTIES = frozenset(("id", "display"))
ACTIVITY_PROPERTIES = frozenset(("objectType", "id", "definition"))
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
DEFINITION_PROPERTIES = frozenset(("name", "description", "type", "moreInfo", "extensions", "interactionType",
                                   "correctResponsesPattern", *COMPONENT_LISTS))
COMPONENT_PROPERTIES = frozenset(("id", "description"))
# 2.4.4.1.s15: which interaction component lists each interactionType supports.
COMPONENT_LISTS_BY_INTERACTION = {
    "true-false": (), "choice": ("choices",), "fill-in": (), "long-fill-in": (),
    "matching": ("source", "target"), "performance": ("steps",), "sequencing": ("choices",),
    "likert": ("scale",), "numeric": (), "other": (),
}
INTERACTION_TYPES = tuple(COMPONENT_LISTS_BY_INTERACTION)
_INTERACTION_PROPERTIES = frozenset(("interactionType", "correctResponsesPattern", *COMPONENT_LISTS))
STATEMENT_REF_PROPERTIES = frozenset(("objectType", "id"))
OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")
RESULT_PROPERTIES = frozenset(("score", "success", "completion", "response", "duration", "extensions"))
SCORE_PROPERTIES = frozenset(("scaled", "raw", "min", "max"))
CONTEXT_PROPERTIES_1_0 = frozenset(("registration", "instructor", "team", "contextActivities", "revision",
                                    "platform", "language", "statement", "extensions"))
CONTEXT_PROPERTIES_2_0 = CONTEXT_PROPERTIES_1_0 | {"contextAgents", "contextGroups"}
CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
CONTEXT_AGENT_PROPERTIES = frozenset(("objectType", "agent", "relevantTypes"))
CONTEXT_GROUP_PROPERTIES = frozenset(("objectType", "group", "relevantTypes"))
ATTACHMENT_PROPERTIES = frozenset(("usageType", "display", "description", "contentType", "length", "sha2",
                                   "fileUrl"))
ATTACHMENT_REQUIRED = ("usageType", "display", "contentType", "length", "sha2")
LRS_ASSIGNED = ("stored", "authority")
STATEMENT_PROPERTIES = frozenset(("id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                                  "authority", "version", "attachments"))
NOT_IN_SUBSTATEMENT = ("id", "stored", "version", "authority")
SUBSTATEMENT_PROPERTIES = STATEMENT_PROPERTIES - set(NOT_IN_SUBSTATEMENT) | {"objectType"}
STATEMENT_REQUIRED = ("actor", "verb", "object")
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").fullmatch
_matcher = functools.cache(formats.matcher)


# --- paths and failures ----------------------------------------------------------------------

def child(path: str, key) -> str:
    """The path of a property: `a.b` for plain names, `a["en-US"]` for any other key."""
    if isinstance(key, str) and _PLAIN_NAME(key):
        return f"{path}.{key}" if path else key
    text = '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"' if isinstance(key, str) else repr(key)
    return f"{path}[{text}]"


def item(path: str, index: int) -> str:
    return f"{path}[{index}]"


def fail(message: str, path: str, section: str):
    raise InvalidStatement(message, path=path, section=section)


# A broken cross-property rule: (message, steps from the checked object to the offending property).
Problem = tuple[str, tuple]


def raise_problem(problem: Problem | None, path: str, section: str) -> None:
    if problem is not None:
        message, steps = problem
        for step in steps:
            path = item(path, step) if isinstance(step, int) else child(path, step)
        fail(message, path, section)


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _describe(path: str) -> str:
    return path or "the statement"


# --- JSON types --------------------------------------------------------------------------------

def is_number(value) -> bool:
    """A JSON number: not a boolean, not NaN or infinite."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return not isinstance(value, float) or math.isfinite(value)


def expect_object(value, path: str, section: str) -> dict:
    if not isinstance(value, dict):
        fail(f"{_describe(path)} must be an object, not {_json_type(value)}", path, section)
    return value


def expect_array(value, path: str, section: str) -> list:
    if not isinstance(value, list):
        fail(f"{path} must be an array, not {_json_type(value)}", path, section)
    return value


def expect_string(value, path: str, section: str) -> str:
    if not isinstance(value, str):
        fail(f"{path} must be a string, not {_json_type(value)}", path, section)
    return value


def expect_boolean(value, path: str, section: str) -> None:
    if not isinstance(value, bool):
        fail(f"{path} must be true or false, not {_json_type(value)}", path, section)


def expect_number(value, path: str, section: str) -> None:
    if not is_number(value):
        fail(f"{path} must be a number, not {_json_type(value)}", path, section)


def expect_format(value, path: str, section: str, is_valid, what: str) -> None:
    expect_string(value, path, section)
    if not is_valid(value):
        fail(f"{path} must be {what}, not {value!r}", path, section)


def expect_iri(value, path: str, section: str) -> None:
    expect_format(value, path, section, formats.is_iri, "an absolute IRI with a scheme (RFC 3987)")


def expect_uuid(value, path: str, section: str) -> None:
    expect_format(value, path, section, formats.is_uuid, "a UUID in standard string form")


def expect_timestamp(value, path: str) -> None:
    expect_format(value, path, "4.5", formats.is_timestamp, "an ISO 8601 timestamp with a date and a time")
    if not formats.utc_year_exists(value):
        fail(f"{_describe(path)} cannot be written in UTC: moved by its offset it leaves years 0001-9999",
             path, "4.5.s1.b6")


def check_properties(value: dict, allowed: frozenset, path: str, section: str, what: str,
                     hint: str = "") -> None:
    """Only the properties the specification lists (2.2.s4.b1.b7); keys are case-sensitive."""
    for key in value:
        if key not in allowed:
            fail(f"{key!r} is not a property of {what}{hint}", child(path, key), section)


def require(value: dict, required, path: str, section: str, what: str) -> None:
    for key in required:
        if key not in value:
            fail(f"{what} needs {key!r}", child(path, key), section)


# --- language maps and extensions (4.1, 4.2) ---------------------------------------------------

def check_language_map(value, path: str) -> None:
    expect_object(value, path, "4.2")
    for tag, text in value.items():
        if not isinstance(tag, str) or not formats.is_language_tag(tag):
            fail(f"{tag!r} is not an RFC 5646 language tag", child(path, tag), "4.2")
        expect_string(text, child(path, tag), "4.2")


def check_extensions(value, path: str) -> None:
    """Keys are IRIs; values are any JSON and never examined (4.1.s3.b2)."""
    expect_object(value, path, "4.1")
    for key in value:
        if not isinstance(key, str) or not formats.is_iri(key):
            fail(f"extension key {key!r} is not an absolute IRI", child(path, key), "4.1")


# --- agents and groups (2.4.2) -------------------------------------------------------------------

def check_agent_or_group(value, path: str, section: str = "2.4.2") -> None:
    expect_object(value, path, section)
    object_type = value.get("objectType", "Agent")
    if object_type == "Group":
        check_group(value, path)
    elif object_type == "Agent":
        check_agent(value, path)
    else:
        fail(f"{child(path, 'objectType')} must be 'Agent' or 'Group', not {object_type!r}",
             child(path, "objectType"), section)


def check_agent(value, path: str) -> None:
    expect_object(value, path, "2.4.2.1")
    if value.get("objectType", "Agent") != "Agent":
        fail("an Agent's objectType must be 'Agent'", child(path, "objectType"), "2.4.2.1")
    check_properties(value, AGENT_PROPERTIES, path, "2.4.2.1", "an Agent",
                     " (a Group needs objectType 'Group')" if "member" in value else "")
    ifi_count = sum(key in value for key in IFI_PROPERTIES)
    if ifi_count != 1:
        fail(f"an Agent must have exactly one inverse functional identifier ({', '.join(IFI_PROPERTIES)}), "
             f"this one has {ifi_count}", path, "2.4.2.1")
    _check_name_and_ifi(value, path)


def check_group(value, path: str) -> None:
    expect_object(value, path, "2.4.2.2")
    if value.get("objectType") != "Group":
        fail("a Group's objectType must be 'Group'", child(path, "objectType"), "2.4.2.2")
    check_properties(value, GROUP_PROPERTIES, path, "2.4.2.2", "a Group")
    ifi_count = sum(key in value for key in IFI_PROPERTIES)
    if ifi_count > 1:
        fail("an identified Group must have exactly one inverse functional identifier, "
             f"this one has {ifi_count}", path, "2.4.2.2")
    if ifi_count == 0 and "member" not in value:
        fail("an anonymous Group (one without an inverse functional identifier) needs 'member'",
             child(path, "member"), "2.4.2.2")
    _check_name_and_ifi(value, path)
    if "member" in value:
        _check_members(value["member"], child(path, "member"), anonymous=ifi_count == 0)


def _check_members(members, path: str, *, anonymous: bool) -> None:
    expect_array(members, path, "2.4.2.2")
    if anonymous and not members:
        fail("an anonymous Group must list at least one member", path, "2.4.2.2")
    for index, member in enumerate(members):
        member_path = item(path, index)
        expect_object(member, member_path, "2.4.2.2")
        if member.get("objectType", "Agent") == "Group":
            fail("a Group's members must be Agents, not Groups", member_path, "2.4.2.2")
        check_agent(member, member_path)


def _check_name_and_ifi(value: dict, path: str) -> None:
    if "name" in value:
        expect_string(value["name"], child(path, "name"), "2.4.2")
    if "mbox" in value:
        expect_format(value["mbox"], child(path, "mbox"), "2.4.2.3", formats.is_mailto_iri,
                      "a mailto IRI of one e-mail address ('mailto:name@example.com')")
    if "mbox_sha1sum" in value:
        expect_format(value["mbox_sha1sum"], child(path, "mbox_sha1sum"), "2.4.2.3", formats.is_sha1_hex,
                      "a hex-encoded SHA-1 hash (40 hex digits)")
    if "openid" in value:
        expect_format(value["openid"], child(path, "openid"), "2.4.2.3", formats.is_iri,
                      "an absolute URI with a scheme")
    if "account" in value:
        _check_account(value["account"], child(path, "account"))


def _check_account(value, path: str) -> None:
    expect_object(value, path, "2.4.2.4")
    check_properties(value, ACCOUNT_PROPERTIES, path, "2.4.2.4", "an account")
    require(value, ("homePage", "name"), path, "2.4.2.4", "an account")
    expect_iri(value["homePage"], child(path, "homePage"), "2.4.2.4")
    expect_string(value["name"], child(path, "name"), "2.4.2.4")


# --- verb (2.4.3) --------------------------------------------------------------------------------

def check_verb(value, path: str) -> None:
    expect_object(value, path, "2.4.3")
    check_properties(value, VERB_PROPERTIES, path, "2.4.3", "a Verb")
    require(value, ("id",), path, "2.4.3", "a Verb")
    expect_iri(value["id"], child(path, "id"), "2.4.3")
    if "display" in value:
        check_language_map(value["display"], child(path, "display"))


# --- object (2.4.4) ------------------------------------------------------------------------------

def check_object(value, path: str, rules: VersionRules, *, in_substatement: bool) -> None:
    expect_object(value, path, "2.4.4")
    object_type = value.get("objectType", "Activity")
    if object_type == "Activity":
        check_activity(value, path)
    elif object_type == "Agent":
        check_agent(value, path)
    elif object_type == "Group":
        check_group(value, path)
    elif object_type == "StatementRef":
        check_statement_ref(value, path)
    elif object_type == "SubStatement":
        if in_substatement:
            fail("a SubStatement must not contain another SubStatement", child(path, "objectType"), "2.4.4.3")
        check_substatement(value, path, rules)
    else:
        fail(f"objectType must be one of {', '.join(OBJECT_TYPES)}, not {object_type!r}",
             child(path, "objectType"), "2.4.4")


def check_activity(value, path: str) -> None:
    expect_object(value, path, "2.4.4.1")
    hint = ""
    if any(key in value for key in IFI_PROPERTIES):
        hint = " (an Agent or Group as the object needs its objectType, 2.4.4.2)"
    if value.get("objectType", "Activity") != "Activity":
        fail("an Activity's objectType must be 'Activity'", child(path, "objectType"), "2.4.4.1")
    check_properties(value, ACTIVITY_PROPERTIES, path, "2.4.4.1", "an Activity", hint)
    require(value, ("id",), path, "2.4.4.1", "an Activity")
    expect_iri(value["id"], child(path, "id"), "2.4.4.1")
    if "definition" in value:
        check_definition(value["definition"], child(path, "definition"))


def check_definition(value, path: str) -> None:
    expect_object(value, path, "2.4.4.1")
    check_properties(value, DEFINITION_PROPERTIES, path, "2.4.4.1", "an Activity definition")
    for language_map in ("name", "description"):
        if language_map in value:
            check_language_map(value[language_map], child(path, language_map))
    if "type" in value:
        expect_iri(value["type"], child(path, "type"), "2.4.4.1")
    if "moreInfo" in value:
        expect_iri(value["moreInfo"], child(path, "moreInfo"), "2.4.4.1")
    if "interactionType" in value and value["interactionType"] not in INTERACTION_TYPES:
        fail(f"interactionType must be one of {', '.join(INTERACTION_TYPES)}, "
             f"not {value['interactionType']!r}", child(path, "interactionType"), "2.4.4.1")
    if "correctResponsesPattern" in value:
        patterns_path = child(path, "correctResponsesPattern")
        patterns = expect_array(value["correctResponsesPattern"], patterns_path, "2.4.4.1")
        for index, pattern in enumerate(patterns):
            expect_string(pattern, item(patterns_path, index), "2.4.4.1")
    for list_name in COMPONENT_LISTS:
        if list_name in value:
            _check_component_shapes(value[list_name], child(path, list_name))
    raise_problem(interaction_problem(value), path, "2.4.4.1")
    if "extensions" in value:
        check_extensions(value["extensions"], child(path, "extensions"))


def _check_component_shapes(components, path: str) -> None:
    expect_array(components, path, "2.4.4.1")
    for index, component in enumerate(components):
        component_path = item(path, index)
        expect_object(component, component_path, "2.4.4.1")
        check_properties(component, COMPONENT_PROPERTIES, component_path, "2.4.4.1",
                         "an interaction component")
        require(component, ("id",), component_path, "2.4.4.1", "an interaction component")
        expect_string(component["id"], child(component_path, "id"), "2.4.4.1")
        if "description" in component:
            check_language_map(component["description"], child(component_path, "description"))


def interaction_problem(definition: dict) -> Problem | None:
    """Interaction properties need a matching interactionType; component ids are distinct (2.4.4.1.s13, s16).

    Expects a definition whose properties already have the right types.
    """
    if _INTERACTION_PROPERTIES.isdisjoint(definition):  # most definitions: no interaction at all
        return None
    interaction_type = definition.get("interactionType")
    if interaction_type is None and "correctResponsesPattern" in definition:
        return ("correctResponsesPattern is only allowed in an interaction Activity "
                "(one with interactionType)", ("correctResponsesPattern",))
    supported = COMPONENT_LISTS_BY_INTERACTION.get(interaction_type, ())
    for list_name in COMPONENT_LISTS:
        if list_name not in definition:
            continue
        if list_name not in supported:
            allowed_with = " or ".join(kind for kind, lists in COMPONENT_LISTS_BY_INTERACTION.items()
                                       if list_name in lists)
            return f"{list_name} is only allowed when interactionType is {allowed_with}", (list_name,)
        seen = set()
        for index, component in enumerate(definition[list_name]):
            if component["id"] in seen:
                return (f"interaction component id {component['id']!r} appears twice in {list_name}",
                        (list_name, index, "id"))
            seen.add(component["id"])
    return None


def check_statement_ref(value, path: str, section: str = "2.4.4.3") -> None:
    expect_object(value, path, section)
    check_properties(value, STATEMENT_REF_PROPERTIES, path, section, "a StatementRef")
    require(value, ("objectType", "id"), path, section, "a StatementRef")
    if value["objectType"] != "StatementRef":
        fail("a StatementRef's objectType must be 'StatementRef'", child(path, "objectType"), section)
    expect_uuid(value["id"], child(path, "id"), section)


def check_substatement(value: dict, path: str, rules: VersionRules) -> None:
    for key in NOT_IN_SUBSTATEMENT:
        if key in value:
            fail(f"a SubStatement must not have {key!r}", child(path, key), "2.4.4.3")
    check_properties(value, SUBSTATEMENT_PROPERTIES, path, "2.4.4.3", "a SubStatement")
    require(value, STATEMENT_REQUIRED, path, "2.4.4.3", "a SubStatement")
    _check_statement_body(value, path, rules, in_substatement=True)


# --- result (2.4.5) ------------------------------------------------------------------------------

def check_result(value, path: str) -> None:
    expect_object(value, path, "2.4.5")
    check_properties(value, RESULT_PROPERTIES, path, "2.4.5", "a Result")
    if "score" in value:
        check_score(value["score"], child(path, "score"))
    for flag in ("success", "completion"):
        if flag in value:
            expect_boolean(value[flag], child(path, flag), "2.4.5")
    if "response" in value:
        expect_string(value["response"], child(path, "response"), "2.4.5")
    if "duration" in value:
        expect_format(value["duration"], child(path, "duration"), "4.6", formats.is_duration,
                      "an ISO 8601 duration such as 'PT1H30M' or 'PT90.5S'")
    if "extensions" in value:
        check_extensions(value["extensions"], child(path, "extensions"))


def check_score(value, path: str) -> None:
    expect_object(value, path, "2.4.5.1")
    check_properties(value, SCORE_PROPERTIES, path, "2.4.5.1", "a Score")
    for key in ("scaled", "raw", "min", "max"):
        if key in value:
            expect_number(value[key], child(path, key), "2.4.5.1")
    raise_problem(score_problem(value), path, "2.4.5.1")


def score_problem(score: dict) -> Problem | None:
    """scaled in [-1, 1]; min < max; raw in [min, max] (2.4.5.1.s2). Expects numbers."""
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        return f"scaled must be between -1 and 1 inclusive, not {score['scaled']}", ("scaled",)
    if "min" in score and "max" in score and not score["min"] < score["max"]:
        return f"min ({score['min']}) must be less than max ({score['max']})", ("min",)
    if "raw" in score:
        if "min" in score and score["raw"] < score["min"]:
            return f"raw ({score['raw']}) must not be below min ({score['min']})", ("raw",)
        if "max" in score and score["raw"] > score["max"]:
            return f"raw ({score['raw']}) must not be above max ({score['max']})", ("raw",)
    return None


# --- context (2.4.6) -----------------------------------------------------------------------------

def check_context(value, path: str, rules: VersionRules, object_value: dict) -> None:
    expect_object(value, path, "2.4.6")
    allowed = CONTEXT_PROPERTIES_2_0 if rules.context_agents_and_groups else CONTEXT_PROPERTIES_1_0
    hint = " before xAPI 2.0" if any(key in value for key in ("contextAgents", "contextGroups")) else ""
    check_properties(value, allowed, path, "2.4.6", "a Context", hint)
    if "registration" in value:
        expect_uuid(value["registration"], child(path, "registration"), "2.4.6")
    if "instructor" in value:
        check_agent_or_group(value["instructor"], child(path, "instructor"), "2.4.6")
    if "team" in value:
        _check_team(value["team"], child(path, "team"))
    if "contextActivities" in value:
        check_context_activities(value["contextActivities"], child(path, "contextActivities"))
    for free_text in ("revision", "platform"):
        if free_text in value:
            expect_string(value[free_text], child(path, free_text), "2.4.6")
    raise_problem(revision_and_platform_problem(value, object_value), path, "2.4.6")
    if "language" in value:
        expect_format(value["language"], child(path, "language"), "2.4.6", formats.is_language_tag,
                      "an RFC 5646 language tag")
    if "statement" in value:
        check_statement_ref(value["statement"], child(path, "statement"), "2.4.6")
    if "extensions" in value:
        check_extensions(value["extensions"], child(path, "extensions"))
    if "contextAgents" in value:
        _check_context_agents(value["contextAgents"], child(path, "contextAgents"))
    if "contextGroups" in value:
        _check_context_groups(value["contextGroups"], child(path, "contextGroups"))


def _check_team(value, path: str) -> None:
    expect_object(value, path, "2.4.6")
    if value.get("objectType") != "Group":
        fail("team must be a Group (objectType 'Group')", child(path, "objectType"), "2.4.6")
    check_group(value, path)


def revision_and_platform_problem(context: dict, object_value: dict) -> Problem | None:
    """revision and platform only when the (Sub)Statement's object is an Activity (2.4.6.s4.b1, b2)."""
    object_type = object_value.get("objectType", "Activity")
    if object_type == "Activity":
        return None
    for key in ("revision", "platform"):
        if key in context:
            return (f"context {key} is only allowed when the object is an Activity, not a {object_type}",
                    (key,))
    return None


def check_context_activities(value, path: str) -> None:
    """Keys parent, grouping, category, other; each an Activity or an array of them (2.4.6.2.s4)."""
    expect_object(value, path, "2.4.6.2")
    check_properties(value, frozenset(CONTEXT_ACTIVITY_KINDS), path, "2.4.6.2", "contextActivities",
                     " (only parent, grouping, category and other)")
    for kind in CONTEXT_ACTIVITY_KINDS:
        if kind not in value:
            continue
        activities = value[kind]
        kind_path = child(path, kind)
        if isinstance(activities, list):
            for index, activity in enumerate(activities):
                check_activity(activity, item(kind_path, index))
        elif isinstance(activities, dict):
            check_activity(activities, kind_path)
        else:
            fail(f"{kind_path} must be an Activity or an array of Activities, not {_json_type(activities)}",
                 kind_path, "2.4.6.2")


def _check_context_agents(value, path: str) -> None:
    """xAPI 2.0: [{objectType: "contextAgent", agent: Agent, relevantTypes?: [IRI, ...]}]."""
    for index, entry in enumerate(expect_array(value, path, "2.4.6")):
        entry_path = item(path, index)
        _check_context_entry(entry, entry_path, CONTEXT_AGENT_PROPERTIES, "contextAgent", "agent")
        check_agent(entry["agent"], child(entry_path, "agent"))


def _check_context_groups(value, path: str) -> None:
    """xAPI 2.0: [{objectType: "contextGroup", group: Group, relevantTypes?: [IRI, ...]}]."""
    for index, entry in enumerate(expect_array(value, path, "2.4.6")):
        entry_path = item(path, index)
        _check_context_entry(entry, entry_path, CONTEXT_GROUP_PROPERTIES, "contextGroup", "group")
        check_group(entry["group"], child(entry_path, "group"))


def _check_context_entry(entry, path: str, allowed: frozenset, object_type: str, member_key: str) -> None:
    expect_object(entry, path, "2.4.6")
    check_properties(entry, allowed, path, "2.4.6", f"a {object_type}")
    require(entry, ("objectType", member_key), path, "2.4.6", f"a {object_type}")
    if entry["objectType"] != object_type:
        fail(f"objectType must be {object_type!r}", child(path, "objectType"), "2.4.6")
    if "relevantTypes" in entry:
        types_path = child(path, "relevantTypes")
        if not expect_array(entry["relevantTypes"], types_path, "2.4.6"):
            fail("relevantTypes, when present, lists at least one IRI", types_path, "2.4.6")
        for type_index, relevant_type in enumerate(entry["relevantTypes"]):
            expect_iri(relevant_type, item(types_path, type_index), "2.4.6")


# --- authority, version, attachments (2.4.9 to 2.4.11) -------------------------------------------

def check_authority(value, path: str) -> None:
    """An Agent, or for 3-legged OAuth a Group of exactly two Agents (2.4.9.s3.b1)."""
    expect_object(value, path, "2.4.9")
    if value.get("objectType") == "Group":
        check_group(value, path)
        identifiers = [name for name in IFI_PROPERTIES if name in value]
        if identifiers:
            fail("an authority Group is the anonymous Group of 3-legged OAuth and has no identifier",
                 child(path, identifiers[0]), "2.4.9")
        if len(value.get("member", ())) != 2:
            fail("an authority Group must have exactly two member Agents (3-legged OAuth)",
                 child(path, "member"), "2.4.9")
    else:
        check_agent(value, path)


def check_attachments(value, path: str) -> None:
    for index, attachment in enumerate(expect_array(value, path, "2.4.11")):
        attachment_path = item(path, index)
        expect_object(attachment, attachment_path, "2.4.11")
        check_properties(attachment, ATTACHMENT_PROPERTIES, attachment_path, "2.4.11", "an Attachment")
        require(attachment, ATTACHMENT_REQUIRED, attachment_path, "2.4.11", "an Attachment")
        expect_iri(attachment["usageType"], child(attachment_path, "usageType"), "2.4.11")
        check_language_map(attachment["display"], child(attachment_path, "display"))
        if "description" in attachment:
            check_language_map(attachment["description"], child(attachment_path, "description"))
        expect_format(attachment["contentType"], child(attachment_path, "contentType"), "2.4.11",
                      formats.is_media_type, "an Internet Media Type such as 'application/pdf'")
        length = attachment["length"]
        if not (is_number(length) and length == int(length) and length >= 0):
            fail(f"length must be a whole number of octets, not {length!r}", child(attachment_path, "length"),
                 "2.4.11")
        expect_format(attachment["sha2"], child(attachment_path, "sha2"), "2.4.11", formats.is_sha2_hex,
                      "a hex-encoded SHA-2 hash")
        if "fileUrl" in attachment:
            expect_iri(attachment["fileUrl"], child(attachment_path, "fileUrl"), "2.4.11")


# --- statement (2.4) -----------------------------------------------------------------------------

def check_statement(statement, rules: VersionRules, *, lrs_assigned_allowed: bool) -> None:
    """Raises InvalidStatement for the first rule the statement breaks."""
    expect_object(statement, "", "2.4")
    if not lrs_assigned_allowed:
        for key in LRS_ASSIGNED:
            if key in statement:
                fail(f"{key!r} is set by the LRS and must not be sent", key, "2.4")
    check_properties(statement, STATEMENT_PROPERTIES, "", "2.4", "a Statement")
    require(statement, STATEMENT_REQUIRED, "", "2.2", "a Statement")
    if "id" in statement:
        expect_uuid(statement["id"], "id", "2.4.1")
    _check_statement_body(statement, "", rules, in_substatement=False)
    raise_problem(voiding_problem(statement), "", "2.3.2")
    if "stored" in statement:
        expect_timestamp(statement["stored"], "stored")
    if "authority" in statement:
        check_authority(statement["authority"], "authority")
    if "version" in statement:
        expect_format(statement["version"], "version", "2.4.10", _matcher(rules.statement_version),
                      f"a version this LRS accepts under xAPI {rules.name} (such as '1.0.0')")


def _check_statement_body(value: dict, path: str, rules: VersionRules, *, in_substatement: bool) -> None:
    """What a Statement and a SubStatement share (2.4.4.3.s8.b2)."""
    check_agent_or_group(value["actor"], child(path, "actor"))
    check_verb(value["verb"], child(path, "verb"))
    check_object(value["object"], child(path, "object"), rules, in_substatement=in_substatement)
    if "result" in value:
        check_result(value["result"], child(path, "result"))
    if "context" in value:
        check_context(value["context"], child(path, "context"), rules, value["object"])
    if "timestamp" in value:
        expect_timestamp(value["timestamp"], child(path, "timestamp"))
    if "attachments" in value:
        check_attachments(value["attachments"], child(path, "attachments"))


def voiding_problem(statement: dict) -> Problem | None:
    """A voiding statement names its target with a StatementRef (2.3.2.s2.b1)."""
    if statement["verb"]["id"] == VOIDED_VERB and statement["object"].get("objectType") != "StatementRef":
        return ("a voiding statement's object must be a StatementRef to the voided statement",
                ("object", "objectType"))
    return None


def find_value_json_cannot_hold(value) -> tuple[str, str] | None:
    """(path, what) of the first value JSON cannot carry: a lone surrogate, NaN, a set, a non-string key.

    A JSON parser never produces these; other callers might. Iterative: extension values nest freely.
    """
    pending = [("", value)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, str):
            if not node.isascii() and _has_lone_surrogate(node):
                return path, "a string with a lone UTF-16 surrogate"
        elif isinstance(node, float):
            if not math.isfinite(node):
                return path, f"the number {node}"
        elif isinstance(node, dict):
            for key, child_value in reversed(node.items()):
                if not isinstance(key, str) or (not key.isascii() and _has_lone_surrogate(key)):
                    return child(path, key), f"the key {key!r}"
                pending.append((child(path, key), child_value))
        elif isinstance(node, list):
            pending.extend((item(path, index), node[index]) for index in reversed(range(len(node))))
        elif node is not None and not isinstance(node, (bool, int)):
            return path, f"a {type(node).__name__}"
    return None


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- what the JSON Schema cannot say -------------------------------------------------------------

def rules_beyond_schema_hold(statement: dict) -> bool:
    """The cross-property rules, for a statement the JSON Schema has accepted (so every type is right).

    Only says yes or no, building no paths: the explanation of a "no" comes from `check_statement`.
    """
    if not _statement_rules_hold(statement) or voiding_problem(statement):
        return False
    object_value = statement["object"]
    if object_value.get("objectType") == "SubStatement" and not _statement_rules_hold(object_value):
        return False
    return "stored" not in statement or formats.timestamp_exists(statement["stored"])


def _statement_rules_hold(value: dict) -> bool:
    object_value = value["object"]
    definition = object_value.get("definition")
    is_activity = object_value.get("objectType", "Activity") == "Activity"
    if definition and is_activity and interaction_problem(definition):
        return False
    result = value.get("result")
    if result and "score" in result and score_problem(result["score"]):
        return False
    context = value.get("context")
    if context:
        if revision_and_platform_problem(context, object_value):
            return False
        for activities in context.get("contextActivities", {}).values():
            for activity in activities if isinstance(activities, list) else (activities,):
                definition = activity.get("definition")
                if definition and interaction_problem(definition):
                    return False
    return "timestamp" not in value or formats.timestamp_exists(value["timestamp"])
