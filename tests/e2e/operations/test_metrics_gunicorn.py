"""Metrics under gunicorn with 2 workers (prometheus-client's multiprocess mode, set up by
lrs.operations.gunicorn_hooks): after a scripted load, one scrape, parsed with prometheus-client's own
text parser, counts exactly the requests sent, added up over both workers (issue 16: metrics)."""
from __future__ import annotations

import secrets
import socket
import threading
from collections import Counter
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import run_server
from tests.e2e.operations.helpers import basic_headers
from tests.factories import agent, issue_credential, new_id, statement

pytestmark = pytest.mark.e2e
HOOKS = "--config python:lrs.operations.gunicorn_hooks"
STATE = "/xapi/activities/state"


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    upgrade(url)
    services = build_services(Settings(database_url=url))
    issued = issue_credential(services, "metrics test")
    services.close()
    return url, issued


def _samples(text: str, name: str) -> dict[tuple, float]:
    """{sorted label items: value} of one sample name, read with prometheus-client's parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def _load(base: str, headers: dict) -> Counter:
    """Sends the scripted requests from 8 threads at once; returns what was sent and answered, by
    (method, route, status)."""
    state_parameters = {"activityId": "http://example.com/activities/a", "agent": '{"mbox": "mailto:a@example.com"}'}
    plan = ([("POST", "/xapi/statements", 200)] * 12 + [("POST-bad", "/xapi/statements", 400)] * 5
            + [("GET", "/xapi/statements", 200)] * 6 + [("GET-wrong-secret", "/xapi/statements", 401)] * 3
            + [("PUT", STATE, 204)] * 4 + [("GET", "/health/ready", 200)] * 2)
    answered: Counter = Counter()
    lock = threading.Lock()

    def send(kind: str, route: str, expected: int) -> None:
        session = requests.Session()
        url = base + route
        if kind == "POST":
            response = session.post(url, json=[statement(statement_id=new_id(), actor=agent(f"l{i}"))
                                               for i in range(5)], headers=headers)
        elif kind == "POST-bad":
            response = session.post(url, json=[{"verb": {"id": "http://example.com/v"}}], headers=headers)
        elif kind == "GET-wrong-secret":
            response = session.get(url, headers={**headers, **basic_headers("nobody", "wrong")})
        elif kind == "PUT":
            response = session.put(url, params={**state_parameters, "stateId": new_id()}, json={"a": 1},
                                   headers=headers)
        else:
            response = session.get(url, headers=headers)
        assert response.status_code == expected, (kind, response.status_code, response.text[:300])
        with lock:
            answered[(kind.split("-")[0], route, str(expected))] += 1

    threads = [threading.Thread(target=send, args=step) for step in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(answered.values()) == len(plan)
    return answered


def test_a_scrape_counts_every_request_of_a_load_across_two_workers(database, monkeypatch, tmp_path):
    url, issued = database
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"")  # a stale file of an earlier run: the hooks clear it
    token = secrets.token_urlsafe(40)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", HOOKS)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    server = run_server(url, workers=2, metrics="credential", metrics_token=token)
    base = next(server)
    try:
        sent = _load(base, basic_headers(issued.key, issued.secret))
        scrape = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"})
        anonymous = requests.get(f"{base}/metrics")
        wrong_token = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token[:-1]}x"})
        per_worker = _requests_per_worker(metrics_dir)
    finally:
        next(server, None)
    assert anonymous.status_code == wrong_token.status_code == 401
    assert "lrs_" not in anonymous.text + wrong_token.text
    assert scrape.status_code == 200 and scrape.headers["Content-Type"].startswith("text/plain")

    requests_total = _samples(scrape.text, "lrs_http_requests_total")
    for (method, route, status), count in sent.items():
        assert requests_total[(("method", method), ("route", route), ("status", status))] == count
    durations = _samples(scrape.text, "lrs_http_request_duration_seconds_count")
    assert durations[(("method", "POST"), ("route", "/xapi/statements"), ("status", "200"))] == 12
    assert _samples(scrape.text, "lrs_xapi_statements_stored_total")[()] == 12 * 5
    assert _samples(scrape.text, "lrs_xapi_documents_written_total") == {
        (("method", "PUT"), ("resource", "state")): 4}
    rejections = _samples(scrape.text, "lrs_http_rejections_total")
    assert rejections[(("family", "InvalidStatement"), ("status", "400"))] == 5
    assert rejections[(("family", "Unauthorized"), ("status", "401"))] == 3
    assert _samples(scrape.text, "lrs_http_unavailable_total") == {}
    assert _samples(scrape.text, "lrs_db_pool_size") == {(("engine", "read"),): 10, (("engine", "write"),): 10}
    assert set(_samples(scrape.text, "lrs_db_pool_wait_seconds_count")) == {(("engine", "read"),),
                                                                            (("engine", "write"),)}
    assert _samples(scrape.text, "lrs_runtime_sessions_active") == {(): 0}
    # Both workers answered part of the load, and the scrape added them up.
    assert len([pid for pid, count in per_worker.items() if count]) == 2, per_worker
    assert "counter_1.db" not in {path.name for path in metrics_dir.iterdir()}


def _requests_per_worker(metrics_dir: Path) -> dict[str, float]:
    """lrs_http_requests_total of each worker, from its own file."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        metrics = MultiProcessCollector._read_metrics([str(path)])
        counts[path.stem.split("_")[1]] = sum(sample.value for metric in metrics.values() for sample in metric.samples
                                              if sample.name == "lrs_http_requests_total")
    return counts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_open_metrics_are_served_on_their_own_address_only(database, monkeypatch):
    url, issued = database
    port = _free_port()
    monkeypatch.setenv("GUNICORN_CMD_ARGS", HOOKS)
    server = run_server(url, workers=2, metrics="open", metrics_bind=f"127.0.0.1:{port}")
    base = next(server)
    try:
        for _ in range(3):
            assert requests.get(f"{base}/xapi/statements", headers=basic_headers(issued.key, issued.secret)) \
                .status_code == 200
        on_api_address = requests.get(f"{base}/metrics")
        scrape = requests.get(f"http://127.0.0.1:{port}/metrics")
    finally:
        next(server, None)
    assert on_api_address.status_code == 404
    assert scrape.status_code == 200
    assert _samples(scrape.text, "lrs_http_requests_total")[
        (("method", "GET"), ("route", "/xapi/statements"), ("status", "200"))] == 3
