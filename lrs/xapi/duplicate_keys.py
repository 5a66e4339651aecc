"""A statement uses each property at most once (xAPI-Data 2.2.s2.b2), which a JSON parser that keeps the
last of two equal keys cannot tell.

The fast path compares colons: every key is followed by exactly one colon, numbers and literals have
none, and a string's colons are the same in the raw text and in orjson's re-serialisation unless the raw
text escaped them (so text with a \\u escape takes the slow path). A duplicate key makes the raw text
longer by its colon and its first value's colons, so equal counts mean no duplicate. Otherwise the text
is parsed again, slowly, keeping every pair."""
from __future__ import annotations

import json

from lrs.xapi.errors import BadRequest
from lrs.xapi.json_nesting import storable_json


class _Duplicate(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _strict_object(pairs):
    found = {}
    for key, value in pairs:
        if key in found:
            raise _Duplicate(key)
        found[key] = value
    return found


def reject_duplicate_keys(raw: bytes, parsed) -> None:
    # Also bounds the nesting first, so the slow path's recursive parser never meets deep JSON.
    written = storable_json(parsed, path="")
    if b"\\u" not in raw and raw.count(b":") == written.count(b":"):
        return
    try:
        json.loads(raw, object_pairs_hook=_strict_object)
    except _Duplicate as duplicate:
        raise BadRequest(f"the property '{duplicate.key}' appears twice in one object", path=duplicate.key,
                         section="xAPI-Data 2.2.s2.b2") from None
    except ValueError:
        return  # not JSON the standard library reads (it is what orjson accepted): nothing more to say
