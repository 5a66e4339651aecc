"""Defects the attack review of issue 10 proved on the HTTP layer, each fixed (docs/security.md)."""
from __future__ import annotations

from urllib.parse import urlencode

import orjson
import pytest
from flask import Response

from lrs.api.stored_content import add_inert_content_headers
from tests.api.test_admin_browser_requests import admin_headers  # noqa: F401 - fixture
from tests.factories import statement


def test_the_more_irl_is_json_encoded_whatever_the_script_name(xapi):
    # xAPI-Communication 2.1.3.s4 (StatementResult is JSON; `more` an IRL): SCRIPT_NAME comes from the
    # request (gunicorn takes it from a header), so it must be encoded, not pasted into the text.
    assert xapi.post_statements([statement(), statement()]).status_code == 200
    script_name = '/a"}'
    response = xapi.request("GET", "/xapi/statements", query_string={"limit": 1},
                            environ_overrides={"SCRIPT_NAME": script_name})
    assert response.status_code == 200
    page = orjson.loads(response.data)
    assert len(page["statements"]) == 1
    assert page["more"].startswith(script_name + "/xapi/statements?more=")


def test_head_is_not_an_alternate_syntax_method(xapi):
    # xAPI-Communication 1.3.s3.b2; a POST answered as HEAD carries a length and no body, breaking framing
    fields = {"Authorization": xapi.headers["Authorization"], "X-Experience-API-Version": "1.0.3", "limit": "1"}
    response = xapi.http.open("/xapi/statements", method="POST", query_string={"method": "HEAD"},
                              data=urlencode(fields), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "HEAD" in response.get_json()["message"]


def test_an_origin_of_another_scheme_is_another_origin(app, admin_headers):  # noqa: F811
    # RFC 6454 s4: an origin is scheme, host and port; https://host is not http://host
    response = app.test_client().get("/admin/stores", headers={**admin_headers, "Origin": "https://localhost"})
    assert response.status_code == 403
    assert response.get_json()["path"] == "Origin"
    same = app.test_client().get("/admin/stores", headers={**admin_headers, "Origin": "http://localhost"})
    assert same.status_code == 200


def test_a_content_type_list_that_browsers_read_as_html_is_a_download(app):
    # Fetch "extract a MIME type" takes the last type of a comma list; Werkzeug reads the first. Stored
    # before strict media types were required, such a document must still not render inline.
    for content_type, download in (("text/plain;x=, text/html", True), ("application/json;a=, text/html", True),
                                   ("text/plain; charset=utf-8", False), ("application/json", False)):
        with app.test_request_context("/xapi/activities/state"):
            response = add_inert_content_headers(Response(b"<h1>x</h1>", headers={"Content-Type": content_type}))
        assert (response.headers.get("Content-Disposition") == "attachment") is download, content_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Type"] == content_type


@pytest.mark.parametrize("body", [
    '{"name": "\\ud800"}',                                  # a lone surrogate no driver can write
    '{"name": ' + "[" * 5000 + "]" * 5000 + "}",            # deeper than any JSON parser recurses
    '{"name": "x", "extra": ' + "[" * 300 + "]" * 300 + "}",  # deeper than the LRS writes back
])
def test_admin_bodies_no_parser_can_take_are_400_and_create_nothing(app, admin_headers, body):  # noqa: F811
    # The admin API answers malformed requests as /xapi does: a 400 naming the problem, never a 500
    client = app.test_client()
    before = client.get("/admin/stores", headers=admin_headers).get_json()
    response = client.post("/admin/stores", data=body, headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code == 400, response.data
    assert response.get_json()["error"]
    assert client.get("/admin/stores", headers=admin_headers).get_json() == before


@pytest.mark.parametrize("name, value", [("limit", "\u0663"), ("limit", "1\u00b2"), ("store_id", "\u0661")])
def test_admin_query_integers_are_ascii_digits(app, admin_headers, name, value):  # noqa: F811
    response = app.test_client().get("/admin/audit", query_string={name: value}, headers=admin_headers)
    assert response.status_code == 400, response.data
    assert name in str(response.get_json())


@pytest.mark.parametrize("body", [b"\x89\x00 not json", b"{", b"[1,]"])
def test_an_admin_body_that_is_not_json_is_refused_not_read_as_empty(app, admin_headers, body):  # noqa: F811
    # A dry run is the default when the body is absent; a body that says nothing readable must not purge.
    response = app.test_client().post("/admin/terms/purge", data=body,
                                      headers={**admin_headers, "Content-Type": "application/json"})
    assert response.status_code == 400, response.data
