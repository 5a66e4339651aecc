"""A handler for tests of the machinery (fault and property tests), registered through the plugin setting
(LRS_AUTOMATION_PLUGINS=automation.testing:register_recorder) so that real `lrs worker` processes run it.

RecordingHandler writes one row per effect into test_recorded_effects, a table WITHOUT a unique key, in the
transaction that records the effect done (Effects.run_once_in_transaction): a second run of one effect would
show as a second row. Tests of other handlers (an email, a certificate) reuse the same harness by registering
theirs beside it (tests/e2e/automation/test_fault_tolerance.py)."""
from __future__ import annotations

import os
import time

from sqlalchemy import text

from automation.effects import Effects
from lrs.events import STATEMENT_STORED, Event

RECORDED_TABLE = "test_recorded_effects"


class RecordingHandler:
    name = "test-recorder"
    kinds = frozenset({STATEMENT_STORED})

    def __init__(self, delay_seconds: float = 0.0):
        self._delay = delay_seconds

    def handle(self, event: Event, effects: Effects) -> None:
        if self._delay:
            time.sleep(self._delay)  # a slow effect, so a worker can be killed in the middle of a batch

        def record(connection) -> None:
            connection.execute(text(f"INSERT INTO {RECORDED_TABLE} (effect_key, worker_pid, at_ms) "
                                    "VALUES (:key, :pid, :at)"),
                               {"key": event.subject, "pid": os.getpid(), "at": int(time.time() * 1000)})

        effects.run_once_in_transaction(f"recorded:{event.subject}", record)


def create_recorded_table(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE IF NOT EXISTS {RECORDED_TABLE} "
                                "(effect_key VARCHAR(300) NOT NULL, worker_pid INTEGER NOT NULL, at_ms BIGINT NOT NULL)"))


def register_recorder(registry, settings, services) -> None:
    create_recorded_table(services.engines.write)
    registry.register(RecordingHandler(float(os.environ.get("LRS_TEST_RECORDER_DELAY_SECONDS", "0"))))
