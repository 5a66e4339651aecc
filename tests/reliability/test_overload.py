"""Overload: with the database held by another writer past LRS_DB_WAIT_SECONDS, the running server
answers 503 with Retry-After instead of hanging, and recovers by itself once the database frees up
(issue 5). Oversized bodies are refused with 413 before they are read."""
from __future__ import annotations

import base64
import socket
import time

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import run_server
from tests.factories import issue_credential, statement

pytestmark = pytest.mark.e2e
LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def impatient_server(database_url):
    """Waits at most one second for the database and takes bodies up to 64 KiB."""
    yield from run_server(database_url, workers=1, db_wait_seconds="1", max_request_bytes=str(LIMIT))


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



def _send_part_of_a_body(base_url: str, headers: dict, head: dict, body_sent: bytes) -> tuple[int, bytes]:
    """Sends the request head and only `body_sent`, never the rest, then reads the answer: a server that
    waited for the whole body would time out here."""
    host, port = base_url.removeprefix("http://").split(":")
    lines = ["POST /xapi/statements HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json",
             "Connection: close", *(f"{name}: {value}" for name, value in {**headers, **head}.items())]
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body_sent)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)  # socket.timeout fails the test: the server is still reading
            if not chunk:
                break
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    return status, answer


def test_an_oversized_body_is_refused_with_413_before_it_is_read(impatient_server, headers):
    # xAPI-Communication 3.2.s3.b11, b16 (the limit is a setting: LRS_MAX_REQUEST_BYTES)
    # A declared length over the limit: refused with none of the body sent.
    status, answer = _send_part_of_a_body(impatient_server, headers, {"Content-Length": str(1024 * 1024)}, b"")
    assert status == 413, answer
    # A chunked body declares no length: refused once one byte past the limit arrived, the rest never sent.
    chunk = b" " * 1024
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(LIMIT // 1024 + 1))
    status, answer = _send_part_of_a_body(impatient_server, headers, {"Transfer-Encoding": "chunked"}, chunks)
    assert status == 413, answer
    declared = requests.post(f"{impatient_server}/xapi/statements", data=b"[" + b" " * (200 * 1024) + b"]",
                             headers={**headers, "Content-Type": "application/json"}, timeout=30)
    assert declared.status_code == 413 and declared.json()["error"] == "PayloadTooLarge"
