"""The few statements whose SQL differs between SQLite and PostgreSQL."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from lrs.storage.errors import ConcurrentInsert, TransientStorageError

_TRANSIENT_SQLSTATES = {"40P01", "40001", "55P03"}


def insert_ignoring_conflicts(table: Table, dialect_name: str):
    """INSERT ... ON CONFLICT DO NOTHING for the dialect in use."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing()


def upsert(table: Table, dialect_name: str, key_columns: list[str], update_columns: list[str]):
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table)
    return statement.on_conflict_do_update(
        index_elements=key_columns,
        set_={name: statement.excluded[name] for name in update_columns},
    )


@contextmanager
def translated_errors():
    """Turns driver errors that a retry can fix into the storage layer's own errors."""
    try:
        yield
    except IntegrityError as error:
        raise ConcurrentInsert(str(error.orig)) from error
    except (OperationalError, DBAPIError) as error:
        sqlstate = getattr(error.orig, "sqlstate", None)
        message = str(error.orig).lower()
        if sqlstate in _TRANSIENT_SQLSTATES or "database is locked" in message or "deadlock" in message:
            raise TransientStorageError(str(error.orig)) from error
        raise
