"""Email over a real SMTP server (aiosmtpd on localhost): each message received and parsed (issue 15,
What it must show: subject, recipients, plain and HTML parts, unsubscribe header)."""
from __future__ import annotations

import re
import smtplib
from dataclasses import replace
from email import policy
from email.parser import BytesParser

import pytest

from automation.email.mailer import build_mailer
from automation.email.unsubscribe import UnsubscribeTokens, Unsubscribes
from automation.workflows.settings import EmailSettings, WorkflowSettings
from lrs.storage.engines import create_engines
from lrs.storage.migrate import upgrade
from tests.e2e.automation.smtp_server import SmtpServer

SECRET = "email tests sign unsubscribe links with this long secret"
PUBLIC_URL = "https://lrs.example.org"


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('email') / 'lrs.sqlite3'}"
    upgrade(url)
    engines = create_engines(url)
    yield engines
    engines.dispose()


@pytest.fixture(scope="module")
def plain_server():
    server = SmtpServer()
    yield server
    server.stop()


def workflow_settings(**email) -> WorkflowSettings:
    return WorkflowSettings(email=EmailSettings(from_address="Courses <courses@example.org>", **email),
                            public_url=PUBLIC_URL, secret_key=SECRET)


def plain_mailer(server, engines):
    return build_mailer(workflow_settings(smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none"),
                        engines)


def test_a_transactional_message_arrives_with_both_parts_and_no_unsubscribe_header(plain_server, engines):
    # issue 15: templates are Jinja with plain-text and HTML parts; transactional mail needs no unsubscribe.
    mailer = plain_mailer(plain_server, engines)
    before = len(plain_server.inbox.messages)
    assert mailer.send(store_id=1, to="kim@example.com", template="welcome",
                       context={"learner_name": "Kim <Lee>", "course_title": "Safety & Health",
                                "course_url": "https://lrs.example.org/courses/c1"},
                       transactional=True, message_key="welcome:1:kim:c1")
    received = plain_server.inbox.messages[before]
    assert received.recipients == ["kim@example.com"]
    assert received.mail_from == "courses@example.org"
    message = received.message
    assert message["Subject"] == "Welcome to Safety & Health"
    assert message["To"] == "kim@example.com"
    assert "List-Unsubscribe" not in message
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Kim <Lee>," in text and "https://lrs.example.org/courses/c1" in text
    # The HTML part escapes what it inserts.
    assert "Kim &lt;Lee&gt;" in html and "Safety &amp; Health" in html and "<Lee>" not in html
    assert 'href="https://lrs.example.org/courses/c1"' in html


def test_a_non_transactional_message_carries_a_working_one_click_unsubscribe(plain_server, engines):
    # RFC 2369 §3.2 List-Unsubscribe, RFC 8058 §3.1 List-Unsubscribe-Post: List-Unsubscribe=One-Click.
    mailer = plain_mailer(plain_server, engines)
    before = len(plain_server.inbox.messages)
    assert mailer.send(store_id=1, to="Ana@Example.com", template="rule_message",
                       context={"subject": "We miss you", "body": "Come back to the course.\n\nIt is waiting.",
                                "link_url": None, "link_text": None},
                       transactional=False, message_key="nudge:1:ana:0")
    message = plain_server.inbox.messages[before].message
    assert message["Subject"] == "We miss you"
    header = message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https://lrs\.example\.org/email/unsubscribe/[A-Za-z0-9._-]+)>", header).group(1)
    assert url in message.get_body(("plain",)).get_content()
    assert f'href="{url}"' in message.get_body(("html",)).get_content()
    assert "<p>It is waiting.</p>" in message.get_body(("html",)).get_content()
    # The link names this store and address, and nothing but this server's secret makes one.
    tokens = UnsubscribeTokens(SECRET, PUBLIC_URL)
    token = url.rsplit("/", 1)[1]
    assert tokens.read(token) == (1, "ana@example.com")
    assert tokens.read(token[:-2] + ("AA" if not token.endswith("AA") else "BB")) is None
    assert UnsubscribeTokens("another server's secret, also long enough", PUBLIC_URL).read(token) is None
    # After unsubscribing, the same kind of message is not sent; transactional mail still is.
    Unsubscribes(engines).add(*tokens.read(token))
    assert not mailer.send(store_id=1, to="ana@example.com", template="rule_message",
                           context={"subject": "Still there?", "body": "b", "link_url": None, "link_text": None},
                           transactional=False, message_key="nudge:1:ana:1")
    assert mailer.send(store_id=1, to="ana@example.com", template="payment_failed",
                       context={"learner_name": "Ana", "amount": "EUR 10.00", "retry_url": None,
                                "next_attempt": None}, transactional=True, message_key="retry:1:ana")
    assert [m.message["Subject"] for m in plain_server.inbox.messages[before:]] == [
        "We miss you", "Your payment did not go through"]
    # Unsubscribing is per store.
    assert mailer.send(store_id=2, to="ana@example.com", template="rule_message",
                       context={"subject": "Store two", "body": "b", "link_url": None, "link_text": None},
                       transactional=False, message_key="nudge:2:ana:0")


def test_starttls_and_login_are_used_and_the_certificate_is_checked(tmp_path, engines):
    # issue 15: host, port, STARTTLS/TLS and credentials are settings.
    server = SmtpServer(tls_directory=tmp_path, username="mailer", password="s3cret")
    try:
        good = workflow_settings(smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="starttls",
                                 smtp_username="mailer", smtp_password="s3cret", smtp_ca_file=str(server.ca_file))
        build_mailer(good, engines).send(store_id=1, to="lee@example.com", template="welcome",
                                         context={"learner_name": "Lee", "course_title": "C", "course_url": "u"},
                                         transactional=True, message_key="welcome:lee")
        assert [m.recipients for m in server.inbox.messages] == [["lee@example.com"]]
        # A wrong password is refused by the server, and a certificate we do not trust ends the attempt.
        wrong_password = replace(good, email=replace(good.email, smtp_password="nope"))
        with pytest.raises(smtplib.SMTPAuthenticationError):
            build_mailer(wrong_password, engines).send(
                store_id=1, to="lee@example.com", template="welcome", message_key="w2", transactional=True,
                context={"learner_name": "Lee", "course_title": "C", "course_url": "u"})
        untrusted = replace(good, email=replace(good.email, smtp_ca_file=""))
        with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
            build_mailer(untrusted, engines).send(
                store_id=1, to="lee@example.com", template="welcome", message_key="w3", transactional=True,
                context={"learner_name": "Lee", "course_title": "C", "course_url": "u"})
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_without_an_smtp_host_each_message_is_written_to_the_outbox_and_logged(tmp_path, engines, caplog):
    # issue 15: the embedded default writes each message to an outbox folder and logs it.
    caplog.set_level("INFO", logger="automation.email.transport")
    mailer = build_mailer(workflow_settings(outbox_dir=tmp_path / "outbox"), engines)
    mailer.send(store_id=1, to="kim@example.com", template="welcome", transactional=True, message_key="w:kim",
                context={"learner_name": "Kim", "course_title": "Safety", "course_url": "https://x/c"})
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    message = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    assert message["Subject"] == "Welcome to Safety" and message["To"] == "kim@example.com"
    assert "https://x/c" in message.get_body(("plain",)).get_content()
    assert str(files[0]) in caplog.text and "kim@example.com" in caplog.text


def test_an_unknown_security_setting_is_refused():
    with pytest.raises(ValueError, match="LRS_SMTP_SECURITY"):
        EmailSettings(smtp_security="ssl3")


@pytest.mark.parametrize("address", ["kim@example.com\r\nBcc: all@example.com", "kim", "a@b@example.com",
                                     "<kim@example.com>", "kim@example.com, lee@example.com"])
def test_an_address_that_is_not_one_plain_address_is_not_sent_to(plain_server, engines, address):
    # Addresses come from statements' mbox and Stripe's customer email: a header could be folded or a
    # second recipient added through them. Nothing is sent, and nothing raises (a retry would not help).
    before = len(plain_server.inbox.messages)
    assert not plain_mailer(plain_server, engines).send(
        store_id=1, to=address, template="welcome", transactional=True, message_key=f"w:{address}",
        context={"learner_name": "K", "course_title": "C", "course_url": "u"})
    assert len(plain_server.inbox.messages) == before
