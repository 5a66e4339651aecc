"""The request log of a real server (gunicorn, 2 workers, lrs.operations.gunicorn_hooks): every line is
JSON, each request has exactly one line carrying its request id, and a run that used secrets, Basic
credentials, OAuth Bearer tokens, an admin password, statement bodies and documents leaves none of them
in the log (issue 16: logs)."""
from __future__ import annotations

import base64
import json
import secrets
import uuid

import pytest
import requests

from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import run_server
from tests.factories import agent, issue_credential, new_id, statement

pytestmark = pytest.mark.e2e
VERSION = {"X-Experience-API-Version": "1.0.3"}


def test_one_json_line_per_request_with_its_id_and_no_secret_or_content(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    upgrade(url)
    secret = "credential-secret-" + secrets.token_urlsafe(24)
    admin_password = "admin-password-" + secrets.token_urlsafe(16)
    services = build_services(Settings(database_url=url))
    issued = issue_credential(services, "log test", secret=secret)
    services.administration.create_admin("test:pytest", "log-admin", admin_password)
    services.close()
    marker = uuid.uuid4().hex
    learner = agent(f"private{marker[:8]}")
    log_file = tmp_path / "server.log"
    monkeypatch.setenv("GUNICORN_CMD_ARGS", f"--config python:lrs.operations.gunicorn_hooks --capture-output "
                                            f"--error-logfile {log_file}")

    server = run_server(url, workers=2)
    base = next(server)
    answered: list[requests.Response] = []
    token = ""
    try:
        http = requests.Session()
        basic = (issued.key, secret)

        def send(method: str, path: str, **kwargs) -> requests.Response:
            response = http.request(method, base + path, timeout=30, **kwargs)
            answered.append(response)
            return response

        token_answer = send("POST", "/oauth/token", data={"grant_type": "client_credentials", "scope": "all"},
                            auth=basic)
        token = token_answer.json()["access_token"]
        bearer = {**VERSION, "Authorization": f"Bearer {token}"}
        body = statement(statement_id=new_id(), actor=learner, result={"response": f"statement-body-{marker}"})
        assert send("POST", "/xapi/statements", json=[body], auth=basic, headers=VERSION).status_code == 200
        assert send("PUT", "/xapi/statements", params={"statementId": new_id()}, headers=bearer,
                    json=statement(result={"response": f"put-body-{marker}"})).status_code == 204
        document = {"activityId": "http://example.com/activities/a", "agent": json.dumps(learner),
                    "stateId": f"bookmark-{marker}"}
        assert send("PUT", "/xapi/activities/state", params=document, headers=bearer,
                    json={"note": f"document-content-{marker}"}).status_code == 204
        assert send("GET", "/xapi/activities/state", params=document, headers=bearer).status_code == 200
        assert send("GET", "/xapi/statements", params={"agent": json.dumps(learner)}, auth=basic, headers={
            **VERSION, "X-Request-Id": f"client-chosen-id-{marker[:8]}"}).status_code == 200
        assert send("GET", "/xapi/statements", auth=(issued.key, "wrong-secret-" + marker),
                    headers=VERSION).status_code == 401
        assert send("GET", "/xapi/statements", headers={**VERSION, "Authorization": f"Bearer forged-{marker}"}
                    ).status_code == 401
        assert send("GET", "/admin/stores", auth=("log-admin", admin_password)).status_code == 200
        assert send("POST", "/xapi/statements", json=[{"actor": learner, "verb": {"id": f"not-an-iri-{marker}"}}],
                    auth=basic, headers=VERSION).status_code == 400
        assert send("GET", "/xapi/statements", params={"secret": f"query-secret-{marker}"}, auth=basic,
                    headers={**VERSION, "X-Request-Id": "<script>" + marker}).status_code == 400
    finally:
        next(server, None)

    text = log_file.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]  # every line is JSON
    by_request_id: dict[str, list[dict]] = {}
    for line in lines:
        if line["logger"] == "lrs.requests":
            by_request_id.setdefault(line["request_id"], []).append(line)
    for response in answered:
        request_id = response.headers["X-Request-Id"]
        assert len(by_request_id.get(request_id, [])) == 1, request_id
        logged = by_request_id[request_id][0]
        assert logged["status"] == response.status_code and logged["method"] == response.request.method
    assert f"client-chosen-id-{marker[:8]}" in by_request_id  # a plain client id is kept
    assert answered[-1].headers["X-Request-Id"] != "<script>" + marker  # anything else is replaced
    state_line = by_request_id[answered[3].headers["X-Request-Id"]][0]
    assert state_line["route"] == "/xapi/activities/state" and state_line["credential"] == issued.key

    basic_header = base64.b64encode(f"{issued.key}:{secret}".encode()).decode()
    for forbidden in (secret, admin_password, token, token.split(".")[-1], basic_header, marker, "Bearer",
                      learner["mbox"], "wrong-secret"):
        assert forbidden not in text, f"the log holds {forbidden[:12]}..."


def test_the_text_setting_writes_readable_lines_instead(tmp_path, monkeypatch):
    # issue 16 Logs: a setting switches to human-readable lines for development (LRS_LOG_FORMAT=text)
    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    upgrade(url)
    log_file = tmp_path / "server.log"
    monkeypatch.setenv("GUNICORN_CMD_ARGS", f"--config python:lrs.operations.gunicorn_hooks --capture-output "
                                            f"--error-logfile {log_file}")
    server = run_server(url, workers=1, log_format="text")
    try:
        answer = requests.get(next(server) + "/xapi/about", headers={"X-Request-Id": "text-format-check-1"},
                              timeout=30)
    finally:
        next(server, None)
    assert answer.status_code == 200
    [line] = [line for line in log_file.read_text().splitlines() if "text-format-check-1" in line]
    assert "request_id=text-format-check-1 method=GET route=/xapi/about status=200" in line
    assert not line.lstrip().startswith("{")
