"""ISO 8601 timestamps as the LRS reads them in parameters and writes them in `stored`."""
from __future__ import annotations

import re
from functools import lru_cache
from datetime import datetime, timedelta, timezone

from lrs.xapi.errors import BadRequest

# xAPI-Data 4.5: ISO 8601 combined date and time; we require a full date and time, with a zone or without.
# [0-9], not \d: \d also matches the other scripts' digits, which ISO 8601 does not use.
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?"
)


def parse_timestamp_ms(text: str, *, parameter: str) -> int:
    """Milliseconds since the epoch (UTC) of an ISO 8601 timestamp; no zone means UTC."""
    if not isinstance(text, str) or not _ISO_DATETIME.fullmatch(text):
        raise BadRequest(f"'{parameter}' must be an ISO 8601 timestamp", path=parameter,
                         section="xAPI-Data 4.5")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    except (ValueError, OverflowError) as error:
        raise BadRequest(f"'{parameter}' is not a valid timestamp: {error}", path=parameter,
                         section="xAPI-Data 4.5") from None


def format_ms(milliseconds: int) -> str:
    """`stored` as the LRS writes it: UTC with millisecond precision."""
    seconds, fraction = divmod(milliseconds, 1000)
    return f"{_second_prefix(seconds)}{fraction:03d}Z"


@lru_cache(maxsize=8)
def _second_prefix(seconds: int) -> str:
    # strftime costs ~5 µs, and every statement request formats the current second twice (stored and
    # X-Experience-API-Consistent-Through).
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.")


def format_http_date(milliseconds: int) -> str:
    """RFC 7231 date for Last-Modified."""
    moment = datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc)
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


_ZONED = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"([+-])([0-9]{2}):?([0-9]{2})")


def in_utc(text: str) -> str:
    """The same instant written in UTC, keeping the fraction digits sent (at most 6); timestamps already
    in UTC or without a zone come back unchanged (xAPI-Data 4.5.s1.b5-b6; a "shall" in xAPI 2.0, change
    log s22)."""
    match = _ZONED.fullmatch(text) if isinstance(text, str) else None
    if match is None or (match[9] == "00" and match[10] == "00"):
        return text
    fraction = (match[7] or "")[:6]
    try:
        local = datetime(int(match[1]), int(match[2]), int(match[3]), int(match[4]), int(match[5]),
                         int(match[6]), int(fraction.ljust(6, "0")) if fraction else 0)
        offset = (int(match[9]) * 60 + int(match[10])) * (1 if match[8] == "+" else -1)
        moment = local - timedelta(minutes=offset)
    except (ValueError, OverflowError):  # validation turns both away first (xAPI-Data 4.5.s1.b6)
        return text
    # isoformat, not strftime: strftime's %Y writes year 1 as "1", not "0001".
    return moment.isoformat(timespec="seconds") + (f".{fraction}" if fraction else "") + "Z"
