"""Support routing (issue 15, Workflows: Support routing), on SQLite and PostgreSQL: help requests from the
API and the email-style form, categorised by the store's rules, routed to an email address (received by
aiosmtpd) or a webhook (a real local HTTP receiver), password or access requests answered at once."""
from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.api.automation_workflows_world import make_world


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = make_world(database_url, tmp_path_factory)
    yield world
    # the SMTP server is shared by every world of this process (automation_workflows_world.shared_smtp)
    world.app.extensions["lrs"].close()


@pytest.fixture(scope="module")
def receiver():
    received: list[tuple] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers, json.loads(body)))  # case-insensitive
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/desk", received
    server.shutdown()


def routed_rules(world, **routes) -> None:
    rules = world.admin("GET", "/rules/support").get_json()
    rules["routes"] = routes
    rules["default_route"] = {"email": "helpdesk@example.com"}
    rules["self_service"]["password_access"]["reset_url"] = "https://school.example.com/reset"
    response = world.admin("PUT", "/rules/support", json=rules)
    assert response.status_code == 200, response.get_json()


def test_a_password_request_is_routed_and_answered_with_the_self_service_text(world):
    routed_rules(world, billing={"email": "billing@example.com"})
    email = f"locked-{uuid.uuid4().hex[:8]}@example.com"
    response = world.api("POST", "/api/v1/support/requests", json={
        "email": email, "subject": "Cannot log in", "message": "I forgot my password and now I am locked out."})
    assert response.status_code == 202 and response.get_json()["category"] == "password_access"
    request_id = response.get_json()["id"]
    world.run()
    world.run()  # delivered twice: still one of each
    [answer] = world.mail_to(email)
    assert answer["Subject"] == "Re: Cannot log in"
    text = answer.get_body(("plain",)).get_content()
    assert "reset your password yourself" in text and "https://school.example.com/reset" in text
    forwarded = [message for message in world.mail_to("helpdesk@example.com") if request_id in
                 message.get_body(("plain",)).get_content()]
    assert len(forwarded) == 1 and forwarded[0]["Subject"] == "[password_access] Cannot log in"
    assert email in forwarded[0].get_body(("plain",)).get_content()


def test_the_self_service_answer_goes_once_a_day_to_an_address_however_many_requests_name_it(world):
    # The form needs no credential: it must not send our mail to someone else's address over and over.
    routed_rules(world)
    email = f"target-{uuid.uuid4().hex[:8]}@example.com"
    ids = [world.api("POST", "/api/v1/support/requests", json={
        "email": email, "subject": f"Password {n}", "message": "reset my password"}).get_json()["id"] for n in range(3)]
    world.run()
    assert len(world.mail_to(email)) == 1
    forwarded = [message for message in world.mail_to("helpdesk@example.com")
                 if any(request_id in message.get_body(("plain",)).get_content() for request_id in ids)]
    assert len(forwarded) == 3  # every request still reaches the desk


def test_a_billing_request_goes_to_its_address_and_gets_no_automatic_answer(world):
    routed_rules(world, billing={"email": "billing@example.com"})
    email = f"refund-{uuid.uuid4().hex[:8]}@example.com"
    response = world.api("POST", "/api/v1/support/requests", json={
        "email": email, "subject": "Refund", "message": "I was charged twice; please refund one invoice."})
    assert response.get_json()["category"] == "billing"
    world.run()
    assert world.mail_to(email) == []
    assert any(response.get_json()["id"] in message.get_body(("plain",)).get_content()
               for message in world.mail_to("billing@example.com"))


def test_a_category_routed_to_a_webhook_is_posted_there_once(world, receiver):
    url, received = receiver
    routed_rules(world, technical={"webhook": url})
    response = world.api("POST", "/api/v1/support/requests", json={
        "email": "viewer@example.com", "subject": "Video broken", "message": "The player shows a blank page."})
    assert response.get_json()["category"] == "technical"
    world.run()
    world.run()
    mine = [(headers, body) for headers, body in received if body["request_id"] == response.get_json()["id"]]
    assert len(mine) == 1
    headers, body = mine[0]
    assert body["category"] == "technical" and body["request_email"] == "viewer@example.com"
    assert body["request_subject"] == "Video broken" and headers["X-LRS-Delivery"].startswith("support-route:")


def test_the_email_style_form_works_without_credentials_and_is_inert(world):
    routed_rules(world)
    form = world.http.get(f"/support/{world.store_id}/help")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    # Keyboard-usable: every field has its label; no script.
    for field in ("email", "subject", "message"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert "<script" not in html and "script-src" not in form.headers["Content-Security-Policy"]
    bad = world.http.post(f"/support/{world.store_id}/help", data={"email": "nope", "subject": "Hi <b>",
                                                                   "message": "text"})
    assert bad.status_code == 400 and "email must be one email address" in bad.get_data(as_text=True)
    assert 'value="Hi &lt;b&gt;"' in bad.get_data(as_text=True)  # kept, escaped
    email = f"form-{uuid.uuid4().hex[:8]}@example.com"
    sent = world.http.post(f"/support/{world.store_id}/help", data={
        "email": email, "subject": "Password reset", "message": "The reset link expired."})
    assert sent.status_code == 201 and "We have your request" in sent.get_data(as_text=True)
    world.run()
    assert [message["Subject"] for message in world.mail_to(email)] == ["Re: Password reset"]
    assert world.http.get("/support/987654/help").status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"subject": "s", "message": "m"}, "'email'"),
    ({"email": "a@example.com", "message": "m"}, "'subject'"),
    ({"email": "a@example.com", "subject": "s"}, "'message'"),
    ({"email": "a@example.com\r\nBcc: x@example.com", "subject": "s", "message": "m"}, "'email'"),
    ({"email": "a@example.com", "subject": "two\nlines", "message": "m"}, "'subject'"),
    ({"email": "a@example.com", "subject": "s", "message": "m" * 20_001}, "'message'"),
])
def test_bad_help_requests_are_a_400_naming_the_field_and_keep_nothing(world, body, message):
    before = len(world.admin("GET", "/support-requests").get_json()["requests"])
    response = world.api("POST", "/api/v1/support/requests", json=body)
    assert response.status_code == 400 and message in response.get_json()["message"]
    assert len(world.admin("GET", "/support-requests").get_json()["requests"]) == before


def test_the_store_api_needs_a_courses_credential(world):
    assert world.http.post("/api/v1/support/requests", json={}).status_code == 401
    from tests.factories import issue_credential
    from tests.api.automation_workflows_world import basic
    statements_only = issue_credential(world.app.extensions["lrs"], "statements only", scopes="statements/write")
    refused = world.http.post("/api/v1/support/requests", json={},
                              headers=basic(statements_only.key, statements_only.secret))
    assert refused.status_code == 403
