"""Database engines: one for reads and one for writes.

SQLite gets two engines on one file: writers take the write lock up front (BEGIN IMMEDIATE) and wait
for it in short steps of their own, readers never wait (WAL). On PostgreSQL reads run in autocommit, so a
single SELECT costs one round trip rather than BEGIN, SELECT and ROLLBACK.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from lrs.storage.dialect import translated_errors
from lrs.storage.errors import StorageBusy

# A pooled connection unused for longer than this is pinged before use (after a database restart every
# pooled connection is dead); a busy pool skips the ping, and a dead connection found in use is a 503
# that also invalidates the rest of the pool.
_PING_AFTER_IDLE_SECONDS = 2.0
# SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms ... between attempts, which leaves a
# worker idle long after the lock is free; writers poll the lock in these steps instead.
_LOCK_POLL_FIRST_SECONDS = 0.0002
_LOCK_POLL_MAX_SECONDS = 0.002


@dataclass(frozen=True)
class Engines:
    read: Engine
    write: Engine
    lock_wait_seconds: float = 10.0  # SQLite: how long a writer waits for the write lock

    @property
    def dialect(self) -> str:
        return self.write.dialect.name

    def rows(self, sql: str, parameters=()) -> list[tuple]:
        """The rows of one read statement written with `?` placeholders (see `driver`). On PostgreSQL each
        `?` becomes `%s`, so the SQL must hold no other `?` or `%` (no JSONB `?` operator, no LIKE '%')."""
        with translated_errors(), self.driver() as connection:
            return rows_of_each(connection, self.dialect == "postgresql", [(sql, parameters)])[0]

    @contextmanager
    def driver(self):
        """A pooled driver connection (psycopg or sqlite3) in autocommit, for the per-request look-ups
        and single-statement writes: no SQLAlchemy statement, connection or result objects, which cost
        several times the query itself. Wrap it in `translated_errors()`."""
        pool = self.read.pool
        try:
            fairy = self.read.raw_connection()
        except psycopg.Error as error:  # the pool hands out the driver's own error when connecting fails
            raise StorageBusy(f"cannot connect to the database: {error}") from error
        try:
            yield fairy.driver_connection
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            if fairy.driver_connection.closed or error.sqlstate is None or \
                    error.sqlstate.startswith(("08", "57P")):
                # The database went away or is shutting down: this connection, and the others pooled
                # with it, are stale. Replace the pool once, not again for each request that finds out.
                fairy.invalidate()
                if self.read.pool is pool:
                    self.read.dispose(close=False)
                raise StorageBusy(f"the database connection was lost: {error}") from error
            raise
        finally:
            fairy.close()

    @contextmanager
    def immediate(self):
        """SQLite: a pooled driver connection of the write engine inside BEGIN IMMEDIATE, committed when the
        block ends and rolled back when it raises: a short write without SQLAlchemy's transaction objects
        (a SCORM commit's one UPDATE). Wrap it in `translated_errors()`."""
        fairy = self.write.raw_connection()
        try:
            connection = fairy.driver_connection
            if not _begin_immediate(connection, self.lock_wait_seconds):
                connection.execute("BEGIN IMMEDIATE")  # the last attempt: "database is locked" when it fails
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:  # SQLite may have rolled back itself (I/O error, disk full)
                    connection.execute("ROLLBACK")
                raise
        finally:
            fairy.close()

    def dispose(self) -> None:
        self.read.dispose()
        if self.write is not self.read:
            self.write.dispose()


def rows_of_each(connection, postgresql: bool, queries: list[tuple[str, tuple]]) -> list[list[tuple]]:
    """The rows of each (SQL with `?` placeholders, parameters) on a driver connection (`Engines.driver`);
    on PostgreSQL several statements go out as one pipeline, so a batch of them costs one round trip."""
    if not postgresql:
        return [connection.execute(sql, parameters).fetchall() for sql, parameters in queries]
    if len(queries) == 1:
        with connection.cursor() as cursor:
            cursor.execute(queries[0][0].replace("?", "%s"), queries[0][1])
            return [cursor.fetchall()]
    with connection.pipeline():
        cursors = [connection.execute(sql.replace("?", "%s"), parameters) for sql, parameters in queries]
        return [cursor.fetchall() for cursor in cursors]


def _begin_immediate(dbapi_connection: sqlite3.Connection, wait_seconds: float) -> bool:
    """Takes SQLite's write lock, polling in short steps; False when `wait_seconds` ran out."""
    deadline = time.monotonic() + wait_seconds
    pause = _LOCK_POLL_FIRST_SECONDS
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return True
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
        if time.monotonic() + pause > deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 1.5, _LOCK_POLL_MAX_SECONDS)


def _sqlite_engine(url: str, *, immediate: bool, wait_seconds: float) -> Engine:
    engine = create_engine(url, connect_args={"timeout": wait_seconds, "check_same_thread": False})
    # Writers wait for the lock in _begin_immediate; inside a write transaction WAL mode never asks
    # them to wait again.
    busy_ms = 0 if immediate else int(wait_seconds * 1000)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if not immediate:
            connection.exec_driver_sql("BEGIN")
        elif not _begin_immediate(connection.connection.driver_connection, wait_seconds):
            # One last attempt through SQLAlchemy, so running out of time raises its OperationalError
            # ("database is locked"), which the storage layer turns into StorageBusy (503).
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _ping_idle_connections(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < _PING_AFTER_IDLE_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:  # the pool discards this connection and opens another
            raise DisconnectionError(str(error)) from error


def create_engines(database_url: str, *, pool_size: int = 5, wait_seconds: float = 10.0) -> Engines:
    """`wait_seconds` bounds every wait on the database (a pooled connection, a lock, connecting), so an
    overloaded or unreachable database turns into an error the API answers with 503, not a hang."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return Engines(read=_sqlite_engine(database_url, immediate=False, wait_seconds=wait_seconds),
                       write=_sqlite_engine(database_url, immediate=True, wait_seconds=wait_seconds),
                       lock_wait_seconds=wait_seconds)
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    lock_ms = int(wait_seconds * 1000)
    options = dict(pool_size=pool_size, max_overflow=pool_size, pool_timeout=wait_seconds,
                   connect_args={"connect_timeout": max(1, int(wait_seconds)),
                                 "options": f"-c lock_timeout={lock_ms}"})
    write = create_engine(url, **options)
    # Autocommit connections never hold a transaction, so returning one to the pool needs no ROLLBACK.
    read = create_engine(url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None, **options)
    _ping_idle_connections(write)
    _ping_idle_connections(read)
    return Engines(read=read, write=write)
