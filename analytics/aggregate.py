"""Counts from the spine's grouped rows, bucketed in a time zone: no Flask, no SQL."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from analytics.buckets import BUCKETS, MAX_BUCKETS, bucket_range, bucket_start, label, parse_zone
from lrs.services.aggregations import GROUPS
from lrs.xapi.errors import BadRequest

SECTION = "docs/analytics.md: aggregations"
MEASURES = ("statements", "learners")


@dataclass(frozen=True)
class Grouping:
    term: str | None      # verb, activity, actor, registration
    bucket: str | None    # hour, day, week, month
    measure: str
    zone_name: str

    @property
    def zone(self):
        return parse_zone(self.zone_name)


def parse_grouping(group_by: str | None, measure: str | None, zone_name: str | None, *,
                   require_bucket: bool = False) -> Grouping:
    names = [name.strip() for name in (group_by or "").split(",") if name.strip()]
    term = [name for name in names if name in GROUPS]
    bucket = [name for name in names if name in BUCKETS]
    unknown = [name for name in names if name not in GROUPS and name not in BUCKETS]
    parameter = "bucket" if require_bucket else "group_by"
    if unknown:
        raise BadRequest(f"cannot group by '{unknown[0][:60]}': one of {', '.join((*GROUPS, *BUCKETS))}",
                         path=parameter, section=SECTION)
    if len(term) > 1 or len(bucket) > 1:
        raise BadRequest("group by at most one of verb, activity, actor, registration and one time bucket",
                         path=parameter, section=SECTION)
    if require_bucket and not bucket:
        raise BadRequest(f"'bucket' is required: one of {', '.join(BUCKETS)}", path="bucket", section=SECTION)
    measure = measure or "statements"
    if measure not in MEASURES:
        raise BadRequest("'measure' is statements or learners", path="measure", section=SECTION)
    zone_name = zone_name or "UTC"
    parse_zone(zone_name)
    return Grouping(term[0] if term else None, bucket[0] if bucket else None, measure, zone_name)


def grouped_counts(rows: list[tuple], grouping: Grouping) -> list[dict]:
    """Rows from AggregationService.counts as [{bucket: start, term: value, count: n}], buckets in order,
    then largest count first."""
    zone = grouping.zone if grouping.bucket else None
    learners_by_slot = grouping.bucket is not None and grouping.measure == "learners"
    totals: dict[tuple, int] = defaultdict(int)
    seen: dict[tuple, set] = defaultdict(set)
    values: dict[tuple, object] = {}
    labels: dict[int, str] = {}
    instants: dict[int, int] = {}  # slot start -> its bucket's instant: rows repeat a slot once per term
    for row in rows:
        row = list(row)
        key = []
        if grouping.bucket:
            moment = row.pop(0)
            instant = instants.get(moment)
            if instant is None:
                # Keyed by the instant: same-zone datetimes compare equal across a repeated hour's fold.
                start = bucket_start(moment, grouping.bucket, zone)
                instant = instants[moment] = int(start.timestamp())
                labels[instant] = label(start)
            key.append(instant)
        if grouping.term:
            value = row.pop(0)
            value_key = _hashable(value)
            values[value_key] = value
            key.append(value_key)
        if learners_by_slot:
            seen[tuple(key)].add(row[0])
        else:
            totals[tuple(key)] += row[0]
    if learners_by_slot:
        totals = {key: len(learners) for key, learners in seen.items()}
    groups = []
    for key, count in totals.items():
        group, position = {}, 0
        if grouping.bucket:
            group[grouping.bucket] = labels[key[0]]
            position = 1
        if grouping.term:
            group[grouping.term] = values[key[position]]
        group["count"] = count
        groups.append((key[0] if grouping.bucket else 0, -count, str(key[position]) if grouping.term else "", group))
    groups.sort(key=lambda entry: entry[:3])
    return [group for *_, group in groups]


def time_series(rows: list[tuple], grouping: Grouping, first_ms: int | None, last_ms: int | None) -> list[dict]:
    """Every bucket from first_ms to last_ms with its count, zero where nothing was stored."""
    counted = {group[grouping.bucket]: group["count"] for group in grouped_counts(rows, grouping)}
    # Labels carry the offset, so equal labels are equal instants.
    if first_ms is None or last_ms is None or first_ms > last_ms:
        return []
    zone = grouping.zone
    return [{"start": label(start), "count": counted.get(label(start), 0)}
            for start in bucket_range(first_ms, last_ms, grouping.bucket, zone)]


def series_range(since_ms: int | None, until_ms: int | None, matched: tuple[int, int] | None,
                 grouping: Grouping) -> tuple[int | None, int | None]:
    """The instants a time series runs between: since (exclusive) to until, each defaulting to the first and
    last matching statement; when that is more buckets than a series holds, the matching statements' own
    range (the buckets outside it are all zero)."""
    first = since_ms + 1 if since_ms is not None else (matched[0] if matched else None)
    last = until_ms if until_ms is not None else (matched[1] if matched else None)
    if first is None or last is None or first > last:
        return first, last
    if matched is not None and bucket_count_exceeds(first, last, grouping):
        return max(first, matched[0]), min(last, matched[1])
    if matched is None and bucket_count_exceeds(first, last, grouping):
        return None, None
    return first, last


def bucket_count_exceeds(first_ms: int, last_ms: int, grouping: Grouping) -> bool:
    """Whether first..last spans more than MAX_BUCKETS buckets (cheaply: by the bucket's shortest length)."""
    shortest_ms = {"hour": 3_600_000, "day": 82_800_000, "week": 7 * 86_400_000 - 3_600_000,
                   "month": 28 * 86_400_000 - 3_600_000}[grouping.bucket]
    return (last_ms - first_ms) // shortest_ms + 2 > MAX_BUCKETS


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(inner)) for key, inner in value.items()))
    return value


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 6)
