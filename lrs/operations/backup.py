"""Online backup and restore of the whole database (every store, the course and launch tables, the
migration versions). SQLite: the online backup API copies a consistent snapshot in one step while
writers go on (WAL), and restore copies the file back the same way. PostgreSQL: a thin wrapper around
pg_dump (custom format; one repeatable-read snapshot) and pg_restore (one transaction, so a failed
restore leaves the database empty). Restore refuses a database that holds any table."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore did not happen; the message says why (never a password)."""


@dataclass(frozen=True)
class Done:
    path: Path
    bytes: int


def backup(database_url: str, target: Path, progress: Progress = lambda _line: None) -> Done:
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; name a new file (a backup never overwrites one)")
    url = make_url(database_url)
    # Written under a temporary name and renamed when complete: FILE is never half a backup.
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(url), partial, progress)
        elif url.get_backend_name() == "postgresql":
            _run(["pg_dump", "--format=custom", "--verbose", f"--file={partial}"], url, progress)
        else:
            raise BackupError(f"no backup for {url.get_backend_name()} databases")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Done(target, target.stat().st_size)


def restore(database_url: str, source: Path, progress: Progress = lambda _line: None) -> None:
    source = Path(source)
    kind = backup_kind(source)
    url = make_url(database_url)
    backend = url.get_backend_name()
    if (backend, kind) not in (("sqlite", "sqlite"), ("postgresql", "pg_dump")):
        raise BackupError(f"{source} is a {kind} backup; it cannot be restored into a {backend} database")
    if backend == "sqlite":
        _sqlite_restore(source, _sqlite_path(url), progress)
    else:
        if _postgresql_tables(url):
            raise BackupError("the database is not empty; restore only into a new, empty database "
                              "(createdb, then lrs restore)")
        _run(["pg_restore", "--verbose", "--exit-on-error", "--single-transaction", "--no-owner",
              f"--dbname={url.database}", str(source)], url, progress)


def backup_kind(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "pg_dump"
    raise BackupError(f"{path} is neither an SQLite backup nor a pg_dump custom-format archive")


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(url.database)


def _sqlite_backup(source: Path, target: Path, progress: Progress) -> None:
    if not source.exists():
        raise BackupError(f"no database at {source}")
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        progress(f"copying {source} ({source.stat().st_size} bytes) ...")
        # pages=-1: one step under one read transaction, so the copy is one consistent snapshot; a copy in
        # steps would start over each time a writer commits, which under steady ingest may be never.
        reader.backup(writer, pages=-1)
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _check_integrity(writer, target)
    finally:
        writer.close()
        reader.close()


def _sqlite_restore(source: Path, target: Path, progress: Progress) -> None:
    if target.exists():
        existing = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
        try:
            tables = existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            existing.close()
        if tables:
            raise BackupError(f"the database {target} is not empty; restore only into a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    _check_integrity(reader, source)
    writer = sqlite3.connect(target)
    try:
        progress(f"restoring {source} into {target} ...")
        reader.backup(writer, pages=-1)
    finally:
        writer.close()
        reader.close()


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {verdict}")


def _postgresql_tables(url: URL) -> int:
    import psycopg
    try:
        with psycopg.connect(**_libpq_parameters(url)) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'"
            ).fetchone()[0]
    except psycopg.Error as error:
        raise BackupError(f"cannot reach the database: {type(error).__name__}") from None


def _libpq_parameters(url: URL) -> dict:
    parameters = {"host": url.host, "port": url.port, "user": url.username, "password": url.password,
                  "dbname": url.database, **{key: value for key, value in url.query.items() if isinstance(value, str)}}
    return {key: value for key, value in parameters.items() if value is not None}


_LIBPQ_ENVIRONMENT = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD",
                      "dbname": "PGDATABASE", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                      "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "options": "PGOPTIONS"}


def _run(command: list[str], url: URL, progress: Progress) -> None:
    """A PostgreSQL client tool with the connection in its environment: the password never appears in a
    command line that `ps` shows."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client, the server's major "
                          f"version or later)")
    environment = {**os.environ}
    for key, value in _libpq_parameters(url).items():
        if key not in _LIBPQ_ENVIRONMENT:
            raise BackupError(f"the database URL's parameter {key!r} has no libpq environment variable here")
        environment[_LIBPQ_ENVIRONMENT[key]] = str(value)
    process = subprocess.Popen(command, env=environment, stderr=subprocess.PIPE, text=True)
    last_lines: list[str] = []
    for line in process.stderr:
        progress(line.rstrip())
        last_lines = (last_lines + [line.rstrip()])[-5:]
    if process.wait() != 0:
        raise BackupError(f"{command[0]} failed (exit {process.returncode}): " + " / ".join(last_lines))
