"""A small reader of ADL's xAPI SCORM Profile (scorm-v1.0.jsonld) for tests: its statement templates and
a check that a statement follows one (xAPI Profiles, Structure 8.0 determining properties and 8.1 rules).

The JSONPath subset the profile uses (`a.b[*].c`) is all that is implemented; the profile's rules use
nothing else, and a rule with another form fails loudly."""
from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

PROFILES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "profiles"
_STEP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\[\*\])?$")


@cache
def scorm_profile() -> dict:
    return json.loads((PROFILES / "scorm-v1.0.jsonld").read_text())


@cache
def adl_verbs() -> frozenset[str]:
    adl = json.loads((PROFILES / "adl-v1.0.jsonld").read_text())
    return frozenset(concept["id"] for concept in adl["concepts"] if concept["type"] == "Verb")


def template(template_id: str) -> dict:
    return next(item for item in scorm_profile()["templates"] if item["id"] == template_id)


def evaluate(statement: dict, location: str) -> list:
    """Values at a JSONPath of the profile's subset; [] when the path leads nowhere."""
    values = [statement]
    for step in location.removeprefix("$.").split("."):
        match = _STEP.match(step)
        assert match, f"JSONPath step {step!r} is outside the subset this reader knows"
        name, every = match.groups()
        values = [value[name] for value in values if isinstance(value, dict) and name in value]
        if every:
            values = [member for value in values if isinstance(value, list) for member in value]
    return values


def _types(statement: dict, kind: str) -> set[str]:
    activities = statement.get("context", {}).get("contextActivities", {}).get(kind, [])
    return {activity.get("definition", {}).get("type") for activity in activities}


def violations(statement: dict, template_id: str) -> list[str]:
    """What the statement breaks of the template (Profiles 8.0 "MUST include all the Determining
    Properties", 8.1 presence/any/all/none); [] when it follows it."""
    spec = template(template_id)
    broken = []
    if "verb" in spec and statement["verb"]["id"] != spec["verb"]:
        broken.append(f"verb is not {spec['verb']}")
    if "objectActivityType" in spec and \
            statement["object"].get("definition", {}).get("type") != spec["objectActivityType"]:
        broken.append(f"object type is not {spec['objectActivityType']}")
    for key, kind in (("contextParentActivityType", "parent"), ("contextGroupingActivityType", "grouping"),
                      ("contextCategoryActivityType", "category"), ("contextOtherActivityType", "other")):
        missing = set(spec.get(key, [])) - _types(statement, kind)
        if missing:
            broken.append(f"context {kind} lacks types {sorted(missing)}")
    for rule in spec.get("rules", []):
        values = evaluate(statement, rule["location"])
        presence = rule.get("presence")
        if presence == "included" and not values:
            broken.append(f"{rule['location']} must be included")
        if presence == "excluded" and values:
            broken.append(f"{rule['location']} must be excluded")
        if presence in (None, "included") or (presence == "recommended" and values):
            if "any" in rule and not set(rule["any"]) & set(map(str, values)):
                broken.append(f"{rule['location']} holds none of {rule['any']}")
            if "all" in rule and not set(map(str, values)) <= set(rule["all"]):
                broken.append(f"{rule['location']} holds values outside {rule['all']}")
            if "none" in rule and set(rule["none"]) & set(map(str, values)):
                broken.append(f"{rule['location']} holds one of {rule['none']}")
    return broken
