"""The few row operations every workflow store shares, written once for SQLite and PostgreSQL."""
from __future__ import annotations

import time

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def now_ms() -> int:
    return int(time.time() * 1000)


def insert_if_absent(connection, table: Table, values: dict) -> bool:
    """Inserts the row unless one with the same key (or unique columns) exists; True when it inserted.
    ON CONFLICT DO NOTHING, so two workers racing on one key never both insert and neither fails."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    # RETURNING, not rowcount: the LRS's PostgreSQL engines report no rowcount for this statement.
    key = next(iter(table.primary_key.columns))
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return connection.execute(statement).first() is not None


def upsert(connection, table: Table, values: dict, key: tuple[str, ...]) -> None:
    """Inserts the row or replaces its non-key columns."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    connection.execute(statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in values if name not in key}))
