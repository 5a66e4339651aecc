"""Concurrent batch writers with overlapping agents and activities, against the real server."""
from __future__ import annotations

import base64
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import agent, issue_credential, statement

pytestmark = pytest.mark.e2e
WRITERS = 4
BATCHES_PER_WRITER = 8
BATCH_SIZE = 25


def _batch(writer: int, number: int) -> list[dict]:
    # Every writer uses the same few agents, activities and verbs, in a different order.
    return [statement(statement_id=str(uuid.uuid4()), actor=agent(f"learner{(writer + i) % 5}"),
                      activity=f"http://example.com/activities/{(i * 7 + number) % 6}",
                      verb=f"http://example.com/verbs/{(writer * 3 + i) % 4}",
                      context={"contextActivities": {"parent": [{"id": "http://example.com/course"}]}})
            for i in range(BATCH_SIZE)]


def test_parallel_batches_store_every_statement_exactly_once(app, live_server):  # xAPI-Communication 2.1.2
    issued = issue_credential(app.extensions["lrs"], "writers")
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}

    def write(writer: int) -> list[str]:
        session = requests.Session()
        ids = []
        for number in range(BATCHES_PER_WRITER):
            response = session.post(f"{live_server}/xapi/statements", json=_batch(writer, number),
                                    headers=headers, timeout=60)
            assert response.status_code == 200, response.text
            ids.extend(response.json())
        return ids

    with ThreadPoolExecutor(WRITERS) as pool:
        written = [statement_id for ids in pool.map(write, range(WRITERS)) for statement_id in ids]
    assert len(written) == len(set(written)) == WRITERS * BATCHES_PER_WRITER * BATCH_SIZE

    returned = []
    url = f"{live_server}/xapi/statements?limit=100&activity=http://example.com/course&related_activities=true"
    while url:
        body = requests.get(url, headers=headers, timeout=30).json()
        returned.extend(s["id"] for s in body["statements"])
        url = live_server + body["more"] if body["more"] else None
    assert sorted(returned) == sorted(written)


def test_retried_batch_with_same_ids_in_parallel_stores_once(app, live_server):  # xAPI-Communication 2.1.2.s2.b4
    issued = issue_credential(app.extensions["lrs"], "retry")
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    batch = _batch(0, 0)

    def send(_):
        return requests.post(f"{live_server}/xapi/statements", json=batch, headers=headers, timeout=60)

    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(send, range(4)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    body = requests.get(f"{live_server}/xapi/statements?limit=100", headers=headers, timeout=30).json()
    assert sorted(s["id"] for s in body["statements"]) == sorted(s["id"] for s in batch)
