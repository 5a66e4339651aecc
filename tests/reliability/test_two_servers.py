"""Two app servers (two gunicorn instances, two workers each) on one database, writing the same
documents and statement ids at once: ETag rules and statement-id conflicts hold across servers, with
no duplicate statement and no lost update (issue 5)."""
from __future__ import annotations

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import run_server
from tests.factories import issue_credential, new_id, statement

pytestmark = pytest.mark.e2e
ROUNDS = 12


@pytest.fixture(scope="module")
def second_server(database_url):
    yield from run_server(database_url)


@pytest.fixture
def headers(app):
    issued = issue_credential(app.extensions["lrs"], "two servers")
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "2.0.0"}


def _together(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_if_match_holds_across_servers(live_server, second_server, headers):  # xAPI-Communication 3.1.s4.b9
    params = {"activityId": "http://example.com/two", "agent": json.dumps({"mbox": "mailto:t@example.com"}),
              "stateId": "shared"}
    path = "/xapi/activities/state"
    assert requests.put(live_server + path, params=params, json={"n": -1}, headers=headers).status_code == 204
    for round_number in range(ROUNDS):
        etag = requests.get(live_server + path, params=params, headers=headers).headers["ETag"]
        statuses = _together([
            lambda server=server, writer=writer: requests.put(
                server + path, params=params, json={"n": round_number, "by": writer},
                headers={**headers, "If-Match": etag}, timeout=30).status_code
            for writer, server in enumerate((live_server, second_server))])
        assert sorted(statuses) == [204, 412], statuses
        assert requests.get(second_server + path, params=params, headers=headers).json() == {
            "n": round_number, "by": statuses.index(204)}


def test_merges_through_both_servers_lose_nothing(live_server, second_server, headers):  # xAPI-Communication 2.2.s7
    params = {"activityId": "http://example.com/two", "agent": json.dumps({"mbox": "mailto:m@example.com"}),
              "stateId": "merged"}
    path = "/xapi/activities/state"

    def writer(server, name):
        def post_all():
            session = requests.Session()
            for number in range(10):
                assert session.post(server + path, params=params, json={f"{name}{number}": number},
                                    headers=headers, timeout=30).status_code == 204
        return post_all

    _together([writer(live_server, "a"), writer(second_server, "b"), writer(live_server, "c"),
               writer(second_server, "d")])
    merged = requests.get(live_server + path, params=params, headers=headers).json()
    assert merged == {f"{name}{number}": number for name in "abcd" for number in range(10)}


def test_the_same_statement_ids_through_both_servers_are_stored_once(live_server, second_server, headers):
    # xAPI-Communication 2.1.2.s2.b5 (same id, same statement: no error, stored once)
    batch = [statement(statement_id=new_id()) for _ in range(50)]
    url = "/xapi/statements"
    statuses = _together([lambda server=server: requests.post(server + url, json=batch, headers=headers,
                                                              timeout=60).status_code
                          for server in (live_server, second_server, live_server, second_server)])
    assert statuses == [200] * 4
    stored = requests.get(live_server + url, params={"limit": 0}, headers=headers).json()["statements"]
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in batch)


def test_different_statements_under_one_id_conflict_across_servers(live_server, second_server, headers):
    # xAPI-Communication 2.1.1.s2.b3: one is stored, the other gets 409
    for _ in range(ROUNDS):
        statement_id = new_id()
        statuses = _together([
            lambda server=server, verb=verb: requests.put(
                server + "/xapi/statements", params={"statementId": statement_id}, timeout=30, headers=headers,
                json=statement(statement_id=statement_id, verb=verb)).status_code
            for server, verb in ((live_server, "http://example.com/verbs/a"),
                                 (second_server, "http://example.com/verbs/b"))])
        assert sorted(statuses) == [204, 409], statuses
