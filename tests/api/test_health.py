"""GET /health/live and /health/ready on SQLite and PostgreSQL; GET /metrics per LRS_METRICS; the
X-Request-Id every answer carries (issue 16: health, metrics, logs)."""
from __future__ import annotations

import base64
import secrets
import uuid

import pytest
from prometheus_client.parser import text_string_to_metric_families

from lrs.app import create_app
from lrs.operations.exchange import REQUEST_ID_HEADER
from tests.conftest import XapiClient
from tests.factories import statement
from tests.reliability.test_overload import _hold_the_write_lock

HEALTH_PATHS = ("/health/live", "/health/ready")


@pytest.mark.parametrize("path", HEALTH_PATHS)
def test_health_answers_up_without_a_credential_and_says_nothing_else(app, path):
    with app.test_client().get(path) as response:
        assert response.status_code == 200
        body = response.get_json()
    assert body["status"] == "up"
    assert set(body) <= {"status", "checks"} and set(body.get("checks", {})) <= {"database"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readiness_names_the_database_check(app):
    with app.test_client().get("/health/ready") as response:
        assert response.get_json() == {"status": "up", "checks": {"database": "up"}}


def test_every_answer_carries_a_request_id_and_keeps_a_plain_client_id(app):
    client = app.test_client()
    with client.get("/xapi/about") as generated, client.get("/xapi/about") as another:
        assert generated.headers[REQUEST_ID_HEADER] != another.headers[REQUEST_ID_HEADER]
    with client.get("/xapi/about", headers={REQUEST_ID_HEADER: "proxy-id-0001"}) as kept:
        assert kept.headers[REQUEST_ID_HEADER] == "proxy-id-0001"
    with client.get("/xapi/about", headers={REQUEST_ID_HEADER: "bad id\twith spaces"}) as replaced:
        assert replaced.headers[REQUEST_ID_HEADER] not in ("bad id\twith spaces", "")
    with client.get("/no/such/path", headers={REQUEST_ID_HEADER: "proxy-id-0002"}) as not_found:
        assert not_found.status_code == 404 and not_found.headers[REQUEST_ID_HEADER] == "proxy-id-0002"


def test_metrics_are_not_served_when_off(app):
    with app.test_client().get("/metrics") as response:
        assert response.status_code == 404


def _metered(settings, monkeypatch):
    token = secrets.token_urlsafe(40)
    monkeypatch.setenv("LRS_METRICS", "credential")
    monkeypatch.setenv("LRS_METRICS_TOKEN", token)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    return create_app(settings), token


@pytest.fixture
def metered_app(settings, monkeypatch):
    application, token = _metered(settings, monkeypatch)
    yield application, token
    application.extensions["lrs"].close()


def _scrape(application, token: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of one scrape, read with prometheus-client's parser."""
    with application.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"}) as scrape:
        assert scrape.status_code == 200
        text = scrape.get_data(as_text=True)
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def test_metrics_behind_a_credential_refuse_anyone_without_the_token(metered_app):
    application, token = metered_app
    client = application.test_client()
    for headers in ({}, {"Authorization": f"Bearer {token[:-2]}"}, {"Authorization": f"Basic {token}"}):
        with client.get("/metrics", headers=headers) as refused:
            assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
            assert b"lrs_" not in refused.data


def test_metrics_count_a_rejection_by_its_xapi_error_family(metered_app, store_credential):
    # xAPI-Communication 2.1.3: a statement without a verb is refused with 400.
    application, token = metered_app
    xapi = XapiClient(application.test_client(), store_credential.key, store_credential.secret)
    with xapi.post_statements([{"actor": {"mbox": "mailto:a@example.com"}}]) as refused:
        assert refused.status_code == 400
    with application.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"}) as scrape:
        text = scrape.get_data(as_text=True)
    samples = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
               for family in text_string_to_metric_families(text) for sample in family.samples}
    assert samples[("lrs_http_rejections_total", (("family", "InvalidStatement"), ("status", "400")))] == 1
    assert samples[("lrs_http_requests_total", (("method", "POST"), ("route", "/xapi/statements"),
                                                ("status", "400")))] == 1


def test_metrics_count_throttle_refusals_by_route(settings, monkeypatch):
    # issue 16 Metrics: throttle refusals; xAPI-Communication 3.2.s3.b13 (429 after failed authentications)
    application, token = _metered(settings.with_overrides(auth_failure_limit=2), monkeypatch)
    try:
        guess = base64.b64encode(f"nobody-{uuid.uuid4().hex}:wrong".encode()).decode()
        client = application.test_client()
        statuses = []
        for _ in range(5):
            with client.get("/xapi/statements", headers={"Authorization": f"Basic {guess}",
                                                          "X-Experience-API-Version": "1.0.3"}) as answer:
                statuses.append(answer.status_code)
        assert statuses == [401, 401, 429, 429, 429]
        samples = _scrape(application, token)
    finally:
        application.extensions["lrs"].close()
    assert samples[("lrs_http_throttled_total", (("route", "/xapi/statements"),))] == 3
    assert samples[("lrs_http_requests_total", (("method", "GET"), ("route", "/xapi/statements"),
                                                ("status", "429")))] == 3


def test_metrics_count_the_503s_a_held_database_gives(settings, monkeypatch, store_credential):
    # issue 16 Metrics: 503s given (the database busy past LRS_DB_WAIT_SECONDS answers 503, issue 5)
    application, token = _metered(settings.with_overrides(db_wait_seconds=0.5), monkeypatch)
    xapi = XapiClient(application.test_client(), store_credential.key, store_credential.secret)
    try:
        with xapi.post_statements([statement()]) as stored:  # the credential is read before the lock
            assert stored.status_code == 200
        engine, connection = _hold_the_write_lock(settings.database_url)
        try:
            with xapi.post_statements([statement()]) as busy:
                assert busy.status_code == 503, busy.get_data(as_text=True)
        finally:
            connection.rollback()
            connection.close()
            engine.dispose()
        samples = _scrape(application, token)
    finally:
        application.extensions["lrs"].close()
    assert samples[("lrs_http_unavailable_total", (("route", "/xapi/statements"),))] == 1
    assert samples[("lrs_http_rejections_total", (("family", "ServiceUnavailable"), ("status", "503")))] == 1


def test_metrics_show_the_pooled_connections_in_use(metered_app):
    # issue 16 Metrics: database pool use
    application, token = metered_app
    engines = application.extensions["lrs"].engines
    in_use = ("lrs_db_pool_connections_in_use", (("engine", "write"),))
    before = _scrape(application, token)[in_use]
    with engines.write.connect():
        assert _scrape(application, token)[in_use] == before + 1
    assert _scrape(application, token)[in_use] == before
