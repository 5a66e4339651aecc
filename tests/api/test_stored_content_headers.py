"""Stored content is served inert on the LRS origin (issue 10, security item 2; docs/security.md).

Documents come back with the Content-Type their writer stored (xAPI-Communication 2.2.s2: the contents
are "the HTTP document itself"), so every response forbids sniffing and script, and stored content that a
browser would render as a page is a download. The browser-level proof is tests/e2e/test_stored_content_is_inert.py.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.factories import new_id, statement, with_text_attachment

SANDBOX = "default-src 'none'; frame-ancestors 'none'; sandbox"
HTML = b"<!DOCTYPE html><script>document.title = 'ran'</script>"
STATE_QUERY = {"activityId": "http://example.com/activities/page", "stateId": "page",
               "agent": json.dumps({"mbox": "mailto:learner@example.com"})}
DOCUMENTS = [("/xapi/activities/state", STATE_QUERY),
             ("/xapi/activities/profile", {"activityId": "http://example.com/activities/page", "profileId": "page"}),
             ("/xapi/agents/profile", {"agent": json.dumps({"mbox": "mailto:learner@example.com"}),
                                       "profileId": "page"})]


def assert_inert(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == SANDBOX


@pytest.mark.parametrize("path, query", DOCUMENTS)
@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/xhtml+xml", "text/xml"])
def test_a_document_a_browser_would_render_keeps_its_type_and_is_a_sandboxed_download(xapi, path, query, content_type):
    # xAPI-Communication 2.2.s2 (contents as stored), 2.3, 2.6, 2.7
    query = {**query, "stateId" if "stateId" in query else "profileId": new_id()}
    assert xapi.request("PUT", path, query_string=query, data=HTML,
                        headers={"Content-Type": content_type, "If-None-Match": "*"}).status_code == 204
    response = xapi.request("GET", path, query_string=query)
    assert response.status_code == 200
    assert response.mimetype == content_type and response.data == HTML
    assert_inert(response)
    assert response.headers["Content-Disposition"] == "attachment"


@pytest.mark.parametrize("content_type", ["application/json", "text/plain; charset=utf-8"])
def test_json_and_plain_text_documents_stay_inline_but_sandboxed(xapi, content_type):
    # Shown as text, JSON and plain text cannot run; readers opening them in a tab expect to see them
    body = b'{"html": "<script>document.title = 1</script>"}'
    xapi.request("PUT", "/xapi/activities/state", query_string=STATE_QUERY, data=body,
                 headers={"Content-Type": content_type})
    response = xapi.request("GET", "/xapi/activities/state", query_string=STATE_QUERY)
    assert response.headers["Content-Type"].startswith(content_type.split(";")[0])
    assert_inert(response)
    assert "Content-Disposition" not in response.headers


def test_a_document_read_through_the_alternate_syntax_is_a_sandboxed_download(xapi):
    # xAPI-Communication 1.3.s3.b7: a cross-site form can send the credential as a form field
    xapi.request("PUT", "/xapi/activities/state", query_string=STATE_QUERY, data=HTML,
                 headers={"Content-Type": "text/html"})
    form = {"Authorization": xapi.headers["Authorization"], "X-Experience-API-Version": "1.0.3", **STATE_QUERY}
    response = xapi.http.post("/xapi/activities/state?method=GET", data=urlencode(form),
                              headers={"Content-Type": "application/x-www-form-urlencoded",
                                       "Origin": "http://course.example.org"})
    assert response.status_code == 200 and response.data == HTML
    assert_inert(response)
    assert response.headers["Content-Disposition"] == "attachment"


def test_statements_with_attachments_are_a_sandboxed_download(xapi):
    # xAPI-Communication 2.1.3.s2.b6 (attachments=true answers multipart/mixed)
    given = statement(statement_id=new_id())
    body, content_type = with_text_attachment(given, b"<script>document.title = 'ran'</script>")
    assert xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type}).status_code == 200
    response = xapi.get_statements(statementId=given["id"], attachments="true")
    assert response.mimetype == "multipart/mixed"
    assert_inert(response)
    assert response.headers["Content-Disposition"] == "attachment"


def test_every_response_is_nosniff_and_sandboxed(app, xapi):
    client = app.test_client()
    responses = [client.get("/xapi/about"), xapi.get_statements(), client.get("/xapi/statements"),
                 xapi.request("PUT", "/xapi/statements", query_string={"statementId": "not-a-uuid"}, json={}),
                 client.get("/admin/stores"), client.get("/no/such/page"), client.get("/docs/openapi.json")]
    for response in responses:
        assert_inert(response)
    assert "Content-Disposition" not in xapi.get_statements().headers  # JSON is read inline


def test_an_empty_answer_carries_no_disposition(xapi):
    response = xapi.request("PUT", "/xapi/activities/state", query_string=STATE_QUERY, data=b"{}",
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 204
    assert "Content-Disposition" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
