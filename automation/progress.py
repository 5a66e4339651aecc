"""Where each consumer stands (cursors) and the deliveries that failed (retrying, dead, discarded)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import and_, delete, select, text, update

from automation.storage.tables import cursors, deliveries
from lrs.events import Event, EventCursor
from lrs.storage.dialect import insert_ignoring_conflicts
from lrs.storage.engines import Engines

RETRYING, DONE, DEAD, DISCARDED = "retrying", "done", "dead", "discarded"
# The key space of Progress.holding's advisory locks (pg_advisory_xact_lock(space, hashtext(consumer))): two
# consumers whose names hash alike only wait for each other.
_CURSOR_LOCKS = 0x6C7273
_ERROR_CHARS = 2000


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class ConsumerState:
    consumer: str
    cursor: EventCursor
    attempts: int
    next_attempt_ms: int
    last_error: str | None


@dataclass(frozen=True)
class Delivery:
    id: int
    consumer: str
    event_position: int
    event_kind: str
    store_id: int | None
    subject: str
    status: str
    attempts: int
    next_attempt_ms: int
    last_error: str
    created_ms: int
    updated_ms: int


@dataclass(frozen=True)
class HeldCursor:
    """Progress.holding's cursor: `move` commits with the transaction that holds it (PostgreSQL)."""
    progress: "Progress"
    consumer: str
    connection: object | None
    create: bool  # the consumer had no cursor row yet; otherwise one removed meanwhile (unsubscribed) stays so

    def move(self, to: EventCursor) -> None:
        self.progress._save(self.consumer, connection=self.connection, create=self.create, txid=to.txid,
                            position=to.position, attempts=0, next_attempt_ms=0, last_error=None)


# A cursor moved past its events with its back-off cleared; created when the consumer has none yet.
_MOVE = text(
    "INSERT INTO automation_cursors (consumer, txid, position, attempts, next_attempt_ms, last_error, updated_ms) "
    "VALUES (:consumer, :txid, :position, 0, 0, NULL, :now) "
    "ON CONFLICT (consumer) DO UPDATE SET txid = excluded.txid, position = excluded.position, attempts = 0, "
    "next_attempt_ms = 0, last_error = NULL, updated_ms = excluded.updated_ms")


class Progress:
    def __init__(self, engines: Engines):
        self._engines = engines

    # --- cursors ---------------------------------------------------------------------------

    def state(self, consumer: str) -> ConsumerState:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(cursors).where(cursors.c.consumer == consumer)).first()
        if row is None:
            return ConsumerState(consumer, EventCursor(), 0, 0, None)
        return ConsumerState(consumer, EventCursor(row.txid, row.position), row.attempts, row.next_attempt_ms,
                             row.last_error)

    def states(self) -> dict[str, ConsumerState]:
        with self._engines.read.connect() as connection:
            return {row.consumer: ConsumerState(row.consumer, EventCursor(row.txid, row.position), row.attempts,
                                                row.next_attempt_ms, row.last_error)
                    for row in connection.execute(select(cursors))}

    def start(self, consumer: str, at: EventCursor, *, connection=None) -> None:
        """A consumer's first cursor (kept if it has one): a new subscription starts at the head."""
        values = {"consumer": consumer, "txid": at.txid, "position": at.position, "attempts": 0,
                  "next_attempt_ms": 0, "last_error": None, "updated_ms": now_ms()}
        statement = insert_ignoring_conflicts(cursors, self._engines.dialect).values(**values)
        if connection is not None:
            connection.execute(statement)
            return
        with self._engines.write.begin() as own:
            own.execute(statement)

    def move(self, consumer: str, to: EventCursor) -> None:
        """Past everything up to `to`, with its back-off cleared."""
        self._save(consumer, txid=to.txid, position=to.position, attempts=0, next_attempt_ms=0, last_error=None)

    def move_all(self, moves: dict[str, EventCursor]) -> None:
        """Progress.move for each consumer, in one transaction: one statement for all (the embedded runner
        saves every round's moves, and building an UPDATE per consumer cost more than running it)."""
        if not moves:
            return
        now = now_ms()
        with self._engines.write.begin() as connection:
            connection.execute(_MOVE, [{"consumer": consumer, "txid": to.txid, "position": to.position, "now": now}
                                       for consumer, to in moves.items()])

    @contextmanager
    def holding(self, consumer: str, at: EventCursor) -> Iterator["HeldCursor | None"]:
        """The consumer's cursor, held while an ordered consumer's batch runs, so the batch and the cursor's
        move past it are once together: None if it is no longer at `at` (another runner moved it past
        the batch meanwhile). On PostgreSQL a transaction held open through the batch takes the consumer's
        advisory lock (a second runner waits, then finds the cursor moved; a runner that dies takes its
        uncommitted move with it). An advisory lock, not a row lock: a row lock would give the transaction
        an id for the whole batch, and every outbox reader (lrs/events.py) waits for the transactions with
        an id that were running when it reads, so a slow receiver would hold back every other consumer.
        On SQLite, whose one runner is kept alone by its lock file, the move follows the batch."""
        if self._engines.dialect != "postgresql":
            yield HeldCursor(self, consumer, None, True) if self.state(consumer).cursor == at else None
            return
        with self._engines.write.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:consumer))"),
                               {"space": _CURSOR_LOCKS, "consumer": consumer})
            row = connection.execute(select(cursors.c.txid, cursors.c.position)
                                     .where(cursors.c.consumer == consumer)).first()
            found = EventCursor(row.txid, row.position) if row is not None else EventCursor()
            yield HeldCursor(self, consumer, connection, row is None) if found == at else None

    def back_off(self, consumer: str, attempts: int, next_attempt_ms: int, error: str) -> None:
        self._save(consumer, attempts=attempts, next_attempt_ms=next_attempt_ms, last_error=error[:_ERROR_CHARS])

    def _save(self, consumer: str, *, connection=None, create: bool = True, **values) -> None:
        if connection is None:
            with self._engines.write.begin() as own:
                self._save(consumer, connection=own, create=create, **values)
            return
        changed = connection.execute(update(cursors).where(cursors.c.consumer == consumer)
                                     .values(updated_ms=now_ms(), **values)).rowcount
        if not changed and create:
            start = {"consumer": consumer, "txid": 0, "position": 0, "attempts": 0, "next_attempt_ms": 0,
                     "last_error": None, "updated_ms": now_ms()}
            connection.execute(cursors.insert().values(**{**start, **values}))

    def forget(self, consumer: str) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(delete(cursors).where(cursors.c.consumer == consumer))

    # --- failed deliveries -------------------------------------------------------------------

    def failed(self, consumer: str, event: Event, error: str, *, next_attempt_ms: int, dead: bool = False) -> None:
        """Sets a delivery aside (first failure); a second report of the same one (a re-read after a crash)
        changes nothing."""
        values = {"consumer": consumer, "event_position": event.position, "event_kind": event.kind,
                  "store_id": event.store_id, "subject": event.subject, "status": DEAD if dead else RETRYING,
                  "attempts": 1, "next_attempt_ms": next_attempt_ms, "last_error": error[:_ERROR_CHARS],
                  "created_ms": now_ms(), "updated_ms": now_ms()}
        with self._engines.write.begin() as connection:
            connection.execute(insert_ignoring_conflicts(deliveries, self._engines.dialect).values(**values))

    def due(self, now: int, limit: int = 100) -> list[Delivery]:
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(deliveries).where(
                deliveries.c.status == RETRYING, deliveries.c.next_attempt_ms <= now)
                .order_by(deliveries.c.next_attempt_ms, deliveries.c.id).limit(limit)).all()
        return [Delivery(**row._mapping) for row in rows]

    def claim(self, delivery: Delivery, lease_until_ms: int) -> bool:
        """Compare-and-set on (status, next_attempt_ms): of two runners only one gets a due delivery."""
        with self._engines.write.begin() as connection:
            return connection.execute(update(deliveries).where(
                deliveries.c.id == delivery.id, deliveries.c.status == RETRYING,
                deliveries.c.next_attempt_ms == delivery.next_attempt_ms)
                .values(next_attempt_ms=lease_until_ms, updated_ms=now_ms())).rowcount == 1

    def finish(self, delivery_id: int, *, status: str, attempts: int | None = None,
               next_attempt_ms: int | None = None, error: str | None = None,
               only_from: tuple[str, ...] | None = None) -> bool:
        values = {"status": status, "updated_ms": now_ms()}
        if attempts is not None:
            values["attempts"] = attempts
        if next_attempt_ms is not None:
            values["next_attempt_ms"] = next_attempt_ms
        if error is not None:
            values["last_error"] = error[:_ERROR_CHARS]
        condition = deliveries.c.id == delivery_id
        if only_from:
            condition = and_(condition, deliveries.c.status.in_(only_from))
        with self._engines.write.begin() as connection:
            return connection.execute(update(deliveries).where(condition).values(**values)).rowcount == 1

    def deliveries(self, *, status: str | None = None, store_id: int | None = None, consumer: str | None = None,
                   after_id: int = 0, limit: int = 100) -> list[Delivery]:
        query = select(deliveries).where(deliveries.c.id > after_id)
        if status is not None:
            query = query.where(deliveries.c.status == status)
        if store_id is not None:
            query = query.where(deliveries.c.store_id == store_id)
        if consumer is not None:
            query = query.where(deliveries.c.consumer == consumer)
        with self._engines.read.connect() as connection:
            rows = connection.execute(query.order_by(deliveries.c.id).limit(limit)).all()
        return [Delivery(**row._mapping) for row in rows]

    def delivery(self, delivery_id: int) -> Delivery | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first()
        return None if row is None else Delivery(**row._mapping)

    def awaited_positions(self) -> set[int]:
        """The event positions a delivery may still read again: retrying ones, and dead letters an admin may
        retry (Dispatcher.prune_outbox keeps their events)."""
        with self._engines.read.connect() as connection:
            return set(connection.execute(select(deliveries.c.event_position).where(
                deliveries.c.status.in_((RETRYING, DEAD)))).scalars())

    def any_due(self, now: int) -> bool:
        with self._engines.read.connect() as connection:
            return connection.execute(select(deliveries.c.id).where(
                deliveries.c.status == RETRYING, deliveries.c.next_attempt_ms <= now).limit(1)).first() is not None
