"""Fault test for the workflows (issue 15, What it must show: "one email per learner, one certificate"):
two real `lrs worker` processes on PostgreSQL handle the workflow handlers while statements arrive; one
is killed with SIGKILL mid-work, and a restart follows. Then each learner has one certificate (a row kept
once by its unique key) and one certificate email and one congratulations email, as a receiver that
keeps messages by Message-ID sees them (automation/effects.py: an email the killed worker handed to the
SMTP server before its effect record committed goes again, with the same Message-ID)."""
from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from automation.container import build_automation
from automation.settings import AutomationSettings
from automation.workflows.rules import Rules
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, throwaway_postgres_database
from tests.e2e.automation.smtp_server import Inbox, SmtpServer
from tests.factories import issue_credential

LEARNERS = 60
INGEST_BATCH = 10
CONCURRENCY = 2
DEADLINE_SECONDS = 240
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PROGRAMME = "https://example.com/programmes/fault-test"


class SlowInbox(Inbox):
    """Each message takes a moment, so a worker is killed while it sends."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture()
def fault_database():
    with throwaway_postgres_database("wf_fault") as url:
        upgrade(url)
        yield url


def _start_worker(environment: dict, name: str, log: Path) -> subprocess.Popen:
    lrs = Path(sys.executable).with_name("lrs")
    return subprocess.Popen([str(lrs), "worker", "--name", name, "--concurrency", str(CONCURRENCY),
                             "--heartbeat-seconds", "1", "--stalled-seconds", "3"],
                            env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _wait_for(condition, what: str, workers: list[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for worker in workers:
            if worker.poll() is not None and worker.returncode != -signal.SIGKILL:
                pytest.fail(f"a worker exited ({worker.returncode}) while waiting for {what}:\n"
                            + log.read_text()[-4000:])
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {DEADLINE_SECONDS} s:\n" + log.read_text()[-4000:])
        time.sleep(0.1)


def _by_learner(inbox: Inbox, subject_prefix: str) -> dict[str, list[str]]:
    """Message-IDs received per recipient, for messages whose subject starts so."""
    found: dict[str, list[str]] = {}
    for received in list(inbox.messages):
        if received.message["Subject"].startswith(subject_prefix):
            for recipient in received.recipients:
                found.setdefault(recipient, []).append(received.message["Message-ID"])
    return found


@pytest.mark.postgres
def test_sigkilled_worker_leaves_one_certificate_and_one_email_of_each_kind_per_learner(fault_database, tmp_path):
    settings = Settings(database_url=fault_database, secret_key=SERVER_SECRET)
    services = build_services(settings)
    issued = issue_credential(services, "workflow fault")
    Rules(services.engines).put(issued.store_id, "certificates", {
        "on_course_completion": False, "rules": [{"verb": COMPLETED, "activity": PROGRAMME, "title": "Fault Tolerance"}]})
    reengagement = Rules(services.engines).get(issued.store_id, "reengagement")  # off by default
    reengagement["congratulations"]["enabled"] = True
    Rules(services.engines).put(issued.store_id, "reengagement", reengagement)
    principal = services.authenticator.authenticate(
        "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode())
    smtp = SmtpServer(inbox=SlowInbox())
    environment = {**os.environ, "LRS_DATABASE_URL": fault_database, "LRS_DATA_DIR": str(tmp_path),
                   "LRS_SMTP_HOST": "127.0.0.1", "LRS_SMTP_PORT": str(smtp.port), "LRS_SMTP_SECURITY": "none",
                   "LRS_AUTOMATION_BATCH_SIZE": "10", "LRS_AUTOMATION_POLL_SECONDS": "0.1",
                   "LRS_AUTOMATION_RETRY_BASE_SECONDS": "0.2"}
    environment.pop("LRS_AUTOMATION_PLUGINS", None)
    log = tmp_path / "workers.log"
    emails = [f"learner{n}-{uuid.uuid4().hex[:6]}@example.com" for n in range(LEARNERS)]
    first = _start_worker(environment, "wf-worker-a", log)
    second = _start_worker(environment, "wf-worker-b", log)
    workers = [first, second]
    try:
        killed = False
        for start in range(0, LEARNERS, INGEST_BATCH):  # ingest goes on while the workers send
            services.statements.store(principal, [
                {"actor": {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:{emails[n]}"},
                 "verb": {"id": COMPLETED}, "object": {"id": PROGRAMME}}
                for n in range(start, start + INGEST_BATCH)], version="1.0.3")
            if not killed and start >= LEARNERS // 3:
                _wait_for(lambda: len(smtp.inbox.messages) >= 12, "the workers sending", workers, log)
                first.send_signal(signal.SIGKILL)
                first.wait()
                killed = True
        assert killed
        workers.append(_start_worker(environment, "wf-worker-a-restarted", log))

        def all_sent() -> bool:
            certificates = _by_learner(smtp.inbox, "Your certificate")
            congratulations = _by_learner(smtp.inbox, "Well done")
            return all(email in certificates and email in congratulations for email in emails)

        _wait_for(all_sent, "every learner's emails", workers, log)
        time.sleep(1.5)  # anything still running after the last email would show now
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        smtp.stop()
    with services.engines.read.connect() as connection:
        certificates = connection.execute(text(
            "SELECT learner_key, COUNT(*) FROM wf_certificates WHERE course_id = :course GROUP BY learner_key"),
            {"course": PROGRAMME}).all()
    assert sorted(key for key, _ in certificates) == sorted(f"mbox|mailto:{email}" for email in emails)
    assert {count for _, count in certificates} == {1}  # one certificate per learner
    resent = 0
    for prefix in ("Your certificate", "Well done"):
        received = _by_learner(smtp.inbox, prefix)
        assert set(received) == set(emails)
        for email in emails:
            assert len(set(received[email])) == 1, (prefix, email, received[email])  # one message each
            resent += len(received[email]) - 1
    # Only what the killed worker had in hand can have gone twice (same Message-ID): its concurrent jobs.
    assert resent <= CONCURRENCY * 2, resent
    automation = build_automation(settings, services, automation_settings=AutomationSettings(runner="off"))
    assert automation.admin.dead_letters() == []
    services.close()
