"""What the workflow API tests share: an app on the test database whose mail goes to a real SMTP server
(aiosmtpd), a Stripe webhook secret, a store with a credential, an admin, and the automation core's
dispatcher with the workflow handlers, run until idle when a test wants the effects."""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass

import orjson
import pytest
import stripe

from automation.container import build_automation
from automation.handlers import HandlerRegistry
from automation.settings import AutomationSettings
from automation.workflows.container import nudge_job, workflow_handlers
from lrs.app import create_app
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.e2e.automation.smtp_server import SmtpServer
from tests.factories import issue_credential
from tests.unit.delivery.support import tiny_scorm_zip

SERVER_SECRET = "workflow tests sign with this secret, which is long enough"
WEBHOOK_SECRET = "whsec_test_workflows_0123456789abcdef"
PUBLIC_URL = "https://lrs.example.com"
ADMIN = ("wfadmin", "a long admin password for workflow tests")


def basic(user: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@dataclass
class World:
    app: object
    smtp: SmtpServer
    store_id: int
    headers: dict
    admin_headers: dict
    automation: object
    course_id: str

    @property
    def http(self):
        return self.app.test_client()

    @property
    def workflows(self):
        return self.app.extensions["workflows"]

    def run(self) -> int:
        """Handles every event written so far. On PostgreSQL an event becomes readable once every older
        transaction on the server has ended (lrs/events.py, Order), and other sessions share this server,
        so this waits for that first (the wait is for visibility, not a timing assertion)."""
        engines = self.app.extensions["lrs"].engines
        [(target,)] = engines.rows("SELECT COALESCE(MAX(position), 0) FROM event_outbox")
        deadline = time.monotonic() + 300
        if engines.dialect == "postgresql":
            while engines.rows("SELECT COUNT(*) FROM event_outbox WHERE position <= ? AND txid >= "
                               "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", (target,))[0][0]:
                assert time.monotonic() < deadline, "events stayed invisible for 5 minutes"
                time.sleep(0.05)
        return self.automation.dispatcher.run_until_idle()

    def mail_to(self, address: str) -> list:
        return [received.message for received in self.smtp.inbox.messages if address in received.recipients]

    def api(self, method: str, path: str, **kwargs):
        return self.http.open(path, method=method, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def admin(self, method: str, path: str, **kwargs):
        return self.http.open(f"/admin/workflows/stores/{self.store_id}{path}", method=method,
                              headers={**self.admin_headers, **kwargs.pop("headers", {})}, **kwargs)

    def post_statement(self, statement: dict):
        response = self.api("POST", "/xapi/statements", json=statement,
                            headers={"X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 200, response.get_json()
        return response.get_json()[0]

    def stripe_post(self, event: dict, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET,
                    header: str | None = None):
        payload = orjson.dumps(event).decode()
        if header is None:
            # The stripe library's own signing scheme (what Stripe's servers do).
            header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
        return self.http.post("/payments/stripe/webhook", data=payload, content_type="application/json",
                              headers={"Stripe-Signature": header})


def stripe_event(event_id: str, kind: str, data_object: dict, *, created: int | None = None) -> dict:
    return {"id": event_id, "object": "event", "api_version": "2024-06-20", "type": kind,
            "created": created or int(time.time()), "livemode": False, "data": {"object": data_object}}


_SHARED_SMTP: list[SmtpServer] = []


def shared_smtp() -> SmtpServer:
    """One SMTP server for every world of this process: worlds of several test modules can be alive at once
    on one database (xdist interleaves modules), and whichever world's run() handles an event sends its mail
    through its own mailer, so every mailer must reach the inbox the tests read."""
    if not _SHARED_SMTP:
        _SHARED_SMTP.append(SmtpServer())
    return _SHARED_SMTP[0]


def make_world(database_url: str, tmp_path_factory) -> World:
    if database_url.startswith("sqlite"):
        # A database of its own: gunicorn servers of other tests on the shared SQLite file run automation's
        # embedded runner, which would handle this world's events through its own mailer.
        database_url = f"sqlite:///{tmp_path_factory.mktemp('workflows') / 'lrs.sqlite3'}"
        upgrade(database_url)
    smtp = shared_smtp()
    settings = Settings(database_url=database_url, secret_key=SERVER_SECRET, auth_failure_limit=100_000,
                        content_dir=tmp_path_factory.mktemp("content"), public_url=PUBLIC_URL)
    with pytest.MonkeyPatch.context() as env:
        for name, value in {"LRS_SMTP_HOST": "127.0.0.1", "LRS_SMTP_PORT": str(smtp.port),
                            "LRS_SMTP_SECURITY": "none", "LRS_EMAIL_FROM": "Courses <courses@example.com>",
                            "LRS_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET, "LRS_AUTOMATION_RUNNER": "off"}.items():
            env.setenv(name, value)
        probe = create_app(settings)
        credential = issue_credential(probe.extensions["lrs"], "workflow tests")
        env.setenv("LRS_STRIPE_STORE_ID", str(credential.store_id))
        probe.extensions["lrs"].close()
        app = create_app(settings)
    services = app.extensions["lrs"]
    services.administration.create_admin("test", *ADMIN) if not _admin_exists(services) else None
    workflows = app.extensions["workflows"]
    registry = HandlerRegistry(workflow_handlers(workflows))
    registry.schedule(nudge_job(workflows))
    automation = build_automation(settings, services, registry=registry,
                                  automation_settings=AutomationSettings(runner="off", retry_base_seconds=0.01,
                                                                         retry_max_delay_seconds=0.05))
    headers = basic(credential.key, credential.secret)
    client = app.test_client()
    course = client.post("/api/v1/courses?title=Fire%20Safety", data=tiny_scorm_zip(), headers=headers,
                         content_type="application/zip")
    assert course.status_code == 201, course.get_json()
    world = World(app=app, smtp=smtp, store_id=credential.store_id, headers=headers, admin_headers=basic(*ADMIN),
                  automation=automation, course_id=course.get_json()["id"])
    reengagement = workflows.rules.get(credential.store_id, "reengagement")  # off by default; these tests use it
    reengagement["nudge"]["enabled"] = reengagement["congratulations"]["enabled"] = True
    workflows.rules.put(credential.store_id, "reengagement", reengagement)
    world.run()  # whatever earlier tests left in this database's outbox
    return world


def _admin_exists(services) -> bool:
    try:
        services.administration.authenticate_admin(basic(*ADMIN)["Authorization"], "127.0.0.1")
        return True
    except Exception:
        return False
