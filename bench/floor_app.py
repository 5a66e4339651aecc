"""The floor: the least a statement endpoint can do, served by gunicorn like the LRS.

It parses the JSON body and inserts one (id, body) row per statement, one transaction per request,
with no validation, authentication, index, term or definition work. Everything the LRS adds over it is
the price of being an LRS (`python -m bench floor`). It runs on the LRS's SQLite settings (WAL,
synchronous=NORMAL, writers waiting for the lock) or on PostgreSQL.

    FLOOR_DATABASE_URL=sqlite:////tmp/floor.sqlite3 gunicorn -w 2 bench.floor_app:app
"""
from __future__ import annotations

import os
import sqlite3
import threading
import uuid

import orjson

_URL = os.environ.get("FLOOR_DATABASE_URL", "sqlite:///floor.sqlite3")
_TABLE = "CREATE TABLE IF NOT EXISTS floor_statements (id TEXT NOT NULL, body TEXT NOT NULL)"


class _SQLite:
    def __init__(self, path: str):
        # autocommit mode, so BEGIN IMMEDIATE below takes the write lock up front as the LRS does
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA busy_timeout=30000")

    def insert(self, rows: list[tuple[str, str]]) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self.connection.executemany("INSERT INTO floor_statements (id, body) VALUES (?, ?)", rows)
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


class _PostgreSQL:
    def __init__(self, url: str):
        import psycopg
        self.connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://", 1))

    def insert(self, rows: list[tuple[str, str]]) -> None:
        ids, bodies = [row[0] for row in rows], [row[1] for row in rows]
        with self.connection.cursor() as cursor:
            # Arrays in binary (%b), as the LRS sends them: psycopg's text format escapes every body.
            cursor.execute("INSERT INTO floor_statements (id, body) SELECT * FROM unnest(%b::text[], %b::text[])",
                           (ids, bodies))
        self.connection.commit()


def create_table(url: str) -> None:
    """The floor's one table; run once before the server starts."""
    database = _open(url)
    if isinstance(database, _SQLite):
        database.connection.execute(_TABLE)
    else:
        database.connection.execute(_TABLE)
        database.connection.commit()
    database.connection.close()


def _open(url: str):
    if url.startswith("sqlite:///"):
        return _SQLite(url[len("sqlite:///"):])
    return _PostgreSQL(url)


# One connection per thread, opened in the worker after gunicorn forks: a gthread worker's threads
# (`python -m bench --worker-class gthread`) each write on their own, as the LRS's pooled connections do.
_connections = threading.local()


def app(environ, start_response):
    database = getattr(_connections, "database", None)
    if database is None:
        database = _connections.database = _open(_URL)
    length = int(environ.get("CONTENT_LENGTH") or 0)
    payload = orjson.loads(environ["wsgi.input"].read(length)) if length else None
    if environ["REQUEST_METHOD"] != "POST" or payload is None:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
        return [b"{}"]
    statements = payload if isinstance(payload, list) else [payload]
    rows = [(statement.get("id") or str(uuid.uuid4()), orjson.dumps(statement).decode())
            for statement in statements]
    database.insert(rows)
    body = orjson.dumps([row[0] for row in rows])
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
