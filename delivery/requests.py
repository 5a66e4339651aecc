"""The request bodies of the course and launch API, checked (launch-api.md): what is malformed is a 400
`bad_request` here, before any service runs. No Flask."""
from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from delivery.errors import BadRequest
from delivery.standard import LAUNCH_MODES
from lrs.xapi.errors import BadRequest as XapiBadRequest
from lrs.xapi.statement_query import parse_agent_parameter

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MAX_TEXT = 2048
# The reasons cmi5 9.5.5.2 names; another non-empty text is allowed (it SHOULD be one of these).
WAIVE_REASONS = ("Tested Out", "Equivalent AU", "Equivalent Outside Activity", "Administrative")


def uuid_text(value, what: str) -> str:
    """A UUID in its canonical lower-case form; 400 otherwise."""
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise BadRequest(f"{what} must be a UUID (8-4-4-4-12 hexadecimal digits)")
    return value.lower()


def json_object(body: bytes | None) -> dict:
    """The JSON object a request sent; an absent body is {}."""
    if not body:
        return {}
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def learner_agent(value) -> dict:
    """An xAPI Agent with exactly one inverse functional identifier (xAPI-Data 2.4.2.3)."""
    if not isinstance(value, dict):
        raise BadRequest("'learner' must be an xAPI Agent (a JSON object)")
    if value.get("objectType", "Agent") != "Agent":
        raise BadRequest("'learner' must be an Agent (objectType Agent or absent)")
    if "name" in value and not isinstance(value["name"], str):
        raise BadRequest("'learner.name' must be a string")
    try:
        parse_agent_parameter(orjson.dumps(value).decode(), "learner")
    except XapiBadRequest as error:
        raise BadRequest(error.message) from None
    return value


@dataclass(frozen=True)
class RegistrationRequest:
    course_id: str
    learner: dict
    registration_id: str | None


def registration_request(body: dict) -> RegistrationRequest:
    if "course" not in body:
        raise BadRequest("'course' (a course id) is required")
    if "learner" not in body:
        raise BadRequest("'learner' (an xAPI Agent) is required")
    registration_id = body.get("id")
    return RegistrationRequest(course_id=uuid_text(body["course"], "'course'"), learner=learner_agent(body["learner"]),
                               registration_id=None if registration_id is None else uuid_text(registration_id, "'id'"))


@dataclass(frozen=True)
class ItemChoice:
    """`{"launchable": ID}` or `{"index": N}`, or neither (None, None)."""
    launchable_id: str | None
    index: int | None


def item_choice(body: dict) -> ItemChoice:
    if "launchable" in body and "index" in body:
        raise BadRequest("give 'launchable' or 'index', not both")
    launchable = body.get("launchable")
    if launchable is not None and (not isinstance(launchable, str) or not launchable):
        raise BadRequest("'launchable' must be a launchable id (a non-empty string)")
    index = body.get("index")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int) or index < 0):
        raise BadRequest("'index' must be an integer from 0")
    return ItemChoice(launchable, index)


@dataclass(frozen=True)
class LaunchBody:
    choice: ItemChoice
    launch_mode: str
    return_url: str | None


def launch_body(body: dict) -> LaunchBody:
    choice = item_choice(body)
    mode = body.get("launchMode", "Normal")
    if mode not in LAUNCH_MODES:
        raise BadRequest(f"'launchMode' must be one of {', '.join(LAUNCH_MODES)}")
    return_url = body.get("returnUrl")
    if return_url is not None:
        return_url = absolute_http_url(return_url, "'returnUrl'")
    return LaunchBody(choice, mode, return_url)


# An absolute http(s) URL of printable ASCII (delivery/api/documentation.py states the same pattern).
_RETURN_URL = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://[a-zA-Z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?\Z")


def absolute_http_url(value, what: str) -> str:
    """An absolute http(s) URL: a page navigates to it, so no javascript: or data: URL."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT or not _RETURN_URL.match(value):
        raise BadRequest(f"{what} must be an absolute http or https URL (printable ASCII, at most {_MAX_TEXT} characters)")
    return value


@dataclass(frozen=True)
class WaiveBody:
    choice: ItemChoice
    reason: str


def waive_body(body: dict) -> WaiveBody:
    choice = item_choice(body)
    if choice.launchable_id is None and choice.index is None:
        raise BadRequest("name the AU to waive with 'launchable' or 'index'")
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        # cmi5 9.5.5.2: a waiver has a reason.
        raise BadRequest("'reason' must be a non-empty text, e.g. one of " + ", ".join(WAIVE_REASONS))
    if len(reason) > _MAX_TEXT or "\x00" in reason:
        raise BadRequest(f"'reason' must be at most {_MAX_TEXT} characters, without U+0000")
    return WaiveBody(choice, reason)
