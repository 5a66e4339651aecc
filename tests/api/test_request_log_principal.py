"""Every authenticated API names its store and credential in the request log (issue 16, Logs: "one
structured JSON line per request (method, route, status, duration, store id, credential key, request
id)"). Each blueprint authenticates on its own, so each is checked here: the course and launch API once
logged `store_id: null, credential: null` for every call."""
from __future__ import annotations

import pytest

from tests.conftest import request_log_lines


@pytest.mark.parametrize("path", ["/api/v1/courses", "/api/v1/profiles", "/xapi/about"])
def test_the_request_log_names_the_store_and_credential_of_each_api(xapi, store_credential, capsys, path):
    capsys.readouterr()
    answer = xapi.http.get(path, headers=xapi.headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    lines = [line for line in request_log_lines(capsys.readouterr().err) if line["status"] == 200]
    assert len(lines) == 1, lines
    if path == "/xapi/about":  # unauthenticated by the spec (xAPI-Communication 2.8): nobody to name
        assert lines[0]["store_id"] is None and lines[0]["credential"] is None
        return
    assert lines[0]["store_id"] == store_credential.store_id
    assert lines[0]["credential"] == store_credential.key


def test_plain_statement_posts_name_their_store_and_credential_on_either_route(xapi, store_credential, capsys):
    # The first POST of a process goes through Flask, later plain ones through the route in front of it
    # (lrs/api/statements/post_route.py): both lines must name who stored the statements.
    from tests.factories import statement
    capsys.readouterr()
    for _ in range(3):
        answer = xapi.post_statements(statement())
        assert answer.status_code == 200, answer.get_data(as_text=True)
    lines = [line for line in request_log_lines(capsys.readouterr().err) if line["route"] == "/xapi/statements"]
    assert len(lines) == 3, lines
    assert all(line["store_id"] == store_credential.store_id for line in lines), lines
    assert all(line["credential"] == store_credential.key for line in lines), lines


def test_a_refused_plain_statement_post_names_its_store_and_credential(app, xapi, store_credential, capsys):
    # The plain route hands its error to Flask (lrs/api/plain_routes.py) with who it authenticated: the
    # line of a refused statement names the store and credential as the view's does.
    app.test_client().get("/xapi/about")  # each process's first request goes to Flask
    route = app.extensions["statement_post_route"]
    replayed = route.replayed
    capsys.readouterr()
    answer = xapi.post_statements({"actor": {"mbox": "mailto:refused@example.com"}, "verb": {"id": "not an IRI"},
                                   "object": {"id": "http://example.com/refused"}})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert route.replayed == replayed + 1
    lines = [line for line in request_log_lines(capsys.readouterr().err) if line["route"] == "/xapi/statements"]
    assert len(lines) == 1, lines
    assert lines[0]["store_id"] == store_credential.store_id and lines[0]["credential"] == store_credential.key
    assert lines[0]["error"] == "InvalidStatement"
