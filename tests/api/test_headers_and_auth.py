"""Version header, authentication, consistency header and the About resource."""
from __future__ import annotations

import base64

import pytest

from tests.conftest import rejected
from tests.factories import issue_credential


def test_request_without_version_header_is_rejected(xapi):  # xAPI-Communication 3.3.s3.b4.1
    response = xapi.request("GET", "/xapi/statements", headers={"X-Experience-API-Version": ""})
    assert response.status_code == 400
    assert response.headers["X-Experience-API-Version"] in ("1.0.3", "2.0.0")  # 3.3.s3.b1: always sent


@pytest.mark.parametrize("spoken", ["1.0.3", "2.0.0"])
def test_unversioned_request_is_answered_in_the_version_the_client_last_spoke(xapi, spoken):
    # xAPI-Communication 3.3.s3.b1 (the header is on every response; lrs.services.client_versions)
    assert xapi.request("GET", "/xapi/statements", headers={"X-Experience-API-Version": spoken}).status_code == 200
    response = xapi.request("POST", "/xapi/statements", headers={"X-Experience-API-Version": ""}, json=[])
    rejected(response, "X-Experience-API-Version")
    assert response.headers["X-Experience-API-Version"] == spoken


def test_unversioned_request_from_an_unknown_client_is_answered_in_the_newest_version(xapi):
    # xAPI-Communication 3.3.s3.b1
    response = xapi.request("GET", "/xapi/statements", headers={"X-Experience-API-Version": "",
                                                               "Authorization": "Basic bm86Ym9keQ=="})
    rejected(response, "X-Experience-API-Version")
    assert response.headers["X-Experience-API-Version"] == "2.0.0"


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.1", "1.0.3", "1.0.9"])
def test_versions_starting_with_1_0_are_accepted(xapi, version):  # xAPI-Communication 3.3.s3.b3, b5
    response = xapi.request("GET", "/xapi/statements", headers={"X-Experience-API-Version": version})
    assert response.status_code == 200


@pytest.mark.parametrize("version", ["0.95", "1.1.0", "3.0.0", "banana"])
def test_unsupported_versions_are_rejected(xapi, version):  # xAPI-Communication 3.3.s3.b4, b6, b7
    response = xapi.request("GET", "/xapi/statements", headers={"X-Experience-API-Version": version})
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.get_json()["message"]


def test_every_response_carries_the_version_header(xapi):  # xAPI-Communication 3.3.s3.b1; xAPI-Communication 3.3.s3.b2
    for response in (xapi.get_statements(), xapi.get_statements(colour="x"),
                     xapi.request("GET", "/xapi/nothing-here")):
        assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_statement_responses_carry_consistent_through(xapi):  # xAPI-Communication 2.1.3.s2.b5
    response = xapi.get_statements()
    assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")


def test_missing_credentials_get_401_with_www_authenticate(xapi):  # xAPI-Communication 4.0; xAPI-Communication 4.0.s3.b1
    response = xapi.request("GET", "/xapi/statements", headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_secret_gets_401(xapi, store_credential):  # xAPI-Communication 4.0
    token = base64.b64encode(f"{store_credential.key}:wrong".encode()).decode()
    response = xapi.request("GET", "/xapi/statements", headers={"Authorization": f"Basic {token}"})
    assert response.status_code == 401


def test_malformed_authorization_header_gets_401(xapi):  # xAPI-Communication 4.0
    response = xapi.request("GET", "/xapi/statements", headers={"Authorization": "Basic %%%"})
    assert response.status_code == 401


def test_about_lists_versions_without_credentials(app):  # xAPI-Communication 2.8.s5.b1, b2, b4; 2.8.s5.b1.b1
    response = app.test_client().get("/xapi/about")
    assert response.status_code == 200
    assert "1.0.3" in response.get_json()["version"]
    assert set(response.get_json()) <= {"version", "extensions"}
    assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_stores_are_isolated(app, xapi):  # tenancy seam: a credential sees only its own store
    from tests.conftest import XapiClient
    xapi.post_statements({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://e.com/v"},
                          "object": {"id": "http://e.com/a"}})
    other = issue_credential(app.extensions["lrs"], "other", store_name="isolated-other-store")
    other_client = XapiClient(app.test_client(), other.key, other.secret)
    assert other_client.get_statements(verb="http://e.com/v").get_json()["statements"] == []


def test_openapi_document_is_served(app):  # flask-smorest at /docs
    response = app.test_client().get("/docs/openapi.json")
    assert response.status_code == 200
    assert "/xapi/statements" in response.get_json()["paths"]
