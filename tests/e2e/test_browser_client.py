"""TinCanJS in headless Chromium, on a page from another origin, against the running server
(xAPI-Communication 1.5.2 attachments, 2.1 statements, 2.3 State; CORS for content hosted elsewhere)."""
from __future__ import annotations

import hashlib

import pytest

from tests.conftest import XapiClient
from tests.factories import issue_credential

pytestmark = pytest.mark.e2e
NOTES = "notes written in the browser: ünïcödé"


def test_tincanjs_in_chromium_stores_a_statement_with_an_attachment_and_state(app, live_server, content_origin,
                                                                            page):
    # xAPI-Communication 1.5.2.s1.b2, 2.1.2, 2.1.3.s2.b6, 2.3.s3
    issued = issue_credential(app.extensions["lrs"], "browser")
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    page.on("pageerror", lambda error: failed_requests.append(f"page error: {error}"))
    page.goto(f"{content_origin}/tincan_client.html")
    assert page.evaluate("location.origin") != live_server  # the LRS is another origin
    result = page.evaluate("([endpoint, key, secret]) => window.clientRun(endpoint, key, secret)",
                           [f"{live_server}/xapi/", issued.key, issued.secret])
    assert not failed_requests  # every cross-origin request passed CORS (xAPI-Communication 1.3 note on CORS)

    assert result["readBackVerb"] == "http://adlnet.gov/expapi/verbs/experienced"
    assert result["attachmentSha2"] == hashlib.sha256(NOTES.encode()).hexdigest()
    assert result["attachmentContent"] == NOTES
    assert result["state"] == '{"page":3,"seen":["intro"]}' or result["state"] == {"page": 3, "seen": ["intro"]}
    assert result["stateEtag"]

    # What the browser stored is what the LRS holds.
    reader = XapiClient(app.test_client(), issued.key, issued.secret)
    statement = reader.get_statements(statementId=result["statementId"]).get_json()
    assert statement["actor"]["mbox"] == "mailto:browser@example.com"
    assert statement["attachments"][0]["sha2"] == result["attachmentSha2"]
    assert statement["context"]["registration"] == result["readBackRegistration"]
