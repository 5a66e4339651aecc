"""Fault test (issue 15): a worker is killed with SIGKILL while it handles a batch; another worker and a
restart follow. Every effect is then once: one recorded effect per statement (an effect kept in the
database, exactly once by construction), and one forward per statement per subscription at the receiver,
in stored order. Real `lrs worker` processes on procrastinate and PostgreSQL, two at a time.

To run other handlers under the same faults (an email, a certificate), register them beside the recorder
through LRS_AUTOMATION_PLUGINS in `_worker_environment` and add their count to `_all_done`."""
from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from automation.container import build_automation
from automation.forwarding.receiver import RecordingReceiver
from automation.handlers import HandlerRegistry
from automation.settings import AutomationSettings
from automation.testing import RECORDED_TABLE, create_recorded_table
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, throwaway_postgres_database
from tests.factories import issue_credential

STATEMENTS = 400
INGEST_BATCH = 20
WORKER_BATCH = 25
DEADLINE_SECONDS = 240
RECORDING_MS = 300  # a worker whose newest effect is this recent is in the middle of a batch


@pytest.fixture()
def fault_database():
    """A database of its own: the recorder handles every statement stored in it."""
    with throwaway_postgres_database("fault") as url:
        upgrade(url)
        yield url


def _worker_environment(database_url: str, data_dir: Path) -> dict:
    return {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
            "LRS_AUTOMATION_PLUGINS": "automation.testing:register_recorder",
            "LRS_TEST_RECORDER_DELAY_SECONDS": "0.01", "LRS_AUTOMATION_BATCH_SIZE": str(WORKER_BATCH),
            "LRS_AUTOMATION_POLL_SECONDS": "0.1", "LRS_AUTOMATION_RETRY_BASE_SECONDS": "0.2"}


def _start_worker(environment: dict, name: str, log: Path) -> subprocess.Popen:
    lrs = Path(sys.executable).with_name("lrs")
    return subprocess.Popen([str(lrs), "worker", "--name", name, "--concurrency", "2",
                             "--heartbeat-seconds", "1", "--stalled-seconds", "3"],
                            env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _recorded(engine) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(f"SELECT effect_key, worker_pid FROM {RECORDED_TABLE}"))]


def _recording_worker(engine, workers: list[subprocess.Popen]) -> subprocess.Popen | None:
    """The worker recording right now (its newest effect at most RECORDING_MS old) that has recorded at
    least ten, the one with the newest effect if both are."""
    with engine.connect() as connection:
        rows = connection.execute(text(f"SELECT worker_pid, max(at_ms), count(*) FROM {RECORDED_TABLE} "
                                       "GROUP BY worker_pid")).all()
    newest = {pid: (last, count) for pid, last, count in rows}
    now = int(time.time() * 1000)
    recording = [worker for worker in workers if worker.pid in newest and newest[worker.pid][1] >= 10
                 and now - newest[worker.pid][0] <= RECORDING_MS]
    return max(recording, key=lambda worker: newest[worker.pid][0]) if recording else None


def _wait_for(condition, what: str, workers: list[subprocess.Popen], log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        for worker in workers:
            if worker.poll() is not None and worker.returncode not in (-signal.SIGKILL,):
                pytest.fail(f"a worker exited ({worker.returncode}) while waiting for {what}:\n"
                            + log.read_text()[-4000:])
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {DEADLINE_SECONDS} s:\n" + log.read_text()[-4000:])
        time.sleep(0.1)


@pytest.mark.postgres
def test_sigkilled_worker_mid_batch_then_another_worker_and_a_restart_leave_every_effect_once(
        fault_database, tmp_path):
    settings = Settings(database_url=fault_database, secret_key=SERVER_SECRET)
    services = build_services(settings)
    create_recorded_table(services.engines.write)
    automation = build_automation(settings, services, automation_settings=AutomationSettings(runner="off"),
                                  registry=HandlerRegistry())
    issued = issue_credential(services, "fault")
    principal = services.authenticator.authenticate(
        "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode())
    environment = _worker_environment(fault_database, tmp_path)
    log = tmp_path / "workers.log"
    recorded_engine = services.engines.read
    with RecordingReceiver() as receiver:
        receiver.answer_delay_seconds = 0.01
        subscription = automation.admin.subscribe(issued.store_id, receiver.url)
        receiver.secrets[str(subscription.id)] = subscription.secret
        workers = [_start_worker(environment, "worker-a", log), _start_worker(environment, "worker-b", log)]
        try:
            ids: list[str] = []
            victim, killed_ms = None, 0
            for start in range(0, STATEMENTS, INGEST_BATCH):  # ingest goes on while the workers work
                batch = [{"actor": {"mbox": f"mailto:learner{n}@example.com"},
                          "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                          "object": {"id": f"http://example.com/fault/{n}"}} for n in range(start, start + INGEST_BATCH)]
                ids += services.statements.store(principal, batch, version="1.0.3")
                if victim is None and start >= STATEMENTS // 4:
                    # Kill whichever worker is recording while work is still arriving: it recorded some,
                    # not all. Which of the two takes the recorder's jobs is procrastinate's choice, so
                    # waiting on one named worker could wait for ever once the other has caught up.
                    victim = _recording_worker(recorded_engine, workers)
                    if victim is not None:
                        victim.send_signal(signal.SIGKILL)
                        victim.wait()
                        killed_ms = int(time.time() * 1000)
            if victim is None:
                found: list = []
                _wait_for(lambda: found.append(_recording_worker(recorded_engine, workers)) or found[-1] is not None,
                          "a worker recording effects", workers, log)
                victim = found[-1]
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                killed_ms = int(time.time() * 1000)
            restarted = _start_worker(environment, "worker-restarted", log)
            workers.append(restarted)
            _wait_for(lambda: len({key for key, _ in _recorded(recorded_engine)}) == STATEMENTS
                      and len(receiver.ids(subscription.id)) == STATEMENTS, "every effect", workers, log)
            time.sleep(1.0)  # anything still running after the last effect would show now
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.send_signal(signal.SIGTERM)
            for worker in workers:
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
        recorded = _recorded(recorded_engine)
        keys = [key for key, _ in recorded]
        assert len(keys) == STATEMENTS and set(keys) == set(ids)  # each effect exactly once, none lost
        with recorded_engine.connect() as connection:  # others finished what the killed one left
            after_kill = connection.execute(text(f"SELECT count(*) FROM {RECORDED_TABLE} WHERE worker_pid <> :pid "
                                                 "AND at_ms > :killed"), {"pid": victim.pid, "killed": killed_ms}).scalar()
        assert after_kill > 0
        assert any(pid == victim.pid for _, pid in recorded)
        assert receiver.ids(subscription.id) == ids  # one forward each, in stored order
        # A batch the killed worker had sent but not yet recorded is sent again, once: the receiver keeps
        # statements by id, as an LRS does (docs/automation.md, "exactly once").
        assert receiver.resent() <= WORKER_BATCH
        assert automation.admin.dead_letters() == []
    services.close()
