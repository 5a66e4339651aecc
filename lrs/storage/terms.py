"""Interning of filter terms (IRIs, agent IFIs, registrations) into integer ids."""
from __future__ import annotations

import threading

from sqlalchemy import select

from lrs.storage.dialect import insert_ignoring_conflicts, translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import terms

_CHUNK = 500
_CACHE_LIMIT = 500_000


class TermDictionary:
    """Term value -> id. New terms are written in their own short transaction, in sorted order,
    so concurrent writers never wait on each other's statement transactions for them."""

    def __init__(self, engines: Engines):
        self._engines = engines
        self._cache: dict[str, int] = {}
        self._lock = threading.Lock()

    def _remember(self, found: dict[str, int]) -> None:
        with self._lock:
            if len(self._cache) + len(found) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache.update(found)

    def _select(self, connection, values: list[str]) -> dict[str, int]:
        found = {}
        for start in range(0, len(values), _CHUNK):
            chunk = values[start:start + _CHUNK]
            rows = connection.execute(select(terms.c.value, terms.c.id).where(terms.c.value.in_(chunk)))
            found.update({value: term_id for value, term_id in rows})
        return found

    def lookup(self, values) -> dict[str, int]:
        """Ids of the values already known; unknown values are absent from the result."""
        wanted = set(values)
        found = {value: self._cache[value] for value in wanted if value in self._cache}
        missing = sorted(wanted - found.keys())
        if missing:
            with self._engines.read.connect() as connection:
                fetched = self._select(connection, missing)
            self._remember(fetched)
            found.update(fetched)
        return found

    def intern(self, values) -> dict[str, int]:
        """Ids of all values, creating the missing ones (one write transaction for all cache misses)."""
        wanted = set(values)
        found = {value: self._cache[value] for value in wanted if value in self._cache}
        missing = sorted(wanted - found.keys())
        if missing:
            with translated_errors(), self._engines.write.begin() as connection:
                created = self._insert_missing(connection, missing)
            self._remember(created)
            found.update(created)
        return found

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
        connection.execute(insert_ignoring_conflicts(terms, "sqlite"), [{"value": value} for value in missing])
        return self._select(connection, missing)
