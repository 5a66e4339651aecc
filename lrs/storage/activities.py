"""Canonical Activity definitions per store.

Both run on the statement write path (a batch that brings a new or changed definition reads them, then
writes them in the statement transaction, lrs/storage/statements.py), so they are driver SQL like the
other hot-path statements (docs/adr/003): compiling the SQLAlchemy select and upsert and processing their
parameters cost more than the queries."""
from __future__ import annotations

import orjson

from lrs.storage.dialect import placeholders
from lrs.storage.engines import Engines

_CHUNK = 500
_UPSERT = ("INSERT INTO activity_definitions (store_id, activity_id, definition, updated_ms) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (store_id, activity_id) DO UPDATE SET definition = excluded.definition, "
           "updated_ms = excluded.updated_ms")
_UPSERT_ARRAYS_POSTGRESQL = (
    "INSERT INTO activity_definitions (store_id, activity_id, definition, updated_ms) "
    "SELECT %s, i.activity_id, i.definition, %s FROM unnest(%b::text[], %b::text[]) AS i(activity_id, definition) "
    "ON CONFLICT (store_id, activity_id) DO UPDATE SET definition = excluded.definition, "
    "updated_ms = excluded.updated_ms")


class ActivityDefinitionStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def get_many(self, store_id: int, activity_ids) -> dict[str, dict]:
        wanted = sorted(set(activity_ids))
        if not wanted:
            return {}
        if self._engines.dialect == "postgresql":
            # One array joined to the key: a unique-index probe per id whatever the statistics say.
            rows = self._engines.rows(
                "SELECT t.activity_id, t.definition FROM unnest(?::text[]) AS wanted(id) "
                "JOIN activity_definitions t ON t.store_id = ? AND t.activity_id = wanted.id", (wanted, store_id))
        else:
            rows = []
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                rows.extend(self._engines.rows(
                    "SELECT activity_id, definition FROM activity_definitions "
                    f"WHERE store_id = ? AND activity_id IN ({placeholders(len(chunk))})", (store_id, *chunk)))
        return {activity_id: orjson.loads(text) for activity_id, text in rows}


def definition_columns(definitions: dict[str, dict]) -> tuple[list[str], list[str]]:
    """(activity ids, definition JSON texts) in sorted id order: every writer upserts the rows in the
    same order, so two writers never wait on each other's rows in a cycle."""
    ordered = sorted(definitions.items())
    return [activity_id for activity_id, _ in ordered], [orjson.dumps(d).decode() for _, d in ordered]


def put_definitions_in(connection, store_id: int, definitions: dict[str, dict], *, updated_ms: int) -> None:
    """Upserts definitions in the caller's write transaction (the statement write's, on the hot path)."""
    if not definitions:
        return
    activity_ids, texts = definition_columns(definitions)
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        # One statement for the batch: the ids and texts as two arrays.
        driver.execute(_UPSERT_ARRAYS_POSTGRESQL, (store_id, updated_ms, activity_ids, texts))
    else:
        driver.executemany(_UPSERT, [(store_id, activity_id, text, updated_ms)
                                     for activity_id, text in zip(activity_ids, texts)])
