"""A statement uses each property at most once (xAPI-Data 2.2.s2.b2), which a JSON parser that keeps the
last of two equal keys cannot tell. The fast path counts key tokens in the raw text against the keys
parsed; only when they differ (a duplicate, or `":` inside a string) is the text parsed again, slowly,
keeping every pair."""
from __future__ import annotations

import json
import re

from lrs.xapi.errors import BadRequest

_KEY_TOKEN = re.compile(rb'"\s*:')


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


def _count_keys(value) -> int:
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            count += len(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return count


def reject_duplicate_keys(raw: bytes, parsed) -> None:
    if len(_KEY_TOKEN.findall(raw)) == _count_keys(parsed):
        return
    try:
        json.loads(raw, object_pairs_hook=_strict_object)
    except _Duplicate as duplicate:
        raise BadRequest(f"the property '{duplicate.key}' appears twice in one object", path=duplicate.key,
                         section="xAPI-Data 2.2.s2.b2") from None
    except ValueError:
        return  # not JSON the standard library reads (it is what orjson accepted): nothing more to say
