"""The one JSON encoder for responses, and the error body."""
from __future__ import annotations

import orjson
from flask import Response

from lrs.xapi.errors import XapiError


def json_response(value, status: int = 200, headers: dict | None = None) -> Response:
    return Response(orjson.dumps(value), status=status, headers=headers, mimetype="application/json")


def json_text_response(text: str, status: int = 200, headers: dict | None = None) -> Response:
    """For JSON already serialised (stored statements are returned as the text they were stored as)."""
    return Response(text, status=status, headers=headers, content_type="application/json")


# HTTP Basic is how xAPI clients authenticate (xAPI-Communication 4.0.s2.b2); the challenge says so.
XAPI_CHALLENGE = 'Basic realm="xAPI LRS"'
# Not "Basic": a browser that prompted for admin credentials would remember and replay them to any page
# on this origin; admin clients send Authorization: Basic without being asked (RFC 7235 s4.1).
ADMIN_CHALLENGE = 'LRS-Admin realm="LRS admin API: send HTTP Basic credentials"'


def error_response(error: XapiError, *, challenge: str = XAPI_CHALLENGE) -> Response:
    """The xAPI error body; a 401 carries `challenge` as its WWW-Authenticate (RFC 7235 s3.1)."""
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = challenge
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return json_response(error.to_dict(), status=error.status, headers=headers)
