"""How deeply JSON may nest: as deeply as the LRS can write it back out.

orjson reads up to 1,024 levels but writes at most 254, and the LRS stores and merges what it parsed
by writing it again. So JSON nested deeper is refused as the request's fault before anything is written."""
from __future__ import annotations

import orjson

from lrs.xapi.errors import BadRequest

MAX_DEPTH = 254


def storable_json(value, *, path: str) -> bytes:
    """The value written as JSON; a 400 when it nests deeper than MAX_DEPTH levels (a limit the LRS
    may choose, xAPI-Communication 3.2.s3.b12)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError as error:
        if "recursion" not in str(error).lower():
            raise
        raise BadRequest(f"the JSON is nested deeper than {MAX_DEPTH} levels, more than this LRS stores",
                         path=path, section="xAPI-Communication 3.2.s3.b12") from None
