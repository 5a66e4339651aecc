"""Moves the spine's events to consumers: each consumer reads the outbox from its own cursor.

Delivery is at least once: a consumer's cursor moves only after its events were handled, so a worker that
dies mid-batch leaves the batch to be read again, and Effects.run_once keeps each effect once. An ordered
consumer's batch is once by its cursor instead (Progress.holding: the cursor moves in the transaction held
through the batch), so its effects need no record each (ONCE_BY_CURSOR); a retried dead letter, outside
the cursor, goes through Effects as any other delivery. A failing
event is retried with exponential back-off (retries.py): an ordered consumer (a forwarding subscription)
waits at it, so nothing passes it; any other consumer sets the delivery aside (automation_deliveries) and
goes on. After `max_attempts` tries the delivery is dead: a dead letter for admins to retry or discard.
The same code runs under procrastinate workers (engine.py) and in-process on SQLite (embedded.py)."""
from __future__ import annotations

import contextlib
import logging
import time
import traceback
from dataclasses import dataclass
from typing import Callable

from automation.effects import ONCE_BY_CURSOR, Effects
from automation.handlers import Consumer
from automation.progress import DEAD, DISCARDED, DONE, RETRYING, ConsumerState, Delivery, Progress, now_ms
from automation.retries import backoff_ms
from automation.settings import AutomationSettings
from lrs.events import Event, EventCursor, EventLog

log = logging.getLogger(__name__)
# A claimed retry is not handed to another runner for this long (a runner that died frees it after).
_CLAIM_MS = 60_000
# How long a batch read in a round is handed to the next consumers at its cursor: a statement erased after
# the read can still reach them for this long (slow handlers before them would otherwise stretch it).
_SHARED_READ_SECONDS = 1.0


@dataclass(frozen=True)
class Step:
    read: int = 0           # events read
    handled: int = 0        # events the consumer took
    failed: bool = False
    more: bool = False      # a full batch was read: there may be more right now
    waiting_until_ms: int = 0


@dataclass(frozen=True)
class Round:
    handled: int = 0        # events handed to consumers
    progressed: bool = False  # some consumer read events (or a retry succeeded): another round may do more
    backlog: bool = False   # some consumer read a full batch: more was waiting already


def _describe(error: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()


class Dispatcher:
    def __init__(self, events: EventLog, progress: Progress, effects: Effects, settings: AutomationSettings,
                 consumers: Callable[[], list[Consumer]], lock=None):
        # SQLite: automation.embedded.RunnerLock, one dispatch at a time; PostgreSQL: none, the task
        # engine's per-consumer job locks and Effects' advisory locks keep concurrent workers apart.
        self.lock = lock
        self.events = events
        self.progress = progress
        self.effects = effects
        self.settings = settings
        self._consumers = consumers

    def consumers(self) -> dict[str, Consumer]:
        return {consumer.name: consumer for consumer in self._consumers()}

    def _backoff(self, attempts: int) -> int:
        return backoff_ms(attempts, base_seconds=self.settings.retry_base_seconds,
                          max_delay_seconds=self.settings.retry_max_delay_seconds)

    # --- reading the stream -------------------------------------------------------------------

    def _exclusive(self):
        return self.lock.held() if self.lock is not None else contextlib.nullcontext(True)

    def advance(self, consumer: Consumer, *, now: int | None = None, reads: dict | None = None,
                state: ConsumerState | None = None, moves: dict | None = None) -> Step:
        """One batch for one consumer: read after its cursor, hand over, move the cursor. `reads`: the
        batches read so far in this round, by cursor, which consumers standing at the same cursor share
        (events are read-only; a batch read earlier is a prefix of what a later read would return, so a
        consumer handed it misses nothing: what was not visible yet comes after it), while it is at most
        _SHARED_READ_SECONDS old. `state`: the consumer's cursor as read under the dispatch lock that this
        call holds too (a round reads every cursor at once); read here when not given. `moves`: where an
        unordered consumer's new cursor goes (consumer name -> cursor) for the caller to save, instead of
        saving it here."""
        with self._exclusive():
            return self._advance(consumer, now_ms() if now is None else now, {} if reads is None else reads,
                                 state or self.progress.state(consumer.name), moves)

    def _advance(self, consumer: Consumer, now: int, reads: dict, state: ConsumerState,
                 moves: dict | None = None) -> Step:
        if state.next_attempt_ms > now:
            return Step(waiting_until_ms=state.next_attempt_ms)
        read = reads.get(state.cursor)
        if read is not None and time.monotonic() - read[0] <= _SHARED_READ_SECONDS:
            events = read[1]
        else:
            events = self.events.read_after(state.cursor, self.settings.batch_size)
            reads[state.cursor] = (time.monotonic(), events)
        if not events:
            return Step()
        wanted = [event for event in events if event.kind in consumer.kinds]
        full = len(events) == self.settings.batch_size
        if consumer.ordered:
            try:
                with self.progress.holding(consumer.name, state.cursor) as cursor:
                    if cursor is None:
                        return Step()  # another runner took this batch meanwhile; read again
                    if wanted:
                        consumer.handle_batch(wanted, ONCE_BY_CURSOR)
                    cursor.move(events[-1].cursor)
            except Exception as error:  # noqa: BLE001 - any handler failure is retried, then a dead letter
                return self._ordered_failure(consumer, state.attempts + 1, wanted, events, error, now)
            return Step(read=len(events), handled=len(wanted), more=full)
        prepare = getattr(consumer, "prepare", None)
        if prepare is not None and wanted:
            prepare(wanted)  # what it will read of the whole batch, read at once (lrs.events.preload_statements)
        for event in wanted:
            try:
                consumer.handle_batch([event], self.effects)
            except Exception as error:  # noqa: BLE001
                log.warning("%s failed on event %s (%s), retried later: %s", consumer.name, event.position,
                            event.kind, _describe(error))
                self.progress.failed(consumer.name, event, _describe(error),
                                     next_attempt_ms=now + self._backoff(1), dead=self.settings.max_attempts <= 1)
        if moves is not None:
            moves[consumer.name] = events[-1].cursor
        else:
            self.progress.move(consumer.name, events[-1].cursor)
        return Step(read=len(events), handled=len(wanted), more=full)

    def _ordered_failure(self, consumer: Consumer, attempts: int, wanted: list[Event], events: list[Event],
                         error: Exception, now: int) -> Step:
        described = _describe(error)
        if attempts < self.settings.max_attempts:
            wait = self._backoff(attempts)
            log.warning("%s failed (attempt %s), next try in %.1f s: %s", consumer.name, attempts, wait / 1000,
                        described)
            self.progress.back_off(consumer.name, attempts, now + wait, described)
            return Step(read=len(events), failed=True, waiting_until_ms=now + wait)
        log.error("%s failed %s times: %s events become dead letters", consumer.name, attempts, len(wanted))
        for event in wanted:
            self.progress.failed(consumer.name, event, described, next_attempt_ms=now, dead=True)
        self.progress.move(consumer.name, events[-1].cursor)
        return Step(read=len(events), failed=True, more=True)

    def run_until_idle(self, *, now: Callable[[], int] = now_ms, rounds: int = 10_000) -> int:
        """Every consumer, then every due retry, until nothing is left that can run now; the number of
        events handed over. For the embedded runner and tests."""
        total = 0
        for _ in range(rounds):
            result = self.round(now=now)
            total += result.handled
            if not result.progressed:
                break
        return total

    def round(self, *, now: Callable[[], int] = now_ms) -> Round:
        """One batch for each consumer, then the due retries. With a dispatch lock (SQLite's one runner) the
        cursors are read once, under it, since nobody else moves them meanwhile, and the unordered consumers'
        moves are saved together at the end: one write transaction a round, not one per consumer (each
        queues behind SQLite's writers). A crash before that save hands the round's events over again, which
        at-least-once delivery allows (Effects.run_once). Without a lock (PostgreSQL, where workers run
        beside each other) each cursor is read just before its batch and moved after it, as `advance` does."""
        handled, progressed, backlog = 0, False, False
        locked = self.lock is not None
        with self._exclusive():
            consumers = self.consumers()  # before the cursors: a consumer added meanwhile has its cursor read
            states = self.progress.states() if locked else {}
            moves: dict | None = {} if locked else None
            reads: dict = {}  # consumers at one cursor (the usual case) read the outbox once a round
            for consumer in consumers.values():
                state = states.get(consumer.name)
                if state is None and locked:  # no cursor row yet
                    state = ConsumerState(consumer.name, EventCursor(), 0, 0, None)
                try:
                    step = self.advance(consumer, now=now(), reads=reads, state=state, moves=moves)
                except BaseException:
                    if moves:
                        self.progress.move_all(moves)  # what was handled before this consumer failed
                    raise
                handled += step.handled
                progressed |= step.read > 0 and not step.failed
                backlog |= step.more
            if moves:
                self.progress.move_all(moves)
            retried = self.redeliver_due(now=now())
        return Round(handled=handled, progressed=progressed or retried > 0, backlog=backlog)

    def behind(self) -> list[str]:
        """Consumers with events to read that are not backing off (what a worker defers jobs for)."""
        head = self.events.head()
        states = self.progress.states()
        now = now_ms()
        names = []
        for name in self.consumers():
            state = states.get(name)
            if state is None or (state.cursor < head and state.next_attempt_ms <= now):
                names.append(name)
        return names

    def prune_outbox(self, *, now: int | None = None, retention_days: float | None = None) -> int:
        """Deletes the events every consumer is past that are older than the retention (`retention_days`,
        by default LRS_AUTOMATION_OUTBOX_RETENTION_DAYS), keeping those a retrying delivery or a dead letter will read
        again; returns how many. "Every consumer" is every stored cursor, not only the consumers this process
        runs: a paused forwarding subscription keeps its place (it forwards what it missed when resumed), and
        a plugin handler or a newly deployed one that this process does not know still holds its events back.
        A registered consumer with no cursor yet stands before every event, so nothing goes while one is new.
        A cursor nobody uses any more (a handler taken out of the code) holds everything back until it is
        removed (`lrs automation forget-consumer`); it is named in a warning when it does."""
        now = now_ms() if now is None else now
        states = self.progress.states()
        registered = self.consumers()
        cursors = {name: state.cursor for name, state in states.items()}
        cursors.update({name: EventCursor() for name in registered if name not in states})
        # The cursors first: a delivery set aside is saved before its consumer's cursor moves past its event,
        # so every event at or before these cursors that a delivery awaits is in the set read after them.
        through = min(cursors.values()) if cursors else self.events.head()
        holding = sorted(name for name, cursor in cursors.items() if cursor == through and name not in registered
                         and not name.startswith("forward:"))
        if holding:
            log.warning("the event outbox is pruned only up to the cursor of %s, which no handler of this process "
                        "runs: if it was taken out of use, `lrs automation forget-consumer` removes it",
                        ", ".join(holding))
        if through == EventCursor():
            return 0
        keep = self.progress.awaited_positions()
        days = self.settings.outbox_retention_days if retention_days is None else retention_days
        retention_ms = int(days * 86_400_000)
        return self.events.prune(through, created_before_ms=now - retention_ms, keep=keep)

    # --- retries and dead letters ----------------------------------------------------------------

    def redeliver_due(self, *, now: int | None = None, limit: int = 100) -> int:
        """Tries the deliveries whose back-off is over; the number that succeeded."""
        now = now_ms() if now is None else now
        succeeded = 0
        consumers = self.consumers()
        for delivery in self.progress.due(now, limit):
            with self._exclusive():
                if not self.progress.claim(delivery, now + _CLAIM_MS):
                    continue
                succeeded += self._redeliver(delivery, consumers.get(delivery.consumer), now)
        return succeeded

    def _redeliver(self, delivery: Delivery, consumer: Consumer | None, now: int) -> int:
        attempts = delivery.attempts + 1
        try:
            if consumer is None:
                raise LookupError(f"no consumer named {delivery.consumer} is registered now")
            events = self.events.at([delivery.event_position])
            if not events:
                raise LookupError(f"event {delivery.event_position} is no longer in the outbox")
            consumer.handle_batch(events, self.effects)
        except Exception as error:  # noqa: BLE001
            dead = attempts >= self.settings.max_attempts
            self.progress.finish(delivery.id, status=DEAD if dead else RETRYING, attempts=attempts,
                                 next_attempt_ms=now + self._backoff(attempts), error=_describe(error))
            return 0
        self.progress.finish(delivery.id, status=DONE, attempts=attempts)
        return 1

    def retry_dead(self, delivery_id: int) -> bool:
        """An admin's retry: the dead letter is tried again at once, with a fresh count of attempts."""
        return self.progress.finish(delivery_id, status=RETRYING, attempts=0, next_attempt_ms=now_ms(),
                                    only_from=(DEAD,))

    def discard_dead(self, delivery_id: int) -> bool:
        return self.progress.finish(delivery_id, status=DISCARDED, only_from=(DEAD,))

    def start_at_head(self, consumer_name: str, *, connection=None) -> EventCursor:
        head = self.events.head()
        self.progress.start(consumer_name, head, connection=connection)
        return head
