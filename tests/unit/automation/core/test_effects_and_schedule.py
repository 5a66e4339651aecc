"""Effects.run_once (the interface in /tmp/automation-interface.md) and the embedded scheduler."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from automation.effects import Effects
from automation.embedded import EmbeddedRunner, due_tick_ms
from automation.handlers import HandlerRegistry, ScheduledJob
from lrs.events import EventLog
from lrs.storage.engines import create_engines


@pytest.fixture(scope="module")
def engines(database_url):
    created = create_engines(database_url)
    yield created
    created.dispose()


def test_run_once_runs_an_action_once_and_again_after_it_failed(engines):
    effects = Effects(engines)
    key = f"test:{uuid.uuid4()}"
    calls = []
    with pytest.raises(RuntimeError):
        effects.run_once(key, lambda: (calls.append("failed"), (_ for _ in ()).throw(RuntimeError("down"))))
    assert effects.run_once(key, lambda: calls.append("ran")) is True
    assert effects.run_once(key, lambda: calls.append("again")) is False
    assert calls == ["failed", "ran"]


def test_run_once_many_runs_only_for_keys_not_done(engines):
    effects = Effects(engines)
    keys = [f"test:{uuid.uuid4()}" for _ in range(3)]
    effects.run_once(keys[1], lambda: None)
    sent = []
    assert effects.run_once_many(keys, sent.extend) == [keys[0], keys[2]]
    assert sent == [keys[0], keys[2]]
    assert effects.run_once_many(keys, sent.extend) == []


def test_run_once_in_transaction_rolls_the_record_back_with_the_effect(engines):
    effects = Effects(engines)
    key = f"test:{uuid.uuid4()}"
    with pytest.raises(RuntimeError):
        effects.run_once_in_transaction(key, lambda connection: (_ for _ in ()).throw(RuntimeError("x")))
    assert effects.done([key]) == set()
    assert effects.run_once_in_transaction(key, lambda connection: None) is True
    assert effects.done([key]) == {key}


def test_concurrent_workers_never_both_run_one_key_to_completion(postgresql_database_url):
    """PostgreSQL: the second worker waits on the first's uncommitted key, then finds it done."""
    from lrs.storage.migrate import upgrade
    upgrade(postgresql_database_url)
    engines = create_engines(postgresql_database_url)
    effects = Effects(engines)
    key = f"test:{uuid.uuid4()}"
    started, runs = threading.Event(), []

    def slow():
        started.set()
        time.sleep(0.5)
        runs.append("first")

    first = threading.Thread(target=lambda: effects.run_once(key, slow))
    first.start()
    started.wait(10)
    second_result = effects.run_once(key, lambda: runs.append("second"))
    first.join()
    engines.dispose()
    assert runs == ["first"] and second_result is False


def test_a_slow_external_effect_does_not_hold_back_outbox_readers(postgresql_database_url):
    """PostgreSQL: while an email or webhook is being sent under run_once, an event emitted meanwhile can be
    read. Readers wait for every transaction with an id that was running when they read (lrs/events.py),
    so the action's transaction takes an advisory lock, not the key's row, until the action is done."""
    from lrs.storage.migrate import upgrade
    upgrade(postgresql_database_url)
    engines = create_engines(postgresql_database_url)
    effects, log = Effects(engines), EventLog(engines)
    key, subject = f"test:{uuid.uuid4()}", str(uuid.uuid4())
    head = log.head()
    started, release = threading.Event(), threading.Event()
    sending = threading.Thread(target=lambda: effects.run_once(key, lambda: (started.set(), release.wait(20))))
    sending.start()
    try:
        assert started.wait(10)
        log.emit("test.happened", None, subject, {})
        seen = [event.subject for event in log.read_after(head, limit=10_000)]
        assert subject in seen
        assert effects.done([key]) == set()  # recorded only with the action's success
    finally:
        release.set()
        sending.join()
    assert effects.done([key]) == {key}
    engines.dispose()


def test_scheduled_job_runs_once_per_tick_across_restarts(engines):
    ran = []
    registry = HandlerRegistry()
    name = f"sweep-{uuid.uuid4().hex[:8]}"
    registry.schedule(ScheduledJob(name, "*/5 * * * *", lambda effects, tick: ran.append(tick)))

    class Automation:  # what EmbeddedRunner reads
        pass
    automation = Automation()
    automation.registry, automation.effects = registry, Effects(engines)
    start = 1_800_000_000_000  # a multiple of 5 minutes
    first = EmbeddedRunner(automation, engines, poll_seconds=1)
    assert first.run_scheduled(start) == 0  # a new job does not run for ticks before it existed
    assert first.run_scheduled(start + 60_000) == 0  # same tick
    assert first.run_scheduled(start + 300_000) == 1
    restarted = EmbeddedRunner(automation, engines, poll_seconds=1)  # a restart, or a second process
    assert restarted.run_scheduled(start + 301_000) == 0
    assert first.run_scheduled(start + 302_000) == 0
    assert restarted.run_scheduled(start + 600_000) == 1
    assert ran == [start + 300_000, start + 600_000]
    assert due_tick_ms("*/5 * * * *", start + 299_999) == start
