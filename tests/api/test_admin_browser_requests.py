"""The admin API and browsers (issue 10, security item 2; docs/security.md).

A browser that prompted for Basic credentials remembers them and sends them again when any page of the
origin asks, and with any cross-site form POST to it. So /admin never asks with a Basic challenge, and it
refuses requests that a page of another site made, before looking at any credential.
"""
from __future__ import annotations

import base64
import uuid

import pytest

from tests.factories import issue_credential

JSON_BODY = {"name": "made by a page"}


@pytest.fixture
def admin_headers(app) -> dict:
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    app.extensions["lrs"].administration.create_admin("test", username, password)
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


def test_admin_401_is_not_a_basic_challenge_a_browser_would_prompt_for(app):
    # RFC 7235 s3.1: a 401 carries a challenge; browsers prompt (and remember) only for schemes they know
    response = app.test_client().get("/admin/stores")
    assert response.status_code == 401
    scheme = response.headers["WWW-Authenticate"].split(" ", 1)[0]
    assert scheme.lower() not in ("basic", "digest", "negotiate", "ntlm")
    assert response.get_json()["error"] == "Unauthorized"


def test_xapi_401_still_challenges_for_basic(app):
    # xAPI-Communication 4.0.s2.b2: HTTP Basic for xAPI clients, browser content included
    response = app.test_client().get("/xapi/statements", headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_request_another_site_made_is_refused_even_with_admin_credentials(app, admin_headers, site):
    # Fetch Metadata: Sec-Fetch-Site is set by the browser, never by a page's script
    client = app.test_client()
    response = client.post("/admin/stores", json=JSON_BODY, headers={**admin_headers, "Sec-Fetch-Site": site,
                                                                     "Origin": "http://evil.example"})
    assert response.status_code == 403
    assert response.get_json()["path"] == "Sec-Fetch-Site"
    names = [store["name"] for store in client.get("/admin/stores", headers=admin_headers).get_json()]
    assert JSON_BODY["name"] not in names


def test_a_request_from_another_origin_is_refused_by_browsers_without_fetch_metadata(app, admin_headers):
    response = app.test_client().get("/admin/stores", headers={**admin_headers, "Origin": "http://evil.example"})
    assert response.status_code == 403
    assert response.get_json()["path"] == "Origin"
    null_origin = app.test_client().get("/admin/stores", headers={**admin_headers, "Origin": "null"})
    assert null_origin.status_code == 403


def test_same_origin_pages_and_non_browser_clients_are_answered(app, admin_headers):
    client = app.test_client()
    assert client.get("/admin/stores", headers=admin_headers).status_code == 200  # curl, scripts
    assert client.get("/admin/stores", headers={**admin_headers, "Sec-Fetch-Site": "same-origin",
                                                "Origin": "http://localhost"}).status_code == 200
    assert client.get("/admin/stores", headers={**admin_headers, "Sec-Fetch-Site": "none"}).status_code == 200
    assert client.get("/admin/stores", headers={**admin_headers, "Origin": "http://localhost"}).status_code == 200


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                          "text/plain"])
def test_a_form_post_cannot_rotate_a_secret(app, admin_headers, content_type):
    # The types a cross-site form sends without a CORS preflight: the admin API takes JSON only
    issued = issue_credential(app.extensions["lrs"], "victim")
    xapi_auth = {"Authorization": "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode(),
                 "X-Experience-API-Version": "1.0.3"}
    client = app.test_client()
    response = client.post(f"/admin/credentials/{issued.credential_id}/rotate", data=b"",
                           headers={**admin_headers, "Content-Type": content_type})
    assert response.status_code == 415
    assert response.get_json()["path"] == "Content-Type"
    assert client.get("/xapi/statements", headers=xapi_auth).status_code == 200  # the old secret still works


def test_admin_answers_no_cors(app, admin_headers):
    client = app.test_client()
    preflight = client.options("/admin/stores", headers={"Origin": "http://content.example.org",
                                                        "Access-Control-Request-Method": "POST",
                                                        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Headers" not in preflight.headers
