"""Interning of filter terms (IRIs, agent IFIs, registrations) into integer ids, and purging the unused.

Ids are never reused: PostgreSQL takes them from a sequence; SQLite gives a new row the largest rowid
plus one, so a purge never deletes the term with the largest id (sqlite.org/autoinc.html): it overwrites
that row's value with a placeholder instead, so the erased value is gone and the id stays taken. Each process
caches value -> id for its writes, under the term generation it read first. A purge step deletes
terms under an exclusive lock and bumps the generation in the same transaction; every statement write
checks the generation in its own transaction after the shared side of that lock (statements.py), so an
id a purge deleted is never written again: the writer forgets its cache and interns anew. Reads never
use the cache: they find term ids by value in the query itself.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select

from lrs.storage.dialect import placeholders, translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import terms

_CHUNK = 500
_CACHE_LIMIT = 500_000
_PURGE_CHUNK = 1000
# pg_advisory_xact_lock(int, int) keys: statement writers hold the shared side, a purge step the
# exclusive one. Two-int keys never collide with the bigint statement-id keys (statements.py).
PURGE_LOCK = (0x4C5253, 1)  # "LRS", 1
GENERATION_SQL = "SELECT generation FROM term_generation WHERE id = 1"
# New terms in one autocommit statement. It commits without waiting for the WAL flush (set_config local
# to its own transaction, run once as an InitPlan before any row is inserted): the statement transaction
# that uses these ids commits synchronously later, and WAL order makes that flush include this one.
# Arrays in binary (%b), as on the rest of the write path.
_CREATE_POSTGRESQL = ("INSERT INTO terms (value) SELECT value FROM unnest(%b::text[]) AS wanted(value) "
                      "WHERE (SELECT set_config('synchronous_commit', 'off', true)) IS NOT NULL "
                      "ON CONFLICT DO NOTHING RETURNING value, id")
# No term kind starts with "-" (lrs/xapi/filter_terms.py); the id keeps each placeholder unique.
PLACEHOLDER_PREFIX = "-purged-"


class StaleTerms(Exception):
    """A term purge ran after this process cached the term ids it was about to write."""


@dataclass(frozen=True)
class InternedTerms:
    ids: dict[str, int]
    generation: int


@dataclass(frozen=True)
class PurgeProgress:
    examined: int
    unused: int
    deleted: int


class TermDictionary:
    """Term value -> id. New terms are written in their own short transaction, in sorted order,
    so concurrent writers never wait on each other's statement transactions for them."""

    def __init__(self, engines: Engines):
        self._engines = engines
        self._cache: dict[str, int] = {}
        self._generation: int | None = None
        self._lock = threading.Lock()

    def _remember(self, found: dict[str, int], generation: int) -> None:
        with self._lock:
            if generation != self._generation:  # a purge was noticed meanwhile: these may be stale
                return
            if len(self._cache) + len(found) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache.update(found)

    def forget(self) -> None:
        """Drops every cached id; the next intern reads the generation again first."""
        with self._lock:
            self._cache.clear()
            self._generation = None

    def _current_generation(self) -> int:
        with self._lock:
            if self._generation is not None:
                return self._generation
        # Read before any id is loaded, so every id loaded later is valid under it or newer.
        with translated_errors(), self._engines.driver() as connection:
            generation = connection.execute(GENERATION_SQL).fetchone()[0]
        with self._lock:
            if self._generation is None:
                self._generation = generation
            return self._generation

    @staticmethod
    def _select(connection, values: list[str]) -> dict[str, int]:
        found = {}
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            rows = connection.execute(select(terms.c.value, terms.c.id).where(terms.c.value.in_(chunk)))
            found.update({value: term_id for value, term_id in rows})
        return found

    def intern(self, values) -> InternedTerms:
        """Ids of all values, creating the missing ones (one write transaction for all cache misses), and
        the generation the writer must find unchanged in its statement transaction."""
        cached, missing = self.cached(values)
        if not missing:
            return cached
        if self._engines.dialect == "postgresql":
            created = self._create_postgresql(missing)
        else:
            with translated_errors(), self._engines.write.begin() as connection:
                created = self._insert_missing(connection, missing)
        self.remember(created, cached.generation)
        return InternedTerms({**cached.ids, **created}, cached.generation)

    def cached(self, values) -> tuple[InternedTerms, list[str]]:
        """The ids this process knows under the current generation, and the values it does not know
        (sorted). SQLite writers create those in their statement transaction (`create_in`), since its
        write transactions run one at a time: a transaction of their own would only add a commit."""
        generation = self._current_generation()
        wanted = set(values)
        cache = self._cache
        found = {value: cache[value] for value in wanted if value in cache}
        return InternedTerms(found, generation), sorted(wanted - found.keys())

    def create_in(self, connection, missing: list[str]) -> dict[str, int]:
        """Ids of `missing`, created where absent, in the caller's write transaction; the caller
        remembers them once that transaction has committed (`remember`), never before."""
        return self._insert_missing(connection, missing) if missing else {}

    def remember(self, created: dict[str, int], generation: int) -> None:
        if created:
            self._remember(created, generation)

    def _create_postgresql(self, missing: list[str]) -> dict[str, int]:
        """The ids of `missing`, created where absent by one self-committing statement on a pooled
        autocommit connection: one round trip where BEGIN, SET LOCAL, INSERT and COMMIT took four."""
        with translated_errors(), self._engines.driver() as connection:
            created = dict(connection.execute(_CREATE_POSTGRESQL, (missing,)).fetchall())
            others = [value for value in missing if value not in created]
            if others:  # created by another writer: a new statement, so a new snapshot, sees them
                created.update(connection.execute("SELECT value, id FROM terms WHERE value = ANY(%b::text[])",
                                                  (others,)).fetchall())
        return created

    def _insert_missing(self, connection, missing: list[str]) -> dict[str, int]:
        if connection.dialect.name == "postgresql":
            # Safe without waiting for the flush: the statement transaction that uses these ids commits
            # synchronously later, and WAL order makes that flush include this one.
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            # One statement for the whole batch; RETURNING yields the rows it created.
            created = dict(connection.exec_driver_sql(
                "INSERT INTO terms (value) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING "
                "RETURNING value, id", (missing,)).all())
            others = [value for value in missing if value not in created]
            if others:
                created.update(self._select(connection, others))
            return created
        # Driver SQL: SQLAlchemy's per-row parameter processing cost more than the inserts.
        driver = connection.connection.driver_connection
        driver.executemany("INSERT OR IGNORE INTO terms (value) VALUES (?)", [(value,) for value in missing])
        found = {}
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start:start + _CHUNK]
            found.update(driver.execute(f"SELECT value, id FROM terms WHERE value IN ({placeholders(len(chunk))})",
                                        chunk).fetchall())
        return found


def check_generation(connection, generation: int) -> None:
    """Raises StaleTerms when a purge deleted terms since `generation`; run after the writer's locks
    (statements.lock_statement_ids), in the statement write's transaction."""
    # On the driver: a SQLAlchemy statement execution cost more than this one-row read.
    if connection.connection.driver_connection.execute(GENERATION_SQL).fetchone()[0] != generation:
        raise StaleTerms()


class TermPurge:
    """Deletes terms no statement_index row uses (inherited rows are statement_index rows too; documents,
    definitions and attachments keep their own text and use no term ids). Safe while servers run."""

    def __init__(self, engines: Engines):
        self._engines = engines

    def run(self, *, dry_run: bool, progress: Callable[[PurgeProgress], None] = lambda _: None) -> PurgeProgress:
        """Walks the dictionary in id order, in chunks: finds unused terms on a read connection, then for
        each chunk with any, one short write transaction that takes the exclusive purge lock (waiting
        for the statement writes in flight), checks again that they are unused, deletes them and bumps
        the generation. A dry run only counts."""
        examined = unused_total = deleted_total = 0
        last_id = 0
        while True:
            with translated_errors(), self._engines.read.connect() as connection:
                store_ids = connection.exec_driver_sql("SELECT id FROM stores").scalars().all()
                ids = connection.execute(select(terms.c.id).where(terms.c.id > last_id)
                                         .order_by(terms.c.id).limit(_PURGE_CHUNK)).scalars().all()
                highest = connection.exec_driver_sql("SELECT max(id) FROM terms").scalar()
                unused = self._unused(connection, store_ids, ids, keep=highest)
            if not ids:
                break
            last_id = ids[-1]
            examined += len(ids)
            unused_total += len(unused)
            if unused and not dry_run:
                deleted_total += self._delete(unused)
            progress(PurgeProgress(examined, unused_total, deleted_total))
        return PurgeProgress(examined, unused_total, deleted_total)

    def _delete(self, candidates: list[int]) -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s, %s)", PURGE_LOCK)
            # A new statement after the lock: it sees every write that held the shared side.
            store_ids = connection.exec_driver_sql("SELECT id FROM stores").scalars().all()
            highest = connection.exec_driver_sql("SELECT max(id) FROM terms").scalar()
            unused = self._unused(connection, store_ids, candidates, keep=highest)
            if not unused:
                return 0
            deleted = [term_id for term_id in unused if term_id != highest or connection.dialect.name == "postgresql"]
            if deleted:
                connection.exec_driver_sql(
                    f"DELETE FROM terms WHERE id IN ({', '.join(str(int(term_id)) for term_id in deleted)})")
            if len(deleted) < len(unused):  # SQLite's largest id: keep the row, drop its value
                connection.execute(terms.update().where(terms.c.id == highest)
                                   .values(value=f"{PLACEHOLDER_PREFIX}{int(highest)}"))
            connection.exec_driver_sql("UPDATE term_generation SET generation = generation + 1 WHERE id = 1")
            return len(unused)

    @staticmethod
    def _unused(connection, store_ids: list[int], ids: list[int], *, keep: int | None) -> list[int]:
        """The ids among `ids` that no statement_index row uses; `keep` (SQLite's largest rowid) only
        while it still holds a real value."""
        if not ids:
            return []
        candidates = list(ids)
        if keep in candidates and connection.dialect.name != "postgresql":
            value = connection.execute(select(terms.c.value).where(terms.c.id == keep)).scalar()
            if value is None or value.startswith(PLACEHOLDER_PREFIX):
                candidates.remove(keep)
        if not store_ids:
            return candidates
        stores = ", ".join(str(int(store_id)) for store_id in store_ids)
        used = set()
        for start in range(0, len(candidates), _CHUNK):
            chunk = candidates[start:start + _CHUNK]
            # (store_id, term_id) is the index's prefix: one probe per store and term.
            sql = (f"SELECT t.id FROM terms t WHERE t.id IN ({placeholders(len(chunk))}) AND EXISTS "
                   f"(SELECT 1 FROM statement_index i WHERE i.store_id IN ({stores}) AND i.term_id = t.id)")
            if connection.dialect.name == "postgresql":
                sql = sql.replace("?", "%s")
            used.update(connection.exec_driver_sql(sql, tuple(chunk)).scalars().all())
        return [term_id for term_id in candidates if term_id not in used]
