"""Overload: with the database held by another writer past LRS_DB_WAIT_SECONDS, the running server
answers 503 with Retry-After instead of hanging, and recovers by itself once the database frees up
(issue 5). Oversized bodies are refused with 413 before they are read."""
from __future__ import annotations

import base64
import time

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import run_server
from tests.factories import issue_credential, statement

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def impatient_server(database_url):
    """Waits at most one second for the database and takes bodies up to 64 KiB."""
    yield from run_server(database_url, workers=1, db_wait_seconds="1", max_request_bytes=str(64 * 1024))


@pytest.fixture
def headers(app):
    issued = issue_credential(app.extensions["lrs"], "load")
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def _hold_the_write_lock(database_url: str):
    """Another connection takes what a statement write needs and keeps it until closed."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1)
                           if database_url.startswith("postgresql://") else database_url)
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.begin()
        connection.execute(text("LOCK TABLE statements IN EXCLUSIVE MODE"))
    return engine, connection


def test_a_held_database_gives_503_with_retry_after_then_recovers(impatient_server, headers, database_url):
    url = f"{impatient_server}/xapi/statements"
    assert requests.post(url, json=statement(), headers=headers, timeout=30).status_code == 200
    engine, connection = _hold_the_write_lock(database_url)
    try:
        started = time.monotonic()
        busy = requests.post(url, json=statement(), headers=headers, timeout=30)
        waited = time.monotonic() - started
        assert busy.status_code == 503, busy.text
        assert int(busy.headers["Retry-After"]) >= 1
        assert busy.json()["error"] == "ServiceUnavailable"
        assert waited < 10  # bounded by LRS_DB_WAIT_SECONDS, not a hang
        # Reads do not need the lock and keep working meanwhile.
        assert requests.get(url, headers=headers, timeout=30).status_code == 200
    finally:
        connection.rollback()
        connection.close()
        engine.dispose()
    assert requests.post(url, json=statement(), headers=headers, timeout=30).status_code == 200


def test_an_oversized_body_is_refused_with_413_before_it_is_read(impatient_server, headers):
    # xAPI-Communication 3.2.s3.b11, b16 (the limit is a setting: LRS_MAX_REQUEST_BYTES)
    sent = {"bytes": 0}

    def body():
        for _ in range(1024):  # 1 MiB in 1 KiB chunks, sent chunked: no Content-Length to trust
            sent["bytes"] += 1024
            yield b" " * 1024

    response = requests.post(f"{impatient_server}/xapi/statements", data=body(), timeout=30,
                             headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 413
    declared = requests.post(f"{impatient_server}/xapi/statements", data=b"[" + b" " * (200 * 1024) + b"]",
                             headers={**headers, "Content-Type": "application/json"}, timeout=30)
    assert declared.status_code == 413 and declared.json()["error"] == "PayloadTooLarge"
