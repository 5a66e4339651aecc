"""The statement browser in Debian's Chromium (issue 14): sign in with a store credential, filter, page, open
a statement and export the filter, with the keyboard alone; axe-core finds no violations; the secret is
never in a URL; the session cookie is HttpOnly and SameSite=Strict; the pages forbid script (CSP)."""
from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.conftest import XapiClient
from tests.factories import agent, issue_credential, statement

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT = ROOT / "docs" / "statement-browser.png"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


def _axe_violations(page) -> list:
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make npm` (npm ci)")
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(violation["id"], [node["target"] for node in violation["nodes"]]) for violation in result["violations"]]


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Presses Tab until the element matching `selector` has the focus: only the keyboard moves it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_statement_browser_with_the_keyboard_alone(app, live_server, browser):
    services = app.extensions["lrs"]
    credential = issue_credential(services, "Course team")
    client = XapiClient(app.test_client(), credential.key, credential.secret)
    learners = [agent(name) for name in ("ada", "grace", "alan")]
    batch = [statement(actor=learners[number % 3], verb=COMPLETED if number % 4 == 0 else EXPERIENCED,
                       activity=f"https://example.com/course/1/lesson/{number}",
                       result={"score": {"scaled": 0.8}, "success": True} if number % 4 == 0 else None)
             for number in range(25)]
    batch = [{key: value for key, value in item.items() if value is not None} for item in batch]
    assert client.post_statements(batch).status_code == 200

    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    response = page.goto(f"{live_server}/browse/")
    assert page.url.endswith("/browse/sign-in")
    assert "script-src" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert _axe_violations(page) == []

    # Sign in: the key field has the focus; type, Tab, type, Enter.
    assert page.evaluate("document.activeElement.id") == "key"
    page.keyboard.type(credential.key)
    page.keyboard.press("Tab")
    page.keyboard.type(credential.secret)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/browse/")
    cookie = next(found for found in context.cookies() if found["name"] == "lrs_browser_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/browse"
    assert credential.secret not in cookie["value"]
    assert page.locator("ol.statements > li").count() == 20
    first_summary = page.locator("p.summary").first.inner_text()
    assert "Ada" in first_summary or "Grace" in first_summary or "Alan" in first_summary

    # Page: the link to older statements.
    _tab_to(page, "a[rel=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("ol.statements > li").count() == 5
    assert _axe_violations(page) == []

    # Filter by verb from the form.
    _tab_to(page, "#verb")
    page.keyboard.type(COMPLETED)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summaries = page.locator("p.summary").all_inner_texts()
    assert len(summaries) == 7 and all(" completed " in summary and "score 80%" in summary for summary in summaries)

    # Open a statement: its JSON, pretty-printed.
    _tab_to(page, "details summary")
    page.keyboard.press("Enter")
    shown = page.locator("details[open] pre").first
    assert shown.is_visible()
    opened = orjson.loads(shown.inner_text())
    assert opened["verb"]["id"] == COMPLETED
    assert _axe_violations(page) == []
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    # Export the current filter.
    _tab_to(page, "a[href*='output=jsonl']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    lines = Path(download.value.path()).read_text().splitlines()
    exported = [orjson.loads(line) for line in lines]
    assert len(exported) == 7 and {found["verb"]["id"] for found in exported} == {COMPLETED}
    assert opened in exported

    assert not any(credential.secret in url for url in urls)
    context.close()


def test_sign_in_refuses_a_wrong_secret_and_forms_from_other_sites(app, live_server, browser):
    import requests
    credential = issue_credential(app.extensions["lrs"], "Course team")
    page = browser.new_page()
    page.goto(f"{live_server}/browse/sign-in")
    page.fill("#key", credential.key)
    page.fill("#secret", "not the secret")
    page.keyboard.press("Enter")
    page.wait_for_selector("p.error")
    assert "wrong secret" in page.locator("p.error").inner_text()
    page.close()
    # A form posted from another site's page (Fetch Metadata says so) is refused before the credential is read.
    cross = requests.post(f"{live_server}/browse/sign-in", data={"key": credential.key, "secret": credential.secret},
                          headers={"Sec-Fetch-Site": "cross-site"}, allow_redirects=False, timeout=30)
    assert cross.status_code == 403 and "lrs_browser_session" not in cross.headers.get("Set-Cookie", "")
    reader = issue_credential(app.extensions["lrs"], "writer only", scopes="statements/write")
    refused = requests.post(f"{live_server}/browse/sign-in", data={"key": reader.key, "secret": reader.secret},
                            allow_redirects=False, timeout=30)
    assert refused.status_code == 403 and "lrs_browser_session" not in refused.headers.get("Set-Cookie", "")
