"""Aggregation rollups (docs/adr/008-aggregation-rollups.md): statement counts per quarter-hour slot of
`stored`, per activity term a statement matches (roles ACTIVITY and RELATED_ACTIVITY, the rows it inherits
through a StatementRef included, as the activity filter matches) and per its own verb; voided statements
are not counted. They answer "how many, by verb and by time" for one activity without reading the
statements (lrs/storage/aggregations.py).

How the counts stay right without any work on the common statement write:
- A new statement is stored at the server's clock, in the live slot. Slots are counted only once they end
  LIVE_MS before now (and, on PostgreSQL, before the oldest transaction still running began), so every
  ordinary write into a slot has committed before the slot is counted.
- The writes that change a slot that may already be counted mark it dirty in their own transaction
  (`mark_seqs`, `mark_statements`, `mark_stored`): voiding (the target's slot), a StatementRef's inherited
  rows (the referrer's), erasure (every affected statement's), and statements stored with an old time (an
  import). Queries count dirty slots at read time; the next `advance` counts them again.
- A count is read without the write lock and written in a short transaction that removes only the dirty
  marks it saw before reading (each mark has a version, raised by every mark): a mark made meanwhile stays.
- One `advance` at a time per database (a lock file on SQLite, an advisory lock on PostgreSQL): two
  counters could otherwise write an older count over a newer one.
"""
from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import text

from lrs.storage.dialect import placeholders, translated_errors
from lrs.storage.engines import Engines
from lrs.xapi.filter_terms import Role

# Every UTC offset in use is a whole number of quarter hours, so quarter-hour slots bucket exactly into
# hours, days, weeks and months of any time zone.
SLOT_MS = 15 * 60 * 1000
# A slot is counted once it ended this long ago: far longer than any statement transaction lasts.
LIVE_MS = 10 * 60 * 1000
# A write of statements stored longer ago than this (an import) marks their slot: half of LIVE_MS, so a
# write that found its slot live commits long before the slot can be counted.
OLD_STORED_MS = LIVE_MS // 2
COUNTED_ROLES = (Role.ACTIVITY, Role.RELATED_ACTIVITY)
# Dirty slots in a question's range beyond which the whole question is answered at read time.
MAX_DIRTY_IN_QUESTION = 48
_SLOTS_PER_STEP = 96  # a day of slots counted per read and write
_ADVISORY_LOCK = 7_008_001

_MARK_SEQS = (
    "INSERT INTO aggregation_dirty (store_id, slot, version) "
    f"SELECT DISTINCT store_id, stored_ms / {SLOT_MS}, 1 FROM statements WHERE seq IN ({{marks}}) "
    "ON CONFLICT (store_id, slot) DO UPDATE SET version = aggregation_dirty.version + 1")
_MARK_STATEMENTS = (
    "INSERT INTO aggregation_dirty (store_id, slot, version) "
    f"SELECT DISTINCT store_id, stored_ms / {SLOT_MS}, 1 FROM statements "
    "WHERE store_id = :store AND statement_id IN ({marks}) "
    "ON CONFLICT (store_id, slot) DO UPDATE SET version = aggregation_dirty.version + 1")
_MARK_SLOT = (
    "INSERT INTO aggregation_dirty (store_id, slot, version) VALUES (:store, :slot, 1) "
    "ON CONFLICT (store_id, slot) DO UPDATE SET version = aggregation_dirty.version + 1")
# A statement's own index row, not one it inherits through a StatementRef (its verb, say): `{row}` is the alias.
OWN_ROW = ("NOT EXISTS (SELECT 1 FROM inherited_index h WHERE h.store_id = {row}.store_id AND h.seq = {row}.seq "
           "AND h.term_id = {row}.term_id AND h.role = {row}.role)")
_COUNT = (
    f"SELECT s.stored_ms / {SLOT_MS}, i.term_id, i.role, v.term_id, count(*) FROM statements s "
    f"JOIN statement_index i ON i.seq = s.seq AND (i.role = {int(Role.ACTIVITY)} OR i.role = {int(Role.RELATED_ACTIVITY)}) "
    f"JOIN statement_index v ON v.seq = s.seq AND v.role = {int(Role.VERB)} AND {OWN_ROW.format(row='v')} "
    "WHERE s.store_id = ? AND s.stored_ms >= ? AND s.stored_ms < ? AND s.voided = ? "
    f"GROUP BY s.stored_ms / {SLOT_MS}, i.term_id, i.role, v.term_id")


@dataclass(frozen=True)
class Coverage:
    """What the rollup holds for a store: slots below `watermark` are counted, except `dirty`."""
    watermark: int | None
    dirty: frozenset


@dataclass(frozen=True)
class AdvanceStep:
    store_id: int
    recounted: int   # dirty slots counted again
    advanced: int    # closed slots counted for the first time (the watermark's move)
    counted_to: int  # the watermark after the step
    horizon: int     # slots below it are closed
    rows: int


def _named(count: int) -> str:
    """":p0, :p1, ..." for an IN list of `count` values (SQLAlchemy text() syntax)."""
    return ", ".join(f":p{number}" for number in range(count))


def mark_seqs(connection, seqs) -> None:
    """In the caller's write transaction: the slots of these statements (by seq) change."""
    seqs = sorted(set(seqs))
    for start in range(0, len(seqs), 500):
        chunk = seqs[start:start + 500]
        connection.execute(text(_MARK_SEQS.format(marks=_named(len(chunk)))),
                           {f"p{number}": seq for number, seq in enumerate(chunk)})


def mark_statements(connection, store_id: int, statement_ids) -> None:
    """In the caller's write transaction: the slots of these statements (by id) change."""
    ids = sorted(set(statement_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        connection.execute(text(_MARK_STATEMENTS.format(marks=_named(len(chunk)))),
                           {"store": store_id, **{f"p{number}": value for number, value in enumerate(chunk)}})


def mark_stored(connection, store_id: int, stored_ms: int, now_ms: int) -> None:
    """In the caller's write transaction: statements stored at `stored_ms` are written now. Their slot is
    marked when it may already be counted (an import's old times); a live slot is left alone."""
    if stored_ms < now_ms - OLD_STORED_MS:
        connection.execute(text(_MARK_SLOT), {"store": store_id, "slot": stored_ms // SLOT_MS})


def full_slots(since_ms: int | None, until_ms: int | None) -> tuple[int | None, int | None]:
    """The slots wholly inside stored_ms in (since, until]: [first, end), None for an open side."""
    first = None if since_ms is None else (since_ms + SLOT_MS) // SLOT_MS  # the first slot starting after since
    end = None if until_ms is None else (until_ms + 1) // SLOT_MS
    return first, end


class RollupStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    # --- reading ---------------------------------------------------------------------------------

    def coverage(self, store_id: int, first: int | None, end: int | None) -> Coverage:
        """The store's watermark and its dirty slots in [first, end)."""
        rows = self._engines.rows("SELECT slot FROM aggregation_watermarks WHERE store_id = ?", (store_id,))
        if not rows:
            return Coverage(None, frozenset())
        sql, parameters = "SELECT slot FROM aggregation_dirty WHERE store_id = ?", [store_id]
        if first is not None:
            sql += " AND slot >= ?"
            parameters.append(first)
        if end is not None:
            sql += " AND slot < ?"
            parameters.append(end)
        return Coverage(int(rows[0][0]), frozenset(int(row[0]) for row in self._engines.rows(sql, parameters)))

    def counts(self, store_id: int, term: str, role: Role, first: int | None, end: int, *,
               skip: frozenset, by_slot: bool, by_verb: bool) -> list[tuple]:
        """Counted statements of slots in [first, end) but `skip`, matching (term, role): rows of (slot if
        `by_slot`, verb term value if `by_verb`, count), as AggregationStorage.counts gives them."""
        keys = (["c.slot"] if by_slot else []) + (["c.verb_term_id"] if by_verb else [])
        names = [f"k{number}" for number in range(len(keys))]
        selected = "".join(f"{key} AS {name}, " for key, name in zip(keys, names))
        sql = (f"SELECT {selected}sum(c.n) AS n FROM aggregation_counts c "
               "WHERE c.store_id = ? AND c.term_id = (SELECT id FROM terms WHERE value = ?) AND c.role = ? "
               "AND c.slot < ?")
        parameters: list = [store_id, term, int(role), end]
        if first is not None:
            sql += " AND c.slot >= ?"
            parameters.append(first)
        if skip:
            sql += f" AND c.slot NOT IN ({placeholders(len(skip))})"
            parameters += sorted(skip)
        if keys:
            sql += f" GROUP BY {', '.join(keys)}"
        if by_verb:  # the verb's IRI as the read-time rows give it
            outer = ", ".join("t.value" if name == names[-1] else f"g.{name}" for name in names)
            sql = f"SELECT {outer}, g.n FROM ({sql}) g JOIN terms t ON t.id = g.{names[-1]}"
        rows = self._engines.rows(sql, parameters)
        return [tuple(row) for row in rows if row[-1] is not None]

    # --- counting --------------------------------------------------------------------------------

    def stores(self) -> list[int]:
        """Every store, the furthest behind first (never counted, then the lowest watermark)."""
        return [int(row[0]) for row in self._engines.rows(
            "SELECT s.id FROM stores s LEFT JOIN aggregation_watermarks w ON w.store_id = s.id "
            "ORDER BY COALESCE(w.slot, -1), s.id")]

    def horizon(self, now_ms: int) -> int:
        """Slots below it are closed: they ended LIVE_MS ago, and on PostgreSQL before the oldest running
        transaction of this database began (a write of theirs could still be on its way)."""
        closed_ms = now_ms - LIVE_MS
        if self._engines.dialect == "postgresql":
            oldest = self._engines.rows(
                "SELECT (extract(epoch FROM min(xact_start)) * 1000)::bigint FROM pg_stat_activity "
                "WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'")[0][0]  # autovacuum writes no statement
            if oldest is not None:
                closed_ms = min(closed_ms, int(oldest) - LIVE_MS)
        return closed_ms // SLOT_MS

    @contextmanager
    def exclusive(self) -> Iterator[bool]:
        """True while this process is the database's only counter; False when another one is at it."""
        if self._engines.dialect == "postgresql":
            with translated_errors(), self._engines.write.connect() as connection:
                got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_LOCK}).scalar()
                connection.commit()
                try:
                    yield bool(got)
                finally:
                    if got:
                        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK})
                        connection.commit()
            return
        database = self._engines.write.url.database or ""
        path = (database if database and database != ":memory:" else os.path.join(os.getcwd(), "lrs")) + ".rollup.lock"
        with open(path, "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def advance(self, store_id: int, now_ms: int, *, max_slots: int = _SLOTS_PER_STEP) -> AdvanceStep:
        """One step for a store (hold `exclusive` around it): its dirty counted slots counted again, then up
        to `max_slots` closed slots past the watermark. Call again while `counted_to` < `horizon` or
        `recounted` was not 0."""
        horizon = self.horizon(now_ms)
        rows = self._engines.rows("SELECT slot FROM aggregation_watermarks WHERE store_id = ?", (store_id,))
        if rows:
            watermark = int(rows[0][0])
        else:  # never counted: from the store's first statement
            first = self._engines.rows("SELECT min(stored_ms) FROM statements WHERE store_id = ?", (store_id,))[0][0]
            watermark = horizon if first is None else min(int(first) // SLOT_MS, horizon)
        dirty = {int(slot): int(version) for slot, version in self._engines.rows(
            "SELECT slot, version FROM aggregation_dirty WHERE store_id = ? AND slot < ? ORDER BY slot LIMIT ?",
            (store_id, min(watermark, horizon), max_slots))}
        written = 0
        if dirty:
            counted = self._count(store_id, sorted(dirty))
            written += self._write(store_id, sorted(dirty), counted, dirty, None, now_ms)
        target = max(watermark, min(horizon, watermark + max_slots))
        if target > watermark or not rows:
            seen = {int(slot): int(version) for slot, version in self._engines.rows(
                "SELECT slot, version FROM aggregation_dirty WHERE store_id = ? AND slot >= ? AND slot < ?",
                (store_id, watermark, target))}
            counted = self._count_range(store_id, watermark, target)
            written += self._write(store_id, list(range(watermark, target)), counted, seen, target, now_ms)
        return AdvanceStep(store_id, len(dirty), target - watermark, target, horizon, written)

    def _count(self, store_id: int, slots: list[int]) -> list[tuple]:
        found = []
        for slot in slots:
            found += self._count_range(store_id, slot, slot + 1)
        return found

    def _count_range(self, store_id: int, first: int, end: int) -> list[tuple]:
        return self._engines.rows(_COUNT, (store_id, first * SLOT_MS, end * SLOT_MS, False))

    def _write(self, store_id: int, slots: list[int], counted: list[tuple], seen: dict[int, int],
               watermark: int | None, now_ms: int) -> int:
        """The counts of `slots` replaced, the dirty marks seen before counting removed (a mark made since
        has a higher version and stays), and the watermark moved: one short transaction."""
        with translated_errors(), self._engines.write.begin() as connection:
            if slots and len(slots) == slots[-1] - slots[0] + 1:  # a run of slots
                connection.execute(text("DELETE FROM aggregation_counts WHERE store_id = :store AND slot >= :first "
                                        "AND slot < :end"), {"store": store_id, "first": slots[0], "end": slots[-1] + 1})
            elif slots:
                connection.execute(text("DELETE FROM aggregation_counts WHERE store_id = :store "
                                        f"AND slot IN ({_named(len(slots))})"),
                                   {"store": store_id, **{f"p{number}": slot for number, slot in enumerate(slots)}})
            if counted:
                connection.execute(text("INSERT INTO aggregation_counts (store_id, slot, term_id, role, verb_term_id, n) "
                                        "VALUES (:store, :slot, :term, :role, :verb, :n)"),
                                   [{"store": store_id, "slot": slot, "term": term, "role": role, "verb": verb, "n": n}
                                    for slot, term, role, verb, n in counted])
            if seen:
                connection.execute(text("DELETE FROM aggregation_dirty WHERE store_id = :store AND slot = :slot "
                                        "AND version = :version"),
                                   [{"store": store_id, "slot": slot, "version": version}
                                    for slot, version in seen.items()])
            if watermark is not None:
                connection.execute(text(
                    "INSERT INTO aggregation_watermarks (store_id, slot, updated_ms) VALUES (:store, :slot, :now) "
                    "ON CONFLICT (store_id) DO UPDATE SET slot = excluded.slot, updated_ms = excluded.updated_ms "
                    "WHERE aggregation_watermarks.slot < excluded.slot"),
                    {"store": store_id, "slot": watermark, "now": now_ms})
        return len(counted)
