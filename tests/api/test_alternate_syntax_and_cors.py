"""Alternate Request Syntax (xAPI-Communication 1.3) and cross-origin access for browser content."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.conftest import rejected
from tests.factories import new_id, statement

FORM = "application/x-www-form-urlencoded"


def _form_post(xapi, method: str, form: dict, *, version: str = "1.0.3", query: dict | None = None):
    fields = {"Authorization": xapi.headers["Authorization"], "X-Experience-API-Version": version, **form}
    return xapi.http.open("/xapi/statements", method="POST", query_string={"method": method, **(query or {})},
                          data=urlencode(fields), headers={"Content-Type": FORM})


def test_put_through_the_alternate_syntax(xapi):  # xAPI-Communication 1.3.s3.b1-b7, b15
    statement_id = new_id()
    response = _form_post(xapi, "PUT", {"statementId": statement_id, "content": json.dumps(statement()),
                                        "Content-Type": "application/json"})
    assert response.status_code == 204, response.get_json()
    assert xapi.get_statements(statementId=statement_id).status_code == 200


def test_get_through_the_alternate_syntax(xapi):  # xAPI-Communication 1.3.s3.b13-b14, 2.1.2.s2.b3
    [statement_id] = xapi.post_statements(statement(verb="http://example.com/verbs/alt")).get_json()
    response = _form_post(xapi, "GET", {"verb": "http://example.com/verbs/alt"})
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["statements"]] == [statement_id]


def test_form_header_fields_act_as_headers(xapi):  # xAPI-Communication 1.3.s3.b7
    response = _form_post(xapi, "PUT", {"statementId": new_id(), "content": json.dumps(statement())},
                          version="0.8")
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.get_json()["message"]


def test_alternate_syntax_with_extra_query_parameters_is_rejected(xapi):  # xAPI-Communication 1.3.s3.b3
    statement_id = new_id()
    response = _form_post(xapi, "PUT", {"statementId": statement_id, "content": json.dumps(statement())},
                          query={"statementId": statement_id})
    assert response.status_code == 400


def test_alternate_syntax_not_sent_as_post_is_rejected(xapi):  # xAPI-Communication 1.3.s3.b1
    response = xapi.request("PUT", "/xapi/statements", query_string={"method": "POST"}, json=statement())
    assert response.status_code == 400


def test_alternate_syntax_put_without_content_is_rejected(xapi):  # xAPI-Communication 1.3.s3.b4
    assert _form_post(xapi, "PUT", {"statementId": new_id()}).status_code == 400


def test_alternate_syntax_body_that_is_not_a_form_is_rejected(xapi):  # xAPI-Communication 1.3.s3.b4
    response = xapi.request("POST", "/xapi/statements", query_string={"method": "PUT"},
                            data=json.dumps({"statementId": new_id(), "content": statement()}),
                            headers={"Content-Type": FORM})
    assert response.status_code == 400


def test_alternate_syntax_is_rejected_for_xapi_2(xapi):  # IEEE 9274.1.1 removed the alternate syntax
    response = _form_post(xapi, "PUT", {"statementId": new_id(), "content": json.dumps(statement())},
                          version="2.0.0")
    assert "alternate" in rejected(response, "method")["message"]


def test_cors_preflight_needs_no_credentials(app):
    response = app.test_client().options("/xapi/statements", headers={
        "Origin": "http://content.example.org", "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, x-experience-api-version, content-type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://content.example.org"
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]


def test_cors_exposes_the_xapi_headers(xapi):
    response = xapi.get_statements(headers={"Origin": "http://content.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "http://content.example.org"
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "X-Experience-API-Consistent-Through" in exposed and "ETag" in exposed
