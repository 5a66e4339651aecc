"""Orders and faults (issue 15): over random event orders, random interleavings of dispatch steps,
injected handler failures (before or after an effect) and injected crashes (a worker dying mid-batch),
no effect is lost and none happens twice; an ordered consumer sees events in stored order."""
from __future__ import annotations

import uuid
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from automation.dispatcher import Dispatcher
from automation.effects import Effects
from automation.handlers import HandlerConsumer
from automation.progress import DEAD, Progress
from automation.settings import AutomationSettings
from lrs.events import EventLog
from lrs.storage.engines import create_engines
from lrs.storage.migrate import upgrade


class Crash(BaseException):
    """A worker dying: not an Exception, so nothing in the dispatcher catches it (no cursor move)."""


class Faults:
    """Which (handler, subject, attempt) fails, and how: 'before' or 'after' its effect, or 'crash'."""

    def __init__(self, plan: dict):
        self.plan = plan
        self.attempts = Counter()

    def next(self, handler: str, subject: str) -> str | None:
        self.attempts[(handler, subject)] += 1
        return self.plan.get((handler, subject, self.attempts[(handler, subject)]))


class EffectHandler:
    def __init__(self, name: str, kind: str, faults: Faults, effects_seen: Counter, order: list):
        self.name, self.kinds = name, frozenset({kind})
        self._faults, self._seen, self._order = faults, effects_seen, order

    def handle(self, event, effects) -> None:
        fault = self._faults.next(self.name, event.subject)
        if fault == "before":
            raise RuntimeError("failed before its effect")
        if fault == "crash":
            raise Crash()
        key = f"{self.name}:{event.subject}"

        def effect():
            self._seen[key] += 1
            self._order.append(event.subject)
        effects.run_once(key, effect)
        if fault == "after":
            raise RuntimeError("failed after its effect")


class OrderedBatch:
    """An ordered consumer, as a forwarding subscription is: the whole batch succeeds or waits."""
    ordered = True

    def __init__(self, name: str, kind: str, faults: Faults, effects_seen: Counter, order: list):
        self.name, self.kinds = name, frozenset({kind})
        self._faults, self._seen, self._order = faults, effects_seen, order

    def handle_batch(self, events, effects) -> None:
        for event in events:
            fault = self._faults.next(self.name, event.subject)
            if fault == "crash":
                raise Crash()
            if fault in ("before", "after"):
                raise RuntimeError("receiver failed")

        by_key = {f"{self.name}:{event.subject}": event for event in events}

        def send(pending):
            for key in pending:
                self._seen[key] += 1
                self._order.append(by_key[key].subject)
        effects.run_once_many(by_key, send)


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('properties') / 'lrs.sqlite3'}"
    upgrade(url)
    created = create_engines(url)
    yield created
    created.dispose()


operations = st.lists(st.one_of(
    st.tuples(st.just("emit"), st.integers(1, 4)),
    st.tuples(st.just("advance"), st.integers(0, 2)),
    st.tuples(st.just("redeliver"), st.just(0)),
    st.tuples(st.just("round"), st.just(0)),  # every consumer once, sharing reads (run_until_idle)
    st.tuples(st.just("wait"), st.integers(1, 30)),
), min_size=1, max_size=25)
fault_kinds = st.sampled_from(["before", "after", "crash"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations, fault_seed=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(1, 3),
                                                       fault_kinds), max_size=25))
def test_no_lost_and_no_duplicated_effects_over_random_orders_and_faults(engines, steps, fault_seed):
    kind = f"test.{uuid.uuid4().hex}ed"
    names = [f"h{n}-{uuid.uuid4().hex[:8]}" for n in range(3)]
    subjects: list[str] = []
    plan = {}
    seen, orders = Counter(), {name: [] for name in names}
    faults = Faults(plan)
    consumers = [HandlerConsumer(EffectHandler(names[0], kind, faults, seen, orders[names[0]])),
                 HandlerConsumer(EffectHandler(names[1], kind, faults, seen, orders[names[1]])),
                 OrderedBatch(names[2], kind, faults, seen, orders[names[2]])]
    events = EventLog(engines)
    progress = Progress(engines)
    options = AutomationSettings(runner="off", max_attempts=3, retry_base_seconds=1.0, retry_max_delay_seconds=8.0,
                                 batch_size=3)
    dispatcher = Dispatcher(events, progress, Effects(engines), options, lambda: consumers)
    for consumer in consumers:
        dispatcher.start_at_head(consumer.name)
    subject_of = lambda index: f"{kind}-{index}"  # noqa: E731
    for handler, index, attempt, how in fault_seed:
        plan[(names[handler], subject_of(index), attempt)] = how
    clock = 1_000_000

    def guarded(call):
        try:
            return call()
        except Crash:
            return None  # the worker died; the next one starts from the stored cursors

    for operation, argument in steps:
        if operation == "emit":
            for _ in range(argument):
                subjects.append(subject_of(len(subjects)))
                events.emit(kind, None, subjects[-1], {})
        elif operation == "advance":
            guarded(lambda: dispatcher.advance(consumers[argument], now=clock))
        elif operation == "round":
            guarded(lambda: dispatcher.run_until_idle(now=lambda: clock, rounds=1))
        elif operation == "redeliver":
            guarded(lambda: dispatcher.redeliver_due(now=clock))
        else:
            clock += argument * 1000
    # Drain: time passes, faults run out (each planned fault fires once), admins retry dead letters.
    for _ in range(60):
        clock += 10_000
        guarded(lambda: dispatcher.run_until_idle(now=lambda: clock))
        for letter in progress.deliveries(status=DEAD, consumer=None, limit=1000):
            if letter.consumer in names:
                dispatcher.retry_dead(letter.id)
    expected = {f"{name}:{subject}" for name in names for subject in subjects}
    assert set(seen) == expected  # nothing lost
    assert all(count == 1 for count in seen.values()), seen  # nothing twice
    # The ordered consumer handled events in stored order, except those that went the dead-letter way
    # (retried by an admin, they come later).
    dead = {letter.subject for letter in progress.deliveries(consumer=names[2], limit=1000)}
    assert [s for s in orders[names[2]] if s not in dead] == [s for s in subjects if s not in dead]
