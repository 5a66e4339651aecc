"""What real clients found (issue 10): @xapi/xapi's About request in 2.0.0, and the request headers
that browser content adds to cross-origin calls."""
from __future__ import annotations

import time

import pytest

from lrs.api.cors import _allowed_headers

ORIGIN = "http://content.example.org"


@pytest.mark.parametrize("asked, answered", [("2.0.0", "2.0.0"), ("2.0", "2.0.0"), ("1.0.3", "1.0.3"),
                                             ("1.0.0", "1.0.3"), ("1.0", "1.0.3")])
def test_about_answers_in_the_version_asked_for(app, asked, answered):
    # xAPI-Communication 3.3.s3.b1, b2 (latest patch), b3 (1.0 as 1.0.0)
    response = app.test_client().get("/xapi/about", headers={"X-Experience-API-Version": asked})
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == answered


@pytest.mark.parametrize("header", [{}, {"X-Experience-API-Version": "0.9"}, {"X-Experience-API-Version": "banana"}])
def test_about_never_refuses_for_its_version_header(app, header):
    # xAPI-Communication 2.8.s5.b4
    response = app.test_client().get("/xapi/about", headers=header)
    assert response.status_code == 200
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert "2.0.0" in response.get_json()["version"]


def test_a_preflight_allows_the_headers_browser_content_adds(app):
    # Fetch standard CORS: every header the preflight names must be allowed, or the browser sends nothing
    requested = "authorization, cache-control, content-type, pragma, x-experience-api-version, x-requested-with"
    response = app.test_client().options("/xapi/statements", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": requested})
    allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert set(requested.split(", ")) <= allowed
    assert {"Origin", "Access-Control-Request-Headers"} <= set(response.vary)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_a_preflight_naming_something_that_is_not_a_header_name_gets_only_ours(app):
    response = app.test_client().options("/xapi/statements", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "pragma, x-evil: 1, <script>"})
    allowed = response.headers["Access-Control-Allow-Headers"]
    assert "pragma" not in allowed.lower() and "<" not in allowed and ":" not in allowed
    assert "Authorization" in allowed


def test_the_header_name_check_is_linear():
    # Issue 10 item 3: every parser on a request path is linear; a long near-miss costs microseconds
    requested = "a" * 200_000 + "\u00e9"
    started = time.perf_counter()
    assert "aaaa" not in _allowed_headers(requested)
    assert _allowed_headers(", ".join(["x-a"] * 10_000)).endswith("x-a")
    assert time.perf_counter() - started < 0.5
