"""Database engines: one for reads and one for writes (the same one on PostgreSQL)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class Engines:
    read: Engine
    write: Engine

    @property
    def dialect(self) -> str:
        return self.write.dialect.name

    def dispose(self) -> None:
        self.read.dispose()
        if self.write is not self.read:
            self.write.dispose()


def _sqlite_engine(url: str, *, immediate: bool, wait_seconds: float) -> Engine:
    engine = create_engine(url, connect_args={"timeout": wait_seconds, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, so writers can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # BEGIN IMMEDIATE takes the write lock at once: no lock upgrade, so no 'database is locked'.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engines(database_url: str, *, pool_size: int = 5, wait_seconds: float = 10.0) -> Engines:
    """`wait_seconds` bounds every wait on the database (a pooled connection, a lock, connecting), so an
    overloaded or unreachable database turns into an error the API answers with 503, not a hang."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        return Engines(read=_sqlite_engine(database_url, immediate=False, wait_seconds=wait_seconds),
                       write=_sqlite_engine(database_url, immediate=True, wait_seconds=wait_seconds))
    if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    lock_ms = int(wait_seconds * 1000)
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                           pool_timeout=wait_seconds,
                           connect_args={"connect_timeout": max(1, int(wait_seconds)),
                                         "options": f"-c lock_timeout={lock_ms}"})
    return Engines(read=engine, write=engine)
