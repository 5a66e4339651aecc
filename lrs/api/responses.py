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


def error_response(error: XapiError) -> Response:
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="xAPI LRS"'
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return json_response(error.to_dict(), status=error.status, headers=headers)
