"""The statements of a request body: JSON, each property at most once (xAPI-Communication 1.5.1,
xAPI-Data 2.2.s2.b2). Shared by the Flask view and the plain POST route (post_route.py)."""
from __future__ import annotations

import orjson

from lrs.xapi.duplicate_keys import reject_duplicate_keys
from lrs.xapi.errors import BadRequest


def statements_from_json(raw: bytes, *, part: bool = False):
    """The parsed body; malformed JSON is a 400 naming the position. `part`: the JSON is the first part of a
    multipart/mixed request (xAPI-Communication 1.5.2)."""
    try:
        statements = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if part:
            raise BadRequest(f"the statements part is not valid JSON: {error}", path="[part 0]",
                             section="xAPI-Communication 1.5.2.s2.b2.b1") from None
        raise BadRequest(f"the body is not valid JSON: {error}", path="",
                         section="xAPI-Communication 1.5.1") from None
    reject_duplicate_keys(raw, statements)
    return statements
