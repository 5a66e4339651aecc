"""The few statements whose SQL differs between SQLite and PostgreSQL."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import psycopg

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from lrs.storage.errors import ConcurrentInsert, StorageBusy, TransientStorageError

_TRANSIENT_SQLSTATES = {"40P01", "40001"}  # deadlock, serialization failure: retry at once
_BUSY_SQLSTATES = {"55P03", "57014", "53300"}  # lock timeout, statement timeout, too many connections
_UNIQUE_VIOLATION = "23505"
# The database cannot serve now (connection failures, insufficient resources, shutting down): 503, as
# lrs/app.py answers the same errors when SQLAlchemy raises them.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")


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
        if sqlstate in _BUSY_SQLSTATES or "database is locked" in message:
            raise StorageBusy(str(error.orig)) from error
        if sqlstate in _TRANSIENT_SQLSTATES or "deadlock" in message:
            raise TransientStorageError(str(error.orig)) from error
        raise
    except sqlite3.IntegrityError as error:  # raised by driver_rows and bulk_insert on SQLite
        raise ConcurrentInsert(str(error)) from error
    except sqlite3.OperationalError as error:
        message = str(error)
        if "locked" in message or "busy" in message or "unable to open" in message:
            raise StorageBusy(message) from error
        raise
    except psycopg.Error as error:  # raised where the storage layer talks to the driver directly
        if error.sqlstate == _UNIQUE_VIOLATION:
            raise ConcurrentInsert(str(error)) from error
        if error.sqlstate in _BUSY_SQLSTATES or (error.sqlstate or "").startswith(_UNAVAILABLE_SQLSTATE_PREFIXES):
            raise StorageBusy(str(error)) from error
        if error.sqlstate in _TRANSIENT_SQLSTATES:
            raise TransientStorageError(str(error)) from error
        raise


def driver_rows(connection, sql: str, parameters=()) -> list[tuple]:
    """The rows of one SQL statement written with `?` placeholders, run on the connection's driver.

    For the per-request hot path, where building and compiling a SQLAlchemy statement costs more than
    the query: on SQLite the statement goes to sqlite3 directly (errors are translated by
    `translated_errors`); on PostgreSQL through exec_driver_sql, which keeps SQLAlchemy's handling of
    lost connections. Each `?` becomes `%s` there, so the SQL must hold no other `?` or `%`."""
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql(sql.replace("?", "%s"), tuple(parameters)).all()
    with translated_errors():
        return connection.connection.driver_connection.execute(sql, tuple(parameters)).fetchall()


def placeholders(count: int) -> str:
    """"?, ?, ?" for an IN list of `count` values (driver_rows syntax)."""
    return ", ".join("?" * count)


def bulk_insert(connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """executemany straight through the driver: the statement hot path skips SQLAlchemy's per-row
    parameter processing, which costs more than the database work for small rows."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        # COPY runs in the same transaction, on the connection SQLAlchemy holds.
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders(len(columns))})"
    connection.connection.driver_connection.executemany(sql, rows)


def allocate_statement_seqs(connection, count: int) -> list[int]:
    """`count` new statement sequence numbers, in increasing order."""
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('statements', 'seq')) FROM generate_series(1, %s)",
            (count,)).scalars().all()
        return sorted(rows)
    # SQLite: the write transaction began with BEGIN IMMEDIATE, so no other writer can take these.
    highest = driver_rows(connection, "SELECT COALESCE(MAX(seq), 0) FROM statements")[0][0]
    return list(range(highest + 1, highest + 1 + count))
