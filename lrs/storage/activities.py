"""Canonical Activity definitions per store."""
from __future__ import annotations

import orjson
from sqlalchemy import select

from lrs.storage.dialect import translated_errors, upsert
from lrs.storage.engines import Engines
from lrs.storage.tables import activity_definitions

_CHUNK = 500


class ActivityDefinitionStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def get_many(self, store_id: int, activity_ids) -> dict[str, dict]:
        wanted = sorted(set(activity_ids))
        found = {}
        with self._engines.read.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                rows = connection.execute(select(
                    activity_definitions.c.activity_id, activity_definitions.c.definition).where(
                    activity_definitions.c.store_id == store_id,
                    activity_definitions.c.activity_id.in_(wanted[start:start + _CHUNK])))
                found.update({activity_id: orjson.loads(text) for activity_id, text in rows})
        return found

    def put_many(self, store_id: int, definitions: dict[str, dict], *, updated_ms: int) -> None:
        """Writes definitions in sorted id order, in a transaction of their own (no lock-order cycles)."""
        if not definitions:
            return
        statement = upsert(activity_definitions, self._engines.dialect, ["store_id", "activity_id"],
                           ["definition", "updated_ms"])
        rows = [{"store_id": store_id, "activity_id": activity_id,
                 "definition": orjson.dumps(definition).decode(), "updated_ms": updated_ms}
                for activity_id, definition in sorted(definitions.items())]
        with translated_errors(), self._engines.write.begin() as connection:
            connection.execute(statement, rows)
