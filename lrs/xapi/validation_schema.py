"""The xAPI statement as a JSON Schema (draft 2020-12), built from the same formats as the Python checks.

The schema is the fast path: jsonschema_rs answers "valid or not" in a few microseconds. It says the same
as `validation_checks` except for the rules JSON Schema cannot express, which
`validation_checks.rules_beyond_schema_hold` adds: interaction properties against interactionType and
distinct component ids, score ranges that compare two properties, revision/platform against the object's
type, a voiding statement's object, and dates that do not exist (30 February). The unit tests prove that
the two readings agree on generated and corrupted statements.
"""
from __future__ import annotations

import sys

from lrs.xapi import validation_checks as checks
from lrs.xapi import validation_formats as formats
from lrs.xapi.validation_versions import VersionRules


def _ref(name: str) -> dict:
    return {"$ref": f"#/$defs/{name}"}


def _string(expression: str) -> dict:
    return {"type": "string", "pattern": formats.schema_pattern(expression)}


def _closed(properties: dict, required=()) -> dict:
    """An object with exactly these properties (unknown ones rejected, 2.2.s4.b1.b7)."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


def _array(items: dict, **limits) -> dict:
    return {"type": "array", "items": items, **limits}


_HAS_ONE_IFI = [{"required": [ifi]} for ifi in checks.IFI_PROPERTIES]
_ANONYMOUS = {"not": {"anyOf": _HAS_ONE_IFI}, "required": ["member"],
              "properties": {"member": {"minItems": 1}}}


def _agents_and_groups() -> dict:
    ifis = {"mbox": _string(formats.MAILTO_IRI), "mbox_sha1sum": _string(formats.SHA1_HEX),
            "openid": _ref("iri"), "account": _ref("account")}
    agent = _closed({"objectType": {"const": "Agent"}, "name": {"type": "string"}, **ifis})
    group = _closed({"objectType": {"const": "Group"}, "name": {"type": "string"},
                     "member": _array(_ref("agent")), **ifis}, required=["objectType"])
    return {
        "account": _closed({"homePage": _ref("iri"), "name": {"type": "string"}},
                           required=["homePage", "name"]),
        # oneOf: with two IFIs two branches match, with none only the anonymous branch can.
        "agent": {**agent, "oneOf": _HAS_ONE_IFI},
        "group": {**group, "oneOf": [*_HAS_ONE_IFI, _ANONYMOUS]},
        "agentOrGroup": {"if": _is("Group"), "then": _ref("group"), "else": _ref("agent")},
        "authority": {"if": _is("Group"),
                      "then": {"allOf": [_ref("group"), _ANONYMOUS], "required": ["member"],
                               "properties": {"member": {"minItems": 2, "maxItems": 2}}},
                      "else": _ref("agent")},
    }


def _is(object_type: str) -> dict:
    """Matches an object whose objectType is this one."""
    return {"required": ["objectType"], "properties": {"objectType": {"const": object_type}}}


def _activities() -> dict:
    component_list = _array(_closed({"id": {"type": "string"}, "description": _ref("languageMap")},
                                    required=["id"]))
    definition = _closed({
        "name": _ref("languageMap"), "description": _ref("languageMap"), "type": _ref("iri"),
        "moreInfo": _ref("iri"), "extensions": _ref("extensions"),
        "interactionType": {"enum": list(checks.INTERACTION_TYPES)},
        "correctResponsesPattern": _array({"type": "string"}),
        **{list_name: component_list for list_name in checks.COMPONENT_LISTS},
    })
    return {
        "definition": definition,
        "activity": _closed({"objectType": {"const": "Activity"}, "id": _ref("iri"),
                             "definition": _ref("definition")}, required=["id"]),
        "statementRef": _closed({"objectType": {"const": "StatementRef"}, "id": _ref("uuid")},
                                required=["objectType", "id"]),
    }


def _object(kinds: dict) -> dict:
    """Dispatch on objectType; without one the object is an Activity (2.4.4.s2)."""
    return {
        "type": "object",
        "if": {"required": ["objectType"]},
        "then": {"properties": {"objectType": {"enum": list(kinds)}},
                 "allOf": [{"if": _is(kind), "then": _ref(definition)}
                           for kind, definition in kinds.items()]},
        "else": _ref("activity"),
    }


def _score() -> dict:
    number = _ref("number")
    return _closed({"scaled": {"allOf": [number], "minimum": -1, "maximum": 1},
                    "raw": number, "min": number, "max": number})


def _context(rules: VersionRules) -> dict:
    one_or_many = {"if": {"type": "array"}, "then": _array(_ref("activity")), "else": _ref("activity")}
    properties = {
        "registration": _ref("uuid"), "instructor": _ref("agentOrGroup"),
        "team": _ref("group"),
        "contextActivities": _closed({kind: one_or_many for kind in checks.CONTEXT_ACTIVITY_KINDS}),
        "revision": {"type": "string"}, "platform": {"type": "string"},
        "language": _string(formats.LANGUAGE_TAG), "statement": _ref("statementRef"),
        "extensions": _ref("extensions"),
    }
    if rules.context_agents_and_groups:
        relevant_types = _array(_ref("iri"), minItems=1)
        properties["contextAgents"] = _array(_closed(
            {"objectType": {"const": "contextAgent"}, "agent": _ref("agent"),
             "relevantTypes": relevant_types}, required=["objectType", "agent"]))
        properties["contextGroups"] = _array(_closed(
            {"objectType": {"const": "contextGroup"}, "group": _ref("group"),
             "relevantTypes": relevant_types}, required=["objectType", "group"]))
    return _closed(properties)


def _attachment() -> dict:
    return _closed({
        "usageType": _ref("iri"), "display": _ref("languageMap"), "description": _ref("languageMap"),
        "contentType": _string(formats.MEDIA_TYPE), "length": {"type": "integer", "minimum": 0},
        "sha2": _string(formats.SHA2_HEX), "fileUrl": _ref("iri"),
    }, required=checks.ATTACHMENT_REQUIRED)


def _statements(rules: VersionRules, lrs_assigned_allowed: bool) -> dict:
    shared = {"actor": _ref("agentOrGroup"), "verb": _ref("verb"), "result": _ref("result"),
              "context": _ref("context"), "timestamp": _ref("timestamp"),
              "attachments": _array(_ref("attachment"))}
    statement = {"id": _ref("uuid"), **shared, "object": _ref("object"),
                 "version": _string(rules.statement_version)}
    if lrs_assigned_allowed:
        statement.update(stored=_ref("timestamp"), authority=_ref("authority"))
    substatement = {"objectType": {"const": "SubStatement"}, **shared, "object": _ref("objectInSubStatement")}
    return {
        "statement": _closed(statement, required=checks.STATEMENT_REQUIRED),
        "subStatement": _closed(substatement, required=["objectType", *checks.STATEMENT_REQUIRED]),
    }


def build_schema(rules: VersionRules, *, lrs_assigned_allowed: bool) -> dict:
    """The whole statement schema for one version's rules."""
    object_kinds = {"Activity": "activity", "Agent": "agent", "Group": "group",
                    "StatementRef": "statementRef"}
    definitions = {
        "iri": _string(formats.IRI),
        "uuid": _string(formats.UUID),
        "timestamp": _string(formats.TIMESTAMP),
        # JSON has no NaN or infinity; the bounds turn away the floats Python can still hold.
        "number": {"type": "number", "minimum": -sys.float_info.max, "maximum": sys.float_info.max},
        "languageMap": {"type": "object", "propertyNames": _string(formats.LANGUAGE_TAG),
                        "additionalProperties": {"type": "string"}},
        "extensions": {"type": "object", "propertyNames": _string(formats.IRI)},
        **_agents_and_groups(),
        "verb": _closed({"id": _ref("iri"), "display": _ref("languageMap")}, required=["id"]),
        **_activities(),
        "object": _object({**object_kinds, "SubStatement": "subStatement"}),
        "objectInSubStatement": _object(object_kinds),
        "score": _score(),
        "result": _closed({"score": _ref("score"), "success": {"type": "boolean"},
                           "completion": {"type": "boolean"}, "response": {"type": "string"},
                           "duration": _string(formats.DURATION), "extensions": _ref("extensions")}),
        "context": _context(rules),
        "attachment": _attachment(),
        **_statements(rules, lrs_assigned_allowed),
    }
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/statement",
            "$defs": definitions}
