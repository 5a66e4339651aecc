"""Whether two statements are the same statement (xAPI-Data 2.3.1 Statement Comparison Requirements)."""
from __future__ import annotations

from datetime import datetime, timezone

from lrs.xapi.agents import ifi_key

# Properties the LRS may assign or that are not part of the immutable statement (xAPI-Data 2.3.1).
_LRS_ASSIGNED = ("id", "stored", "authority", "version")


def _instant(timestamp: str):
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    except (ValueError, AttributeError, OverflowError):
        return timestamp


_DIGITS = "0123456789"


def comparable_duration(duration):
    """A duration with its seconds cut to hundredths: finer precision is not compared
    (xAPI-Data 4.6.s1.b5; a "shall" in 2.0, change log s25).

    String methods, not a regular expression: a search for the seconds from every position of a long
    digit run is quadratic, and any writer chooses the duration."""
    if not isinstance(duration, str) or not duration.endswith("S"):
        return duration
    head = duration[:-1].rstrip(_DIGITS + ".,")
    whole, separator, fraction = duration[len(head):-1].replace(",", ".").partition(".")
    if not whole or whole.strip(_DIGITS) or fraction.strip(_DIGITS) or (separator and not fraction):
        return duration
    return f"{head}{whole}.{fraction[:2].ljust(2, '0')}S"


def _comparable_result(result):
    if not isinstance(result, dict) or "duration" not in result:
        return result
    return {**result, "duration": comparable_duration(result["duration"])}


def _comparable_agent(agent):
    if not isinstance(agent, dict):
        return agent
    comparable = dict(agent)
    if isinstance(agent.get("member"), list):
        # Group members are an unordered list (xAPI-Data 2.3.1.b5).
        comparable["member"] = sorted((_comparable_agent(m) for m in agent["member"]),
                                      key=lambda m: (str(ifi_key(m)), repr(m)))
    if "mbox" in comparable and isinstance(comparable["mbox"], str):
        # The domain of an e-mail address is case-insensitive (xAPI-Data 2.3.1.b7).
        local, _, domain = comparable["mbox"].rpartition("@")
        comparable["mbox"] = f"{local}@{domain.lower()}" if local else comparable["mbox"]
    comparable.setdefault("objectType", "Agent")
    return comparable


def _comparable_activity(activity: dict) -> dict:
    # Activity definitions are not part of the statement (xAPI-Data 2.3.1.b2).
    return {"objectType": "Activity", "id": activity.get("id")}


def _comparable_context(context):
    if not isinstance(context, dict):
        return context
    comparable = dict(context)
    for key in ("instructor", "team"):
        if key in comparable:
            comparable[key] = _comparable_agent(comparable[key])
    activities = comparable.get("contextActivities")
    if isinstance(activities, dict):
        comparable["contextActivities"] = {
            key: [_comparable_activity(a) for a in (value if isinstance(value, list) else [value])]
            for key, value in activities.items()
        }
    if isinstance(comparable.get("registration"), str):
        comparable["registration"] = comparable["registration"].lower()
    return comparable


def _comparable_object(obj):
    if not isinstance(obj, dict):
        return obj
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        return _comparable_activity(obj)
    if object_type in ("Agent", "Group"):
        return _comparable_agent(obj)
    if object_type == "SubStatement":
        return _comparable_core(obj)
    return {"objectType": object_type, "id": str(obj.get("id", "")).lower()}


def _comparable_core(statement: dict) -> dict:
    comparable = {key: value for key, value in statement.items() if key not in _LRS_ASSIGNED}
    comparable["actor"] = _comparable_agent(statement.get("actor"))
    # A verb's display is not part of the statement (xAPI-Data 2.3.1.b3).
    verb = statement.get("verb")
    comparable["verb"] = verb.get("id") if isinstance(verb, dict) else verb
    comparable["object"] = _comparable_object(statement.get("object"))
    if "context" in comparable:
        comparable["context"] = _comparable_context(comparable["context"])
    if "timestamp" in comparable:
        comparable["timestamp"] = _instant(comparable["timestamp"])
    if "result" in comparable:
        comparable["result"] = _comparable_result(comparable["result"])
    return comparable


def statements_match(first: dict, second: dict) -> bool:
    """True when the differences between two statements are only those immutability allows."""
    first_core, second_core = _comparable_core(first), _comparable_core(second)
    if "timestamp" not in first or "timestamp" not in second:
        # A statement sent without timestamp gets one from the LRS (xAPI-Data 2.3.1.b1, 2.4.7.s3.b2).
        first_core.pop("timestamp", None)
        second_core.pop("timestamp", None)
    return first_core == second_core
