"""What the LRS adds to a statement before storing it (xAPI-Data 2.3.1 exceptions to immutability)."""
from __future__ import annotations

import uuid

from lrs.xapi.timestamps import in_utc
from lrs.xapi.versions import statement_version_default


def normalise_context_activities(statement: dict) -> None:
    """A single Activity in contextActivities becomes an array of one (xAPI-Data 2.4.6.2)."""
    for holder in (statement, statement.get("object") if isinstance(statement.get("object"), dict) else None):
        if not holder:
            continue
        context = holder.get("context")
        if not isinstance(context, dict):
            continue
        activities = context.get("contextActivities")
        if isinstance(activities, dict):
            for key, value in activities.items():
                if isinstance(value, dict):
                    activities[key] = [value]


def prepare_for_storage(statement: dict, *, stored: str, authority: dict, request_version: str) -> dict:
    """Sets id, stored, authority and version as the LRS must (xAPI-Data 2.4.1, 2.4.8, 2.4.9, 2.4.10).

    Works on the caller's freshly parsed dict and returns it.
    """
    if "id" in statement:
        statement["id"] = statement["id"].lower()
    else:
        statement["id"] = str(uuid.uuid4())
    normalise_context_activities(statement)
    statement["stored"] = stored
    statement["authority"] = authority
    _timestamps_in_utc(statement)
    statement.setdefault("version", statement_version_default(request_version))
    return statement


def _timestamps_in_utc(statement: dict) -> None:
    """xAPI-Data 4.5.s1.b6: timestamps are returned in UTC (a "shall" in xAPI 2.0)."""
    if "timestamp" in statement:
        statement["timestamp"] = in_utc(statement["timestamp"])
    substatement = statement.get("object")
    if isinstance(substatement, dict) and substatement.get("objectType") == "SubStatement" \
            and "timestamp" in substatement:
        substatement["timestamp"] = in_utc(substatement["timestamp"])
