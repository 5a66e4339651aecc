"""kill -9 the server in the middle of a batch ingest whose client retries unacknowledged batches
with the same statement ids: afterwards every acknowledged statement is stored exactly once, and no
batch is ever partly visible (issue 5; xAPI-Communication 2.1.2 batches are all or nothing)."""
from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from tests.conftest import SERVER_SECRET, XapiClient, _free_port
from tests.factories import agent, issue_credential, new_id, statement
from tests.reliability.retrying_client import RetryingIngest

pytestmark = pytest.mark.e2e
BATCHES, BATCH_SIZE, KILLS = 48, 50, 3
KILL_ATTEMPTS = 20


class KillableServer:
    """gunicorn in its own process group, so kill -9 takes the master and every worker at once."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.url = ""
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        port = _free_port()
        environment = {**os.environ, "LRS_DATABASE_URL": self.database_url, "LRS_SECRET_KEY": SERVER_SECRET}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "critical",
             "lrs.wsgi:app"], env=environment, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/xapi/about", timeout=1).status_code == 200:
                    self.url = url
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def kill_9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


def _visible_per_batch(reader: XapiClient, batches: list[list[dict]]) -> list[int]:
    seen = set(reader.all_statement_ids(limit="0"))
    return [sum(s["id"] in seen for s in batch) for batch in batches]


def test_kill_9_mid_ingest_keeps_every_acknowledged_statement_once(app, database_url):
    issued = issue_credential(app.extensions["lrs"], "killed")
    reader = XapiClient(app.test_client(), issued.key, issued.secret)
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    batches = [[statement(statement_id=new_id(), actor=agent(f"learner{i % 7}")) for i in range(BATCH_SIZE)]
               for _ in range(BATCHES)]
    server = KillableServer(database_url)
    server.start()
    ingest = RetryingIngest(lambda: server.url, headers, batches)

    client = threading.Thread(target=ingest.run)
    client.start()
    try:
        for kill in range(1, KILLS + 1):
            while len(ingest.acknowledged) < kill * BATCHES // (KILLS + 1) and client.is_alive():
                time.sleep(0.01)
            cut_before = ingest.cut_off
            # A kill can land just after the answer went out; kill again until one cuts a request.
            for _ in range(KILL_ATTEMPTS):
                while not ingest.in_flight and client.is_alive():
                    time.sleep(0.001)
                server.kill_9()
                # With the server dead, every batch is wholly stored or wholly absent.
                assert set(_visible_per_batch(reader, batches)) <= {0, BATCH_SIZE}
                server.start()
                if ingest.cut_off > cut_before or not client.is_alive():
                    break
        client.join(timeout=300)
    finally:
        server.stop()
    assert not ingest.failures and ingest.acknowledged == list(range(BATCHES))
    # Every kill cut a request the server had accepted (refused connections while it was down do not count).
    assert ingest.cut_off >= KILLS, (ingest.cut_off, ingest.refused)
    assert _visible_per_batch(reader, batches) == [BATCH_SIZE] * BATCHES
    everything = reader.all_statement_ids(limit="0")
    assert len(everything) == len(set(everything)) == BATCHES * BATCH_SIZE  # exactly once: no duplicate from a retried batch
