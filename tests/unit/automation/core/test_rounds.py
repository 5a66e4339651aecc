"""What one round of the embedded runner writes (automation/dispatcher.py Dispatcher.round, automation/embedded.py).

SQLite has one writer at a time, and the runner's write transactions queue with ingest's. So a round with a
dispatch lock reads every cursor once and saves the unordered consumers' moves in one transaction, and a
scheduled tick already run is found without taking the write lock. On SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import contextlib
import uuid

import pytest
from sqlalchemy import event

from automation.dispatcher import Dispatcher
from automation.effects import Effects
from automation.embedded import EmbeddedRunner, RunnerLock
from automation.handlers import HandlerConsumer, HandlerRegistry, ScheduledJob
from automation.progress import Progress
from automation.settings import AutomationSettings
from lrs.events import STATEMENT_STORED, EventLog
from lrs.services.container import build_services
from lrs.settings import Settings
from tests.conftest import SERVER_SECRET
from tests.factories import issue_credential


class Counting:
    def __init__(self, name: str, fail_with: BaseException | None = None):
        self.name, self.kinds, self.fail_with, self.seen = name, frozenset({STATEMENT_STORED}), fail_with, 0

    def handle(self, event, effects) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.seen += 1


@contextlib.contextmanager
def write_transactions(engines):
    """A list that gains an entry for each transaction begun on the write engine meanwhile."""
    begun: list[int] = []

    def count(connection):
        begun.append(1)

    event.listen(engines.write, "begin", count)
    try:
        yield begun
    finally:
        event.remove(engines.write, "begin", count)


@pytest.fixture()
def services(database_url):
    built = build_services(Settings(database_url=database_url, secret_key=SERVER_SECRET))
    yield built
    built.close()


def _store(services, count: int) -> None:
    issued = issue_credential(services, f"rounds-{uuid.uuid4().hex[:6]}")
    principal = services.authenticator.authenticate(
        "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode())
    services.statements.store(principal, [{"actor": {"mbox": f"mailto:r{n}@example.com"},
                                           "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                                           "object": {"id": "http://example.com/rounds"}} for n in range(count)],
                              version="1.0.3")


def _dispatcher(services, consumers, *, batch_size: int = 500) -> Dispatcher:
    dispatcher = Dispatcher(EventLog(services.engines), Progress(services.engines), Effects(services.engines),
                            AutomationSettings(runner="off", batch_size=batch_size), lambda: consumers,
                            lock=RunnerLock(None))
    for consumer in consumers:
        dispatcher.start_at_head(consumer.name)
    return dispatcher


def test_a_round_moves_every_unordered_cursor_in_one_write_transaction(services):
    handlers = [Counting(f"round-{n}-{uuid.uuid4().hex[:6]}") for n in range(3)]
    dispatcher = _dispatcher(services, [HandlerConsumer(handler) for handler in handlers])
    _store(services, 3)
    with write_transactions(services.engines) as begun:
        result = dispatcher.round()
    assert [handler.seen for handler in handlers] == [3, 3, 3]
    assert result.handled == 9 and result.progressed and not result.backlog
    assert len(begun) == 1  # the three moves together (it was one per consumer)
    head = dispatcher.events.head()
    assert all(dispatcher.progress.state(handler.name).cursor == head for handler in handlers)
    with write_transactions(services.engines) as begun:
        assert not dispatcher.round().progressed  # nothing new: nothing handed over again, nothing written
    assert len(begun) == 0 and [handler.seen for handler in handlers] == [3, 3, 3]


def test_a_round_reports_a_backlog_when_a_batch_was_full(services):
    handler = Counting(f"backlog-{uuid.uuid4().hex[:6]}")
    dispatcher = _dispatcher(services, [HandlerConsumer(handler)], batch_size=2)
    _store(services, 3)
    assert dispatcher.round().backlog  # 2 of 3 read: more is waiting
    assert not dispatcher.round().backlog
    assert handler.seen == 3


def test_a_round_cut_short_keeps_the_moves_of_the_consumers_before(services):
    done, interrupted = Counting(f"done-{uuid.uuid4().hex[:6]}"), Counting(f"cut-{uuid.uuid4().hex[:6]}",
                                                                            KeyboardInterrupt())
    dispatcher = _dispatcher(services, [HandlerConsumer(done), HandlerConsumer(interrupted)])
    before = dispatcher.progress.state(interrupted.name).cursor
    _store(services, 2)
    with pytest.raises(KeyboardInterrupt):
        dispatcher.round()
    assert dispatcher.progress.state(done.name).cursor == dispatcher.events.head()
    assert dispatcher.progress.state(interrupted.name).cursor == before  # its events come again


def test_a_scheduled_tick_already_run_takes_no_write_lock(services):
    ran = []
    registry = HandlerRegistry()
    registry.schedule(ScheduledJob(f"tick-{uuid.uuid4().hex[:8]}", "*/5 * * * *",
                                   lambda effects, tick: ran.append(tick)))

    class Automation:  # what EmbeddedRunner reads
        pass
    automation = Automation()
    automation.registry, automation.effects = registry, Effects(services.engines)
    runner = EmbeddedRunner(automation, services.engines, poll_seconds=1)
    start = 1_800_000_000_000  # a multiple of 5 minutes
    runner.run_scheduled(start)  # the job's first sight: its row is written
    assert runner.run_scheduled(start + 300_000) == 1
    with write_transactions(services.engines) as begun:
        assert runner.run_scheduled(start + 301_000) == 0
    assert len(begun) == 0
    assert ran == [start + 300_000]
