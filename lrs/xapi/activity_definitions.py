"""The canonical Activity definition the LRS keeps for each activity id (xAPI-Communication 2.5)."""
from __future__ import annotations

_LANGUAGE_MAPS = ("name", "description")


def merge_definition(current: dict | None, incoming: dict) -> dict:
    """The newer definition wins property by property; language maps keep languages it does not mention."""
    if not current:
        return dict(incoming)
    merged = dict(current)
    for key, value in incoming.items():
        if key in _LANGUAGE_MAPS and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        elif key == "extensions" and isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def activities_in(statement: dict) -> list[dict]:
    """Every Activity object in a statement: its Object, a SubStatement's, then its context activities."""
    found = []
    _add_activities(statement, found)
    return found


def _add_activities(statement_like: dict, found: list) -> None:
    obj = statement_like.get("object") or {}
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        found.append(obj)
    elif object_type == "SubStatement":
        _add_activities(obj, found)
    context = statement_like.get("context")
    if context:
        for activities in (context.get("contextActivities") or {}).values():
            if isinstance(activities, list):
                found.extend(activities)
            else:
                found.append(activities)


def definitions_in(statement: dict) -> list[tuple[str, dict]]:
    """(activity id, definition) for every Activity in a statement that carries a definition."""
    return [(activity["id"], definition) for activity in activities_in(statement)
            if (definition := activity.get("definition"))]
