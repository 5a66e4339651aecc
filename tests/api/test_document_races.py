"""Writers racing on one document through the real server (gunicorn, 2 workers): the precondition
is checked and the write made in one transaction (xAPI-Communication 3.1)."""
from __future__ import annotations

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.factories import issue_credential

pytestmark = pytest.mark.e2e
ROUNDS = 15


@pytest.fixture
def client(app, live_server):
    issued = issue_credential(app.extensions["lrs"], "racers")
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}
    url = f"{live_server}/xapi/activities/state"
    query = {"activityId": "http://example.com/race", "agent": json.dumps({"mbox": "mailto:r@example.com"})}
    return url, headers, query


def _race(count: int, request) -> list:
    """Runs `request(i)` in `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(i):
        session = requests.Session()
        barrier.wait()
        return request(session, i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_two_writers_with_the_same_if_match_exactly_one_wins(client):  # xAPI-Communication 3.1.s4.b5, b9, b10
    url, headers, query = client
    params = {**query, "stateId": "contested"}
    assert requests.put(url, params=params, json={"round": -1}, headers=headers, timeout=30).status_code == 204
    for round_number in range(ROUNDS):
        current = requests.get(url, params=params, headers=headers, timeout=30).headers["ETag"]

        def put(session, writer, current=current, round_number=round_number):
            return session.put(url, params=params, json={"round": round_number, "writer": writer},
                               headers={**headers, "If-Match": current}, timeout=30).status_code

        statuses = _race(2, put)
        assert sorted(statuses) == [204, 412], statuses
        winner = statuses.index(204)
        stored = requests.get(url, params=params, headers=headers, timeout=30).json()
        assert stored == {"round": round_number, "writer": winner}


def test_concurrent_merges_lose_no_property(client):  # xAPI-Communication 2.2.s7
    url, headers, query = client
    params = {**query, "stateId": "merged"}
    writers, posts_each = 6, 5

    def post(session, writer):
        for number in range(posts_each):
            response = session.post(url, params=params, json={f"w{writer}-{number}": number},
                                    headers=headers, timeout=30)
            assert response.status_code == 204, response.text
        return writer

    _race(writers, post)
    stored = requests.get(url, params=params, headers=headers, timeout=30).json()
    assert stored == {f"w{w}-{n}": n for w in range(writers) for n in range(posts_each)}


def test_concurrent_creators_with_if_none_match_exactly_one_wins(client):  # xAPI-Communication 3.1.s4.b6
    url, headers, query = client
    for round_number in range(ROUNDS):
        params = {**query, "stateId": f"created-{round_number}"}

        def create(session, writer, params=params):
            return session.put(url, params=params, json={"writer": writer},
                               headers={**headers, "If-None-Match": "*"}, timeout=30).status_code

        statuses = _race(3, create)
        assert sorted(statuses) == [204, 412, 412], statuses
        stored = requests.get(url, params=params, headers=headers, timeout=30).json()
        assert stored == {"writer": statuses.index(204)}
