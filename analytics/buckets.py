"""Time buckets in a time zone: quarter-hour slots of `stored` (UTC) summed into the zone's hours, days,
ISO weeks (from Monday) or months. A bucket is named by its start, written with the zone's offset at
that moment, so the two 01:00 hours of a night that turns the clocks back stay apart."""
from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from lrs.xapi.errors import BadRequest

SECTION = "docs/analytics.md: aggregations"
BUCKETS = ("hour", "day", "week", "month")
MAX_BUCKETS = 10_000


def parse_zone(name: str | None) -> zoneinfo.ZoneInfo | timezone:
    if name is None or name == "UTC":
        return timezone.utc
    if name not in _zone_names():
        raise BadRequest(f"unknown time zone '{name[:60]}': an IANA name such as Europe/Paris", path="tz",
                         section=SECTION)
    return zoneinfo.ZoneInfo(name)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def zone_names() -> list[str]:
    """The time zones `tz` takes: the IANA names this machine's zone database holds."""
    return sorted(_zone_names())


def bucket_start(moment_ms: int, bucket: str, zone) -> datetime:
    """The start of the bucket holding this instant, in `zone`."""
    instant = datetime.fromtimestamp(moment_ms / 1000, tz=timezone.utc)
    local = instant.astimezone(zone)
    if bucket == "hour":
        # Truncated in UTC, then shown in the zone: wall-clock arithmetic would drop the fold of a
        # repeated hour and name the second 02:00 with the first one's offset.
        return (instant - timedelta(minutes=local.minute, seconds=local.second,
                                    microseconds=local.microsecond)).astimezone(zone)
    if bucket == "day":
        day = local.date()
    elif bucket == "week":
        day = local.date() - timedelta(days=local.weekday())
    elif bucket == "month":
        day = local.date().replace(day=1)
    else:
        raise ValueError(bucket)
    return _local_midnight(day, zone)


def _local_midnight(day, zone) -> datetime:
    """The first instant of a local date (where a zone skips midnight, the day starts later)."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    as_utc = midnight.astimezone(timezone.utc)
    back = as_utc.astimezone(zone)
    if back.replace(tzinfo=None) != midnight.replace(tzinfo=None):  # a nonexistent midnight (a gap)
        return back
    return midnight


def next_bucket(start: datetime, bucket: str, zone) -> datetime:
    """The start of the bucket after the one starting at `start`."""
    if bucket == "hour":
        following = (start.astimezone(timezone.utc) + timedelta(hours=1)).astimezone(zone)
        return bucket_start(int(following.timestamp() * 1000), "hour", zone)
    day = start.date()
    if bucket == "day":
        day += timedelta(days=1)
    elif bucket == "week":
        day += timedelta(days=7)
    else:
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _local_midnight(day, zone)


def label(start: datetime) -> str:
    return start.isoformat()


def bucket_range(first_ms: int, last_ms: int, bucket: str, zone) -> list[datetime]:
    """Every bucket from the one holding first_ms to the one holding last_ms; 400 past MAX_BUCKETS."""
    starts = [bucket_start(first_ms, bucket, zone)]
    last = bucket_start(last_ms, bucket, zone)
    while starts[-1] < last:
        starts.append(next_bucket(starts[-1], bucket, zone))
        if len(starts) > MAX_BUCKETS:
            raise BadRequest(f"more than {MAX_BUCKETS} {bucket} buckets: narrow since/until or take a longer "
                             "bucket", path="bucket", section=SECTION)
    return starts
