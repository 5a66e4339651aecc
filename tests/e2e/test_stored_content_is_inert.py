"""Stored documents never run script on the LRS origin (issue 10, security item 2), in Chromium.

A credential with only the `state` scope stores an HTML page with a script; the page is then opened
on the LRS origin, by a GET with the browser's credentials and by a cross-site form POST of the
alternate request syntax (xAPI-Communication 1.3). Either way the script must not run.
"""
from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
import requests
from playwright.sync_api import Error as PlaywrightError

from tests.factories import issue_credential

pytestmark = pytest.mark.e2e
RAN_TITLE = "stored script ran"


def _store_html_state(app, live_server: str, beacon: str) -> tuple[dict, dict]:
    """A state-only credential and the query of an HTML State document it stored."""
    issued = issue_credential(app.extensions["lrs"], "course content", scopes="state")
    query = {"activityId": f"http://example.com/activities/{uuid.uuid4()}",
             "agent": json.dumps({"mbox": "mailto:learner@example.com"}), "stateId": "page"}
    html = (f"<!DOCTYPE html><html><head><title>stored</title></head><body>"
            f"<script>document.title = {json.dumps(RAN_TITLE)}; new Image().src = {json.dumps(beacon)};"
            f"fetch({json.dumps(beacon)});</script></body></html>")
    response = requests.put(f"{live_server}/xapi/activities/state", params=query, data=html.encode(),
                            auth=(issued.key, issued.secret), timeout=10,
                            headers={"X-Experience-API-Version": "1.0.3", "Content-Type": "text/html"})
    assert response.status_code == 204, response.text  # xAPI-Communication 2.3: any content type is stored
    return {"key": issued.key, "secret": issued.secret}, query


def _watch(page, beacon: str) -> dict:
    seen = {"beacon": [], "downloads": []}
    page.on("request", lambda request: seen["beacon"].append(request.url) if request.url == beacon else None)
    page.on("download", lambda download: seen["downloads"].append(download.url))
    return seen


def _assert_no_script_ran(page, seen: dict, live_server: str) -> None:
    deadline = time.monotonic() + 10
    while not seen["downloads"] and not page.url.startswith(live_server) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert seen["downloads"] or page.url.startswith(live_server), "the document was never opened"
    page.wait_for_load_state()
    page.wait_for_timeout(300)  # time for a beacon the script would send
    assert page.title() != RAN_TITLE
    assert not seen["beacon"]


def test_a_stored_html_document_opened_with_credentials_runs_no_script(app, live_server, content_origin, browser):
    # xAPI-Communication 2.2 (documents are returned as stored) without executing them on our origin
    beacon = f"{content_origin}/script-ran-{uuid.uuid4()}"
    credential, query = _store_html_state(app, live_server, beacon)
    context = browser.new_context(
        http_credentials={"username": credential["key"], "password": credential["secret"]},
        extra_http_headers={"X-Experience-API-Version": "1.0.3"})
    page = context.new_page()
    seen = _watch(page, beacon)
    url = requests.Request("GET", f"{live_server}/xapi/activities/state", params=query).prepare().url
    try:
        page.goto(url)
    except PlaywrightError as error:  # served as an attachment: the browser downloads, never renders
        assert "Download is starting" in str(error)
    _assert_no_script_ran(page, seen, live_server)
    context.close()


def test_a_cross_site_alternate_syntax_form_post_of_a_stored_html_document_runs_no_script(
        app, live_server, content_origin, page):
    # xAPI-Communication 1.3.s3.b7: a form's Authorization field acts as the header
    beacon = f"{content_origin}/script-ran-{uuid.uuid4()}"
    credential, query = _store_html_state(app, live_server, beacon)
    token = base64.b64encode(f"{credential['key']}:{credential['secret']}".encode()).decode()
    fields = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3", **query}
    page.goto(f"{content_origin}/blank.html")
    seen = _watch(page, beacon)
    page.evaluate("""([action, fields]) => {
        const form = document.createElement("form");
        form.method = "POST";
        form.action = action;
        for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement("input");
            input.type = "hidden"; input.name = name; input.value = value;
            form.appendChild(input);
        }
        document.body.appendChild(form);
        form.submit();
    }""", [f"{live_server}/xapi/activities/state?method=GET", fields])
    _assert_no_script_ran(page, seen, live_server)
