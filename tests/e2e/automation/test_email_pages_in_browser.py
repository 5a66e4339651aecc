"""The workflows' pages in a real browser (Debian's Chromium), against a real server (gunicorn on SQLite,
the embedded runner handling events) and a real SMTP server: the help form, the unsubscribe page and the
certificate verification page work with the keyboard alone, and their CSP blocks nothing they need."""
from __future__ import annotations

import re
import time
import uuid

import pytest
import requests

from automation.email.unsubscribe import UnsubscribeTokens
from automation.workflows.rules import Rules
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, run_server
from tests.e2e.automation.smtp_server import SmtpServer
from tests.factories import issue_credential

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("pages")
    database_url = f"sqlite:///{data_dir / 'lrs.sqlite3'}"
    upgrade(database_url)
    services = build_services(Settings(database_url=database_url, secret_key=SERVER_SECRET))
    credential = issue_credential(services, "pages")
    smtp = SmtpServer()
    server = run_server(database_url, workers=1, public_url=True, data_dir=str(data_dir), smtp_host="127.0.0.1",
                        smtp_port=str(smtp.port), smtp_security="none", automation_runner="embedded")
    base_url = next(server)
    yield base_url, services, credential, smtp
    next(server, None)
    smtp.stop()
    services.close()


def wait_for_mail(smtp, address: str, subject_prefix: str):
    """The embedded runner sends in the background: wait for the message (not a timing assertion)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for received in list(smtp.inbox.messages):
            if address in received.recipients and received.message["Subject"].startswith(subject_prefix):
                return received.message
        time.sleep(0.1)
    pytest.fail(f"no message {subject_prefix!r} to {address}")


def watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_help_form_is_filled_and_sent_with_the_keyboard_alone(site, page):
    base_url, _, credential, smtp = site
    problems = watch_console(page)
    page.goto(f"{base_url}/support/{credential.store_id}/help")
    email = f"keys-{uuid.uuid4().hex[:8]}@example.com"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type("Forgot my password")
    page.keyboard.press("Tab")
    page.keyboard.type("I cannot log in since yesterday.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=We have your request")
    assert problems == []  # the CSP blocked nothing the page uses (its one style is allowed by hash)
    answer = wait_for_mail(smtp, email, "Re: Forgot my password")
    assert "reset your password yourself" in answer.get_body(("plain",)).get_content()


def test_a_wrong_field_is_announced_and_the_typed_values_stay(site, page):
    base_url, _, credential, _ = site
    page.goto(f"{base_url}/support/{credential.store_id}/help")
    page.fill("#email", "not-an-address")
    page.fill("#subject", "Help")
    page.fill("#message", "Text")
    page.click("button")
    alert = page.wait_for_selector("[role=alert]")
    assert "email" in alert.inner_text()
    assert page.input_value("#subject") == "Help" and page.input_value("#message") == "Text"


def test_unsubscribing_from_the_page_with_the_keyboard(site, page):
    base_url, services, credential, _ = site
    email = f"unsub-{uuid.uuid4().hex[:8]}@example.com"
    url = UnsubscribeTokens(SERVER_SECRET, base_url).url(credential.store_id, email)
    problems = watch_console(page)
    page.goto(url)
    assert email in page.inner_text("main")
    page.keyboard.press("Enter")  # the button has the focus (autofocus)
    page.wait_for_selector("text=You are unsubscribed")
    assert problems == []
    from automation.email.unsubscribe import Unsubscribes
    assert Unsubscribes(services.engines).contains(credential.store_id, email)


def test_the_verification_page_of_an_emailed_certificate(site, page):
    base_url, services, credential, smtp = site
    activity = f"https://example.com/programmes/{uuid.uuid4().hex}"
    Rules(services.engines).put(credential.store_id, "certificates", {
        "on_course_completion": True, "rules": [{"verb": COMPLETED, "activity": activity, "title": "First Aid"}]})
    email = f"cert-{uuid.uuid4().hex[:8]}@example.com"
    response = requests.post(f"{base_url}/xapi/statements", auth=(credential.key, credential.secret),
                             headers={"X-Experience-API-Version": "1.0.3"}, timeout=30, json={
                                 "actor": {"name": "Ola Nordmann", "mbox": f"mailto:{email}"},
                                 "verb": {"id": COMPLETED}, "object": {"id": activity}})
    assert response.status_code == 200, response.text
    message = wait_for_mail(smtp, email, "Your certificate")
    url = re.search(re.escape(base_url) + r"/certificates/[A-Za-z0-9_-]+", message.get_body(("plain",)).get_content())
    problems = watch_console(page)
    page.goto(url.group(0))
    text = page.inner_text("main")
    assert "This certificate is valid" in text and "Ola Nordmann" in text and "First Aid" in text
    assert problems == []
