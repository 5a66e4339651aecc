"""The plain SCORM commit (scorm_runtime/plain_commit.py) answers exactly as the Flask view does
(docs/scorm-player-protocol.md, Calls: commit).

A commit with a query string goes to the Flask view, so each test sends the same call both ways and compares
what came back. On SQLite and PostgreSQL (tests/conftest.py `app`)."""
from __future__ import annotations

import pytest

from scorm_runtime.plain_commit import RULE
from tests.api.test_scorm_runtime import GOLF_12_SINGLE, Lms

THROUGH_FLASK = "?via=flask"


@pytest.fixture
def lms(xapi) -> Lms:
    return Lms(xapi)


@pytest.fixture
def session(lms):
    """(the launch, the started session) of a fresh SCORM 1.2 registration."""
    launch = lms.launch(lms.register(lms.import_course(GOLF_12_SINGLE)))
    return launch, lms.start(launch)


def _route(app):
    app.test_client().get("/xapi/about")  # each process's first request goes to Flask
    return app.extensions["scorm_plain_commit"]


def _headers(response) -> dict:
    headers = dict(response.headers)
    headers.pop("X-Request-Id", None)  # one per request (lrs/operations), added outside both routes
    return headers


def _both_ways(app, lms, launch, body, *, answered: int = 0, replayed: int = 0):
    """(the plain route's answer, the view's), checking which of the plain route's counts each moved."""
    route = _route(app)
    before = (route.counts.answered, route.counts.replayed)
    path = f"/player/api/sessions/{launch['session']}/commit"
    plain = lms.http.post(path, json=body)
    assert (route.counts.answered, route.counts.replayed) == (before[0] + answered, before[1] + replayed)
    flask = lms.http.post(path + THROUGH_FLASK, json=body)
    assert (route.counts.answered, route.counts.replayed) == (before[0] + answered, before[1] + replayed)
    return plain, flask


def test_a_commit_gets_the_views_status_headers_and_body(app, lms, session):
    launch, started = session
    body = {"sessionToken": started["sessionToken"],
            "cmi": {"cmi.core.lesson_location": "page-2", "cmi.suspend_data": "x" * 100}}
    plain, flask = _both_ways(app, lms, launch, body, answered=1)
    assert (plain.status_code, flask.status_code) == (200, 200)
    assert plain.get_json() == flask.get_json()
    assert _headers(plain) == _headers(flask)
    assert plain.headers["Cache-Control"] == "no-store" and plain.headers["X-Content-Type-Options"] == "nosniff"
    assert plain.headers["Content-Security-Policy"]


@pytest.mark.parametrize("case, status, error", [
    ("wrong token", 401, "invalid_token"),
    ("not JSON", 400, "bad_request"),
    ("not an object", 400, "bad_request"),
    ("unknown session", 401, "invalid_token"),  # a token names its own session only
])
def test_a_refused_commit_gets_the_views_error(app, lms, session, case, status, error):
    launch, started = session
    token = started["sessionToken"]
    route = _route(app)
    path = f"/player/api/sessions/{launch['session']}/commit"
    if case == "unknown session":
        path = "/player/api/sessions/00000000-0000-4000-8000-000000000000/commit"
    send = {
        "wrong token": lambda suffix: lms.http.post(path + suffix, json={"sessionToken": token + "x", "cmi": {}}),
        "not JSON": lambda suffix: lms.http.post(path + suffix, data=b"{not json",
                                                 headers={"Content-Type": "text/plain"}),
        "not an object": lambda suffix: lms.http.post(path + suffix, json=[1, 2]),
        "unknown session": lambda suffix: lms.http.post(path + suffix, json={"sessionToken": token, "cmi": {}}),
    }[case]
    replayed = route.counts.replayed
    plain = send("")
    assert route.counts.replayed == replayed + 1  # the error was Flask's to answer
    flask = send(THROUGH_FLASK)
    assert (plain.status_code, flask.status_code) == (status, status)
    assert plain.get_json() == flask.get_json() and plain.get_json()["error"] == error
    assert _headers(plain) == _headers(flask)


def test_a_commit_after_terminate_is_refused_as_by_the_view(app, lms, session):
    launch, started = session
    token = started["sessionToken"]
    assert lms.call(launch["session"], "terminate", {"sessionToken": token, "cmi": {}}).status_code == 200
    plain, flask = _both_ways(app, lms, launch, {"sessionToken": token, "cmi": {}}, replayed=1)
    assert (plain.status_code, flask.status_code) == (409, 409)
    assert plain.get_json() == flask.get_json() and plain.get_json()["error"] == "session_ended"


def test_other_paths_and_methods_go_to_flask(app, lms, session):
    launch, started = session
    route = _route(app)
    counts = (route.counts.answered, route.counts.replayed)
    assert lms.http.get(f"/player/api/sessions/{launch['session']}/commit").status_code == 405
    assert lms.http.post(f"/player/api/sessions/{launch['session']}/x/commit", json={}).status_code == 404
    assert lms.http.post("/player/api/sessions//commit", json={}).status_code in (404, 308)
    assert (route.counts.answered, route.counts.replayed) == counts


def test_the_runtime_blueprint_has_no_hooks_the_plain_commit_would_skip(app):
    # App-level hooks are checked in tests/api/test_statement_post_route.py (KNOWN_HOOKS).
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        assert not hooks.get("scorm_runtime"), hooks.get("scorm_runtime")
    assert RULE in {rule.rule for rule in app.url_map.iter_rules()}
