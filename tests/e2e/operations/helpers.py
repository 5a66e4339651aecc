"""What the operations end-to-end tests share: throw-away PostgreSQL databases, the `lrs` command run
as operators run it, a client ingesting batches on several threads, and reading a store back whole."""
from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import requests

from lrs.app import create_app
from lrs.settings import Settings
from tests.conftest import SERVER_SECRET, XapiClient, throwaway_postgres_database  # noqa: F401 - shared here
from tests.factories import agent, new_id, statement

ROOT = Path(__file__).resolve().parents[3]


def lrs_command(*arguments: str, check: bool = True, **environment: str) -> subprocess.CompletedProcess:
    """`lrs ...` as an operator runs it: the console script's entry point, lrs.cli:main, from the checkout."""
    result = subprocess.run([sys.executable, "-c", "from lrs.cli import main; main(prog_name='lrs')", *arguments],
                            cwd=ROOT, capture_output=True,
                            text=True, timeout=300, env={**os.environ, "LRS_SECRET_KEY": SERVER_SECRET,
                                                         **environment})
    if check and result.returncode != 0:
        raise AssertionError(f"lrs {' '.join(arguments)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return result


def basic_headers(key: str, secret: str) -> dict:
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


class BatchIngest:
    """Threads posting batches of new statements until stopped; `acknowledged` lists each batch (its
    statements) in the order the server answered 200."""

    def __init__(self, base_url: str, headers: dict, *, threads: int = 3, batch_size: int = 20):
        self.base_url, self.headers, self.batch_size = base_url, headers, batch_size
        self.acknowledged: list[list[dict]] = []
        self.sent: list[list[dict]] = []
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(number,), daemon=True)
                         for number in range(threads)]

    def start(self) -> "BatchIngest":
        for thread in self._threads:
            thread.start()
        return self

    def acknowledged_count(self) -> int:
        with self._lock:
            return len(self.acknowledged)

    def snapshot(self) -> list[list[dict]]:
        with self._lock:
            return list(self.acknowledged)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _run(self, number: int) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            batch = [statement(statement_id=new_id(), actor=agent(f"learner{number}x{index}"),
                               result={"response": uuid.uuid4().hex}) for index in range(self.batch_size)]
            with self._lock:
                self.sent.append(batch)
            try:
                response = session.post(f"{self.base_url}/xapi/statements", json=batch, headers=self.headers,
                                        timeout=60)
            except requests.RequestException as error:
                self.failures.append(f"thread {number}: {error}")
                return
            if response.status_code != 200:
                self.failures.append(f"thread {number}: {response.status_code} {response.text[:200]}")
                return
            with self._lock:
                self.acknowledged.append(batch)


def stored_statements(database_url: str, key: str, secret: str) -> dict[str, dict]:
    """Every statement of the credential's store, by id, as the LRS returns it (following `more`)."""
    app = create_app(Settings(database_url=database_url, secret_key=SERVER_SECRET))
    try:
        client = XapiClient(app.test_client(), key, secret)
        found: dict[str, dict] = {}
        page = client.get_statements(limit="500").get_json()
        while True:
            found.update({each["id"]: each for each in page["statements"]})
            if not page["more"]:
                return found
            page = client.request("GET", page["more"]).get_json()
    finally:
        app.extensions["lrs"].close()
