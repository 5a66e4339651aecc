"""The OpenAPI description of the course and launch API: bodies, answers and examples (launch-api.md)."""
from __future__ import annotations

from lrs.api.openapi import IRI, MAILTO, SHA1
from lrs.xapi import validation_formats as formats

UUID_PATTERN = "^" + formats.schema_pattern(formats.UUID).strip("^$") + "$"
UUID = {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}
# An absolute http(s) URL of printable ASCII: a page navigates to it, so never javascript: or data:.
RETURN_URL_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://[a-zA-Z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?$"

EXAMPLE_COURSE_ID = "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11"
EXAMPLE_REGISTRATION_ID = "0b5c1d2e-3f40-4a51-8b62-7c83d94ea5f6"
EXAMPLE_SESSION_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321"
EXAMPLE_LEARNER = {"objectType": "Agent", "name": "Kim Lee",
                   "account": {"homePage": "https://lms.example.com", "name": "kim"}}

ERROR = {
    "type": "object", "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "bad_request, invalid_package, unauthorized, forbidden, "
                                                   "not_found, conflict, not_allowed, too_large, unsupported_media_type ..."},
        "message": {"type": "string", "description": "what is wrong, for a person"},
        "rule": {"type": "string", "description": "invalid_package: the requirement broken, e.g. "
                                                  "\"SCORM CAM 3.4.1.3\" or \"cmi5 14.1.0.0-2\""},
        "file": {"type": "string", "nullable": True, "description": "invalid_package: the package file at fault"},
    },
}
ERROR_STATUSES = {
    400: "Malformed (`bad_request`), or for an import an invalid package (`invalid_package` with `rule` and `file`)",
    401: "No credentials, or unknown, revoked or expired ones",
    403: "The credential lacks the scope `courses` (or `all`)",
    404: "Nothing of that id in this store (another store's ids answer 404 too)",
    409: "Conflicts with what is stored, or the standard's rules do not allow it now",
    413: "The package is too large (zip bombs included)",
    415: "A media type that is neither a zip nor XML",
    429: "Too many failed authentications from this client; see Retry-After",
    503: "The database is busy or unreachable; see Retry-After",
}
_ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": "The authentication challenge (RFC 7235 s3.1)", "required": True,
                               "schema": {"type": "string"}}},
    429: {"Retry-After": {"description": "Seconds to wait", "required": True, "schema": {"type": "integer"}}},
    503: {"Retry-After": {"description": "Seconds to wait", "required": True, "schema": {"type": "integer"}}},
}
_ERROR_EXAMPLES = {
    400: {"error": "invalid_package", "message": "the manifest names 'shared/launch.html', which the zip does not hold",
          "rule": "SCORM CAM 3.4.1.3", "file": "imsmanifest.xml"},
    404: {"error": "not_found", "message": f"no registration {EXAMPLE_REGISTRATION_ID}"},
    409: {"error": "not_allowed", "message": "the prerequisites of item 'posttest' are not met"},
}


def error_answer(status: int) -> dict:
    media = {"schema": {"$ref": "#/components/schemas/DeliveryError"}}
    if status in _ERROR_EXAMPLES:
        media["example"] = _ERROR_EXAMPLES[status]
    return {"application/json": media}


def error_headers(status: int) -> dict | None:
    return _ERROR_HEADERS.get(status)


def json_content(schema: dict, example=None) -> dict:
    media = {"schema": schema}
    if example is not None or "example" in schema:
        media["example"] = example if example is not None else schema["example"]
    return {"application/json": media}


def id_parameter(name: str, description: str) -> dict:
    return {"in": "path", "name": name, "required": True, "description": description + " (a UUID)", "schema": UUID}


LAUNCHABLE = {
    "type": "object", "required": ["id", "index", "title", "launchMethod"],
    "properties": {"id": {"type": "string", "description": "SCORM: the item identifier; cmi5: the AU id (an IRI)"},
                   "index": {"type": "integer", "minimum": 0, "description": "course-structure order, from 0"},
                   "title": {"type": "string"},
                   "launchMethod": {"type": "string", "enum": ["AnyWindow", "OwnWindow"], "nullable": True}},
}
_COURSE_PROPERTIES = {
    "id": UUID,
    "standard": {"type": "string", "enum": ["scorm12", "scorm2004", "cmi5"]},
    "edition": {"type": "string", "enum": ["2nd", "3rd", "4th"], "nullable": True},
    "title": {"type": "string"},
    "launchables": {"type": "array", "items": LAUNCHABLE},
}
_COURSE_EXAMPLE = {"id": EXAMPLE_COURSE_ID, "standard": "scorm2004", "edition": "3rd", "title": "Golf Explained",
                   "launchables": [{"id": "item_1", "index": 0, "title": "Playing the Game", "launchMethod": None},
                                   {"id": "item_2", "index": 1, "title": "Etiquette", "launchMethod": None}]}
COURSE = {"type": "object", "required": list(_COURSE_PROPERTIES), "properties": _COURSE_PROPERTIES,
          "example": _COURSE_EXAMPLE}
COURSE_WITH_STRUCTURE = {
    "type": "object", "required": [*_COURSE_PROPERTIES, "structure"],
    "properties": {**_COURSE_PROPERTIES, "structure": {
        "type": "object", "description": "SCORM: the default organisation and its items, with sequencing where the "
                                         "manifest has it; cmi5: the course, its blocks and AUs"}},
    "example": {**_COURSE_EXAMPLE, "structure": {"identifier": "golf_sample_default_org", "title": "Golf Explained",
                                                 "items": [{"identifier": "item_1", "title": "Playing the Game"}]}},
}
COURSE_LIST = {"type": "object", "required": ["courses"],
               "properties": {"courses": {"type": "array", "items": COURSE}},
               "example": {"courses": [_COURSE_EXAMPLE]}}
COURSE_UPLOAD = {
    "application/zip": {"schema": {"type": "string", "format": "binary",
                                   "description": "A SCORM or cmi5 package: imsmanifest.xml or cmi5.xml at its root"}},
    "application/xml": {"schema": {"type": "string", "format": "binary", "description": "A bare cmi5.xml"}},
    "text/xml": {"schema": {"type": "string", "format": "binary", "description": "A bare cmi5.xml"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                       "properties": {"file": {"type": "string", "format": "binary"}}}},
}

LEARNER = {
    "type": "object",
    "description": "An xAPI Agent with exactly one inverse functional identifier; learners are the same when it "
                   "is. A cmi5 course needs an `account`.",
    "properties": {"objectType": {"type": "string", "enum": ["Agent"]}, "name": {"type": "string"},
                   "mbox": MAILTO, "mbox_sha1sum": SHA1, "openid": IRI,
                   "account": {"type": "object", "required": ["homePage", "name"],
                               "properties": {"homePage": IRI, "name": {"type": "string"}}}},
    "oneOf": [{"required": ["mbox"]}, {"required": ["mbox_sha1sum"]}, {"required": ["openid"]},
              {"required": ["account"]}],
}
REGISTRATION_REQUEST = {
    "type": "object", "required": ["course", "learner"],
    "properties": {"course": UUID, "learner": LEARNER, "id": UUID},
    "example": {"course": EXAMPLE_COURSE_ID, "learner": EXAMPLE_LEARNER, "id": EXAMPLE_REGISTRATION_ID},
}
REGISTRATION = {
    "type": "object", "required": ["id", "course", "learner"],
    "properties": {"id": UUID, "course": UUID, "learner": {"type": "object"}},
    "example": {"id": EXAMPLE_REGISTRATION_ID, "course": EXAMPLE_COURSE_ID, "learner": EXAMPLE_LEARNER},
}
_COMPLETION = {"type": "string", "enum": ["completed", "incomplete", "not attempted", "unknown"]}
_SUCCESS = {"type": "string", "enum": ["passed", "failed", "unknown"]}
_SCORE = {"type": "number", "minimum": -1, "maximum": 1, "nullable": True, "description": "scaled"}
_TIMESTAMP = {"type": "string", "format": "date-time"}
PROGRESS = {
    "type": "object",
    "required": ["id", "course", "learner", "completion", "success", "score", "totalTime", "satisfied", "items",
                 "blocks", "sessions"],
    "properties": {
        "id": UUID, "course": UUID, "learner": {"type": "object"},
        "completion": _COMPLETION, "success": _SUCCESS, "score": _SCORE,
        "totalTime": {"type": "string", "description": "ISO 8601 duration, over every attempt and session"},
        "satisfied": {"type": "boolean"},
        "items": {"type": "array", "items": {
            "type": "object",
            "required": ["launchable", "index", "title", "completion", "success", "score", "satisfied", "waived",
                         "attempts", "lastLaunched"],
            "properties": {"launchable": {"type": "string"}, "index": {"type": "integer"}, "title": {"type": "string"},
                           "completion": _COMPLETION, "success": _SUCCESS, "score": _SCORE,
                           "satisfied": {"type": "boolean"}, "waived": {"type": "boolean"},
                           "attempts": {"type": "integer", "minimum": 0},
                           "lastLaunched": {**_TIMESTAMP, "nullable": True}}}},
        "blocks": {"type": "array", "items": {"type": "object", "required": ["id", "title", "satisfied"],
                                              "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                                             "satisfied": {"type": "boolean"}}}},
        "sessions": {"type": "array", "items": {
            "type": "object", "required": ["id", "launchable", "launchedAt", "state"],
            "properties": {"id": UUID, "launchable": {"type": "string"}, "launchedAt": _TIMESTAMP,
                           "state": {"type": "string", "enum": ["open", "ended", "abandoned"]}}}},
    },
    "example": {"id": EXAMPLE_REGISTRATION_ID, "course": EXAMPLE_COURSE_ID, "learner": EXAMPLE_LEARNER,
                "completion": "incomplete", "success": "unknown", "score": None, "totalTime": "PT0H12M30S",
                "satisfied": False,
                "items": [{"launchable": "item_1", "index": 0, "title": "Playing the Game", "completion": "incomplete",
                           "success": "unknown", "score": None, "satisfied": False, "waived": False, "attempts": 1,
                           "lastLaunched": "2026-11-30T09:15:00.000Z"}],
                "blocks": [],
                "sessions": [{"id": EXAMPLE_SESSION_ID, "launchable": "item_1", "launchedAt": "2026-11-30T09:15:00.000Z",
                              "state": "ended"}]},
}
_ITEM_CHOICE = {"launchable": {"type": "string", "minLength": 1, "description": "the launchable's id"},
                "index": {"type": "integer", "minimum": 0, "description": "the launchable's index"}}
_NOT_BOTH = {"not": {"required": ["launchable", "index"]}}
LAUNCH_REQUEST = {
    "type": "object", "properties": {
        **_ITEM_CHOICE,
        "launchMode": {"type": "string", "enum": ["Normal", "Browse", "Review"], "default": "Normal"},
        "returnUrl": {"type": "string", "maxLength": 2048, "pattern": RETURN_URL_PATTERN,
                      "description": "Where the player or AU sends the learner at the end (http or https)"}},
    **_NOT_BOTH,
    "description": "Neither `launchable` nor `index`: continue (the suspended or last item, or sequencing's choice)",
    "example": {"launchable": "item_1", "launchMode": "Normal", "returnUrl": "https://lms.example.com/courses/42"},
}
LAUNCH_RESPONSE = {
    "type": "object", "required": ["url", "session", "launchMethod"],
    "properties": {"url": {"type": "string", "format": "uri"}, "session": UUID,
                   "launchMethod": {"type": "string", "enum": ["AnyWindow", "OwnWindow"], "nullable": True}},
    "example": {"url": "https://lrs.example.com/scorm/player/9a8b7c6d-5e4f-4321-8fed-cba987654321?token=...",
                "session": EXAMPLE_SESSION_ID, "launchMethod": None},
}
WAIVE_REQUEST = {
    "type": "object", "required": ["reason"],
    "properties": {**_ITEM_CHOICE,
                   "reason": {"type": "string", "minLength": 1, "maxLength": 2048, "pattern": "^[^\\x00]*\\S[^\\x00]*$",
                              "description": "Tested Out, Equivalent AU, Equivalent Outside Activity, Administrative, "
                                             "or another text (cmi5 9.5.5.2)"}},
    "anyOf": [{"required": ["launchable"]}, {"required": ["index"]}],
    **_NOT_BOTH,
    "example": {"launchable": "https://example.com/au/1", "reason": "Tested Out"},
}
ABANDON_ANSWERS = "Abandoned: cmi5 writes `abandoned`; a SCORM session ends with its last commit and its token stops working"
