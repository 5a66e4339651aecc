"""The statements the LMS writes (cmi5 9.3.1 launched, 9.3.6 abandoned, 9.3.7 waived, 9.3.9 satisfied),
as plain xAPI dicts. No I/O: the caller stores them (DeliveryRuntime.store_statements, or the LRS hook in
the AU statement's transaction)."""
from __future__ import annotations

import uuid

from lrs.xapi.timestamps import format_ms

from cmi5 import vocabulary as v

# cmi5 9.6.3.1: a statement's session id; 9.6.2.3: the publisher id grouping.


def actor_of(learner: dict) -> dict:
    """cmi5 9.2: an Agent with an account (delivery refuses any other learner for a cmi5 course)."""
    actor = {"objectType": "Agent", "account": dict(learner["account"])}
    if isinstance(learner.get("name"), str):
        actor["name"] = learner["name"]
    return actor


def _verb(verb_id: str) -> dict:
    return {"id": verb_id, "display": {"en-US": v.VERB_DISPLAY[verb_id]}}


def context(registration_id: str, session_id: str, publisher_id: str, *, move_on: bool = False,
            extensions: dict | None = None) -> dict:
    category = [{"id": v.CMI5_CATEGORY}]
    if move_on:
        category.append({"id": v.MOVE_ON_CATEGORY})  # cmi5 9.6.2.2: result with success or completion
    return {"registration": registration_id,
            "contextActivities": {"category": category, "grouping": [{"id": publisher_id}]},
            "extensions": {v.SESSION_ID_EXTENSION: session_id, **(extensions or {})}}


def context_template(session_id: str, publisher_id: str) -> dict:
    """cmi5 10.2.1: the session id extension and the publisher id grouping activity."""
    return {"contextActivities": {"grouping": [{"id": publisher_id}]},
            "extensions": {v.SESSION_ID_EXTENSION: session_id}}


def _statement(actor: dict, verb_id: str, activity: dict, ctx: dict, at_ms: int, result: dict | None = None) -> dict:
    statement = {"id": str(uuid.uuid4()), "actor": actor, "verb": _verb(verb_id),
                 "object": {"objectType": "Activity", **activity}, "context": ctx, "timestamp": format_ms(at_ms)}
    if result is not None:
        statement["result"] = result
    return statement


def launched(actor: dict, registration_id: str, session_id: str, activity_id: str, publisher_id: str, *,
             launch_mode: str, launch_url: str, move_on: str, mastery_score: float | None,
             launch_parameters: str | None, at_ms: int) -> dict:
    """cmi5 9.3.1 with the context extensions 9.6.3.2-9.6.3.7."""
    extensions = {v.LAUNCH_MODE_EXTENSION: launch_mode, v.LAUNCH_URL_EXTENSION: launch_url,
                  v.MOVE_ON_EXTENSION: move_on}
    if launch_parameters is not None:
        extensions[v.LAUNCH_PARAMETERS_EXTENSION] = launch_parameters
    if mastery_score is not None:
        extensions[v.MASTERY_SCORE_EXTENSION] = mastery_score
    return _statement(actor, v.LAUNCHED, {"id": activity_id},
                      context(registration_id, session_id, publisher_id, extensions=extensions), at_ms)


def abandoned(actor: dict, registration_id: str, session_id: str, activity_id: str, publisher_id: str, *,
              duration: str, at_ms: int) -> dict:
    """cmi5 9.3.6 with the 9.5.4.2 duration."""
    return _statement(actor, v.ABANDONED, {"id": activity_id},
                      context(registration_id, session_id, publisher_id), at_ms, {"duration": duration})


def waived(actor: dict, registration_id: str, session_id: str, activity_id: str, publisher_id: str, *,
           reason: str, at_ms: int) -> dict:
    """cmi5 9.3.7: success and completion true (9.5.2, 9.5.3), the reason extension (9.5.5.2), and so the
    moveOn category (9.6.2.2)."""
    result = {"success": True, "completion": True, "extensions": {v.REASON_EXTENSION: reason}}
    return _statement(actor, v.WAIVED, {"id": activity_id},
                      context(registration_id, session_id, publisher_id, move_on=True), at_ms, result)


def satisfied(actor: dict, registration_id: str, session_id: str, object_id: str, publisher_id: str, *,
              block: bool, title: str | None, at_ms: int) -> dict:
    """cmi5 9.3.9 / 9.4: the object is the LMS-generated block or course IRI, typed; the publisher id in
    grouping (9.6.2.3)."""
    definition: dict = {"type": v.BLOCK_TYPE if block else v.COURSE_TYPE}
    if title:
        definition["name"] = {"und": title}
    return _statement(actor, v.SATISFIED, {"id": object_id, "definition": definition},
                      context(registration_id, session_id, publisher_id), at_ms)
