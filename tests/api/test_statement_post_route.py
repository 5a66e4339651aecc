"""The plain statement POST (lrs/api/statements/post_route.py) answers exactly as the Flask view does.

A POST with a query string goes to the Flask view (`cachebuster` is a parameter the LRS ignores), so each
test sends the same request both ways and compares what came back."""
from __future__ import annotations

import base64
import io
import uuid

import pytest

from lrs.api.plain_routes import KNOWN_HOOKS, before_flask_request
from lrs.app import create_app
from tests.conftest import XapiClient, rejected
from tests.factories import issue_credential

THROUGH_FLASK = {"cachebuster": "1"}
STATEMENT = {"actor": {"mbox": "mailto:route@example.com"},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
             "object": {"id": "http://example.com/activities/route"}}


def _route(app):
    route = app.extensions["statement_post_route"]
    app.test_client().get("/xapi/about")  # each process's first request goes to Flask
    return route


def _both_ways(app, xapi: XapiClient, payload, **kwargs):
    """(the plain route's answer, which it handed to Flask as an error, and the view's answer)"""
    route = _route(app)
    replayed = route.replayed
    plain = xapi.request("POST", "/xapi/statements", json=payload, **kwargs)
    assert route.replayed == replayed + 1
    flask = xapi.request("POST", "/xapi/statements", json=payload, query_string=THROUGH_FLASK, **kwargs)
    assert route.replayed == replayed + 1
    return plain, flask


def _headers(response) -> dict:
    headers = dict(response.headers)
    # a clock reading, different on every answer: checked for presence and form only
    assert headers.pop("X-Experience-API-Consistent-Through").endswith("Z")
    headers.pop("X-Request-Id", None)  # one per request (lrs/operations), added outside both routes
    return headers


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_stored_answer_has_the_views_status_headers_and_body(app, xapi, version):
    # xAPI-Communication 2.1.2 (POST answers the ids), 3.3.s3.b1 (version header), 2.1.3.s2.b5
    xapi.headers["X-Experience-API-Version"] = version
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    route = _route(app)
    answered = route.answered
    plain = xapi.post_statements({**STATEMENT, "id": first})
    assert route.answered == answered + 1
    flask = xapi.request("POST", "/xapi/statements", json={**STATEMENT, "id": second}, query_string=THROUGH_FLASK)
    assert (plain.status_code, flask.status_code) == (200, 200)
    assert (plain.get_json(), flask.get_json()) == ([first], [second])
    assert route.answered == answered + 1
    assert _headers(plain) == _headers(flask)
    assert plain.headers["X-Experience-API-Version"] == version
    stored = xapi.get_statements(statementId=first).get_json()
    assert stored["id"] == first and stored["authority"]


def test_a_batch_is_stored_all_or_nothing_through_the_plain_route(xapi):
    # xAPI-Communication 2.1.2.s2.b6: two statements with one id: nothing is stored
    same = str(uuid.uuid4())
    response = xapi.post_statements([{**STATEMENT, "id": same}, {**STATEMENT, "id": same}])
    rejected(response, "")
    assert xapi.get_statements(statementId=same).status_code == 404


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_invalid_statement_gets_the_views_error(app, xapi, version):
    # xAPI-Data 2.4.3: a statement without a verb is a 400 naming where
    xapi.headers["X-Experience-API-Version"] = version
    plain, flask = _both_ways(app, xapi, {"actor": STATEMENT["actor"], "object": STATEMENT["object"]})
    assert rejected(plain, "verb") == rejected(flask, "verb")
    assert _headers(plain) == _headers(flask)
    assert plain.headers["X-Experience-API-Version"] == version


def test_malformed_json_gets_the_views_error(app, xapi):
    # xAPI-Communication 1.5.1
    headers = {"Content-Type": "application/json"}
    route = _route(app)
    replayed = route.replayed
    plain = xapi.request("POST", "/xapi/statements", data=b'{"actor": ', headers=headers)
    assert route.replayed == replayed + 1
    flask = xapi.request("POST", "/xapi/statements", data=b'{"actor": ', headers=headers, query_string=THROUGH_FLASK)
    assert rejected(plain, "") == rejected(flask, "")
    assert "not valid JSON" in plain.get_json()["message"]


def test_repeated_property_is_refused_on_the_plain_route(xapi):
    # xAPI-Data 2.2.s2.b2: a property at most once
    raw = (b'{"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},'
           b' "verb": {"id": "http://example.com/w"}, "object": {"id": "http://example.com/o"}}')
    response = xapi.request("POST", "/xapi/statements", data=raw, headers={"Content-Type": "application/json"})
    rejected(response, "verb")


@pytest.mark.parametrize("browser", [False, True])
def test_wrong_secret_gets_the_views_401(app, xapi, browser):
    # xAPI-Communication 4.0; a browser is never offered Basic (lrs/api/browser_challenge.py)
    token = base64.b64encode(f"{xapi.key}:wrong".encode()).decode()
    headers = {"Authorization": f"Basic {token}", **({"Sec-Fetch-Mode": "cors"} if browser else {})}
    plain, flask = _both_ways(app, xapi, STATEMENT, headers=headers)
    assert rejected(plain, None, 401) == rejected(flask, None, 401)
    assert _headers(plain) == _headers(flask)
    assert plain.headers["WWW-Authenticate"].startswith("LRS-Basic " if browser else "Basic ")


def test_a_failed_authentication_counts_once(settings):
    # xAPI-Communication 3.2.s3.b13 (429): the plain route hands the 401 to Flask without a second check
    app = create_app(settings.__class__(**{**settings.__dict__, "auth_failure_limit": 3}))
    try:
        issued = issue_credential(app.extensions["lrs"], "throttled")
        xapi = XapiClient(app.test_client(), issued.key, issued.secret)
        wrong = base64.b64encode(f"{issued.key}:wrong".encode()).decode()
        for _ in range(3):
            assert xapi.post_statements(STATEMENT, headers={"Authorization": f"Basic {wrong}"}).status_code == 401
        response = xapi.post_statements(STATEMENT)
        assert response.status_code == 429, response.data
        assert response.headers["Retry-After"]
    finally:
        app.extensions["lrs"].close()


def test_app_level_hooks_are_ones_the_plain_route_stands_in_for(app):
    # A new app-level hook would be skipped by plain POSTs: its author must say what stands in for it.
    for kind in ("before_request", "after_request"):
        hooks = getattr(app, f"{kind}_funcs").get(None, [])
        names = {f"{hook.__module__}.{hook.__name__}" for hook in hooks}
        assert names <= set(KNOWN_HOOKS[kind]), names - set(KNOWN_HOOKS[kind])
    assert app.before_request_funcs[None][0] is before_flask_request
    # Other app-level hooks a plain answer would skip: none today; whoever adds one decides as above.
    for hooks in (app.teardown_request_funcs, app.url_value_preprocessors, app.url_default_functions):
        assert not hooks.get(None), hooks.get(None)


def test_each_process_first_request_goes_to_flask(settings):
    # so a hook that starts something once per process (automation's runner) has run
    app = create_app(settings)
    try:
        issued = issue_credential(app.extensions["lrs"], "first request")
        xapi = XapiClient(app.test_client(), issued.key, issued.secret)
        route = app.extensions["statement_post_route"]
        assert xapi.post_statements(STATEMENT).status_code == 200
        assert route.answered == 0
        assert xapi.post_statements(STATEMENT).status_code == 200
        assert route.answered == 1
    finally:
        app.extensions["lrs"].close()


def test_cross_origin_post_gets_the_views_cors_headers(app, xapi):
    # Fetch standard CORS (lrs/api/cors.py): browser content on another origin reads the answer
    origin = "https://content.example"
    assert "*" in app.extensions["lrs_settings"].cors_origins
    route = _route(app)
    answered = route.answered
    plain = xapi.request("POST", "/xapi/statements", json=STATEMENT, headers={"Origin": origin})
    assert route.answered == answered + 1
    flask = xapi.request("POST", "/xapi/statements", json=STATEMENT, headers={"Origin": origin},
                         query_string=THROUGH_FLASK)
    assert (plain.status_code, flask.status_code) == (200, 200)
    assert _headers(plain) == _headers(flask)
    assert plain.headers["Access-Control-Allow-Origin"] == origin


def test_origin_not_allowed_gets_no_cors_headers(settings):
    # lrs/api/cors.py: only the origins in LRS_CORS_ORIGINS
    app = create_app(settings.__class__(**{**settings.__dict__, "cors_origins": ("https://allowed.example",)}))
    try:
        issued = issue_credential(app.extensions["lrs"], "cors")
        xapi = XapiClient(app.test_client(), issued.key, issued.secret)
        route = _route(app)
        for origin, allowed in (("https://other.example", False), ("https://allowed.example", True)):
            plain, flask = (xapi.request("POST", "/xapi/statements", json=STATEMENT, headers={"Origin": origin},
                                         query_string=query) for query in ({}, THROUGH_FLASK))
            assert (plain.status_code, flask.status_code) == (200, 200)
            assert _headers(plain) == _headers(flask)
            assert ("Access-Control-Allow-Origin" in plain.headers) is allowed
        assert route.answered == 2
    finally:
        app.extensions["lrs"].close()


def test_short_body_is_still_a_client_error(xapi):
    # A body shorter than its Content-Length: nothing stored, a 4xx as before (werkzeug's)
    body = b'{"actor": {"mbox": "mailto:a@example.com"}}'
    response = xapi.http.open("/xapi/statements", method="POST", input_stream=io.BytesIO(body),
                              headers={**xapi.headers, "Content-Type": "application/json",
                                       "Content-Length": str(len(body) + 10)})
    assert 400 <= response.status_code < 500
