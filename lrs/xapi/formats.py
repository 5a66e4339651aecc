"""The `format` parameter of GET statements: exact, ids and canonical (xAPI-Communication 2.1.3)."""
from __future__ import annotations

from typing import Callable

from lrs.xapi.agents import identity_of

FORMATS = ("exact", "ids", "canonical")
_LANGUAGE_MAP_KEYS_IN_DEFINITION = ("name", "description")
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


# --- ids -------------------------------------------------------------------------------------

def _ids_object(obj: dict) -> dict:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return {"id": obj["id"]}  # objectType is optional for an Activity, so not needed to identify it
    if object_type in ("Agent", "Group"):
        return identity_of(obj)
    if object_type == "SubStatement":
        return _ids_statement(obj)
    return obj


def _ids_context(context: dict) -> dict:
    context = dict(context)
    for key in ("instructor", "team"):
        if key in context:
            context[key] = identity_of(context[key])
    if "contextActivities" in context:
        context["contextActivities"] = {
            key: [_ids_object(activity) for activity in activities]
            for key, activities in context["contextActivities"].items()
        }
    return context


def _ids_statement(statement: dict) -> dict:
    statement = dict(statement)
    statement["actor"] = identity_of(statement["actor"])
    statement["verb"] = {"id": statement["verb"]["id"]}
    statement["object"] = _ids_object(statement["object"])
    if "context" in statement:
        statement["context"] = _ids_context(statement["context"])
    if "authority" in statement:
        statement["authority"] = identity_of(statement["authority"])
    return statement


def to_ids(statement: dict) -> dict:
    """Only what identifies each Agent, Group, Activity and Verb."""
    return _ids_statement(statement)


# --- canonical -------------------------------------------------------------------------------

def parse_accept_language(header: str | None) -> list[str]:
    """Language ranges in preference order (RFC 2616 section 14.4), lower-cased, q=0 dropped."""
    if not header:
        return []
    ranked = []
    for position, item in enumerate(header.split(",")):
        parts = item.strip().split(";")
        tag = parts[0].strip().lower()
        if not tag:
            continue
        quality = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(language_map: dict, preferences: list[str]) -> dict:
    """One entry of a language map, the most relevant to the preferences (xAPI-Communication 2.1.3.s4)."""
    if not isinstance(language_map, dict) or len(language_map) <= 1:
        return language_map
    lowered = {key.lower(): key for key in language_map}
    for preference in preferences:
        if preference == "*":
            break
        if preference in lowered:
            key = lowered[preference]
            return {key: language_map[key]}
        for candidate_lower, key in lowered.items():
            if candidate_lower.startswith(preference + "-") or preference.startswith(candidate_lower + "-"):
                return {key: language_map[key]}
    for fallback in ("en-us", "en"):
        if fallback in lowered:
            key = lowered[fallback]
            return {key: language_map[key]}
    first = next(iter(language_map))
    return {first: language_map[first]}


def _filter_definition(definition: dict, preferences: list[str]) -> dict:
    definition = dict(definition)
    for key in _LANGUAGE_MAP_KEYS_IN_DEFINITION:
        if key in definition:
            definition[key] = choose_language(definition[key], preferences)
    for list_name in _COMPONENT_LISTS:
        if list_name in definition:
            definition[list_name] = [
                {**component, "description": choose_language(component["description"], preferences)}
                if "description" in component else component
                for component in definition[list_name]
            ]
    return definition


DefinitionLookup = Callable[[str], "dict | None"]


def _canonical_activity(activity: dict, lookup: DefinitionLookup, preferences: list[str]) -> dict:
    activity = dict(activity)
    definition = lookup(activity["id"]) or activity.get("definition")
    if definition:
        activity["definition"] = _filter_definition(definition, preferences)
    return activity


def _canonical_object(obj: dict, lookup: DefinitionLookup, preferences: list[str]) -> dict:
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _canonical_activity(obj, lookup, preferences)
    if object_type == "SubStatement":
        return _canonical_statement(obj, lookup, preferences)
    return obj


def _canonical_statement(statement: dict, lookup: DefinitionLookup, preferences: list[str]) -> dict:
    statement = dict(statement)
    verb = dict(statement["verb"])
    if "display" in verb:
        verb["display"] = choose_language(verb["display"], preferences)
    statement["verb"] = verb
    statement["object"] = _canonical_object(statement["object"], lookup, preferences)
    context = statement.get("context")
    if context and "contextActivities" in context:
        statement["context"] = {**context, "contextActivities": {
            key: [_canonical_activity(activity, lookup, preferences) for activity in activities]
            for key, activities in context["contextActivities"].items()
        }}
    return statement


def to_canonical(statement: dict, lookup: DefinitionLookup, preferences: list[str]) -> dict:
    """Activities with the LRS's canonical definitions and one language per language map."""
    return _canonical_statement(statement, lookup, preferences)
