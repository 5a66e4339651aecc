"""Exactly-once effects on top of at-least-once delivery.

`run_once(key, action)` runs `action` unless an effect with that key is recorded as done, and records it
done after the action succeeds. On PostgreSQL a transaction held open while the action runs takes an
advisory lock on the key first: a second worker with the same key waits on it and then finds the key done,
and a worker that dies mid-action takes its lock with it, so the action runs again elsewhere. An advisory
lock, not the key's row inserted first: a row would give the transaction an id for the whole action (an
email, a webhook), and every outbox reader (lrs/events.py) waits for the transactions with an id that were
running when it reads, so one slow mail server would hold back every consumer (as automation/progress.py
says of cursors). The row is written after the action, in the same transaction. On SQLite
(the embedded single runner, automation/embedded.py) the check, the action and the record follow each
other without holding SQLite's one write lock across the action.

An effect outside the database (an email, an HTTP request) that succeeded just before its worker died,
before the record committed, runs again: the key goes with it (Message-ID, X-LRS-Delivery) so the
receiver can tell (docs/automation.md). An effect inside the database (`run_once_in_transaction`) is
exactly once without that window: the action writes in the record's own transaction.
"""
from __future__ import annotations

import time
from typing import Callable, Iterable, TypeVar

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from automation.storage.tables import effects as effects_table
from lrs.storage.dialect import insert_ignoring_conflicts
from lrs.storage.engines import Engines

T = TypeVar("T")
MAX_KEY_LENGTH = 500
# The key space of the effects' advisory locks (pg_advisory_xact_lock(space, hashtext(key))), beside
# automation/progress.py's; keys whose hashes collide only wait for each other. Taken in sorted order, so two
# workers with overlapping batches never wait on each other in a cycle.
_EFFECT_LOCKS = 0x6C7265
# Each key's lock takes a slot of PostgreSQL's shared lock table (max_locks_per_transaction x connections,
# 6,400 by default, for the whole server); the handlers ask for one key at a time.
MAX_KEYS_PER_CALL = 500
_LOCK_KEYS = ("SELECT count(pg_advisory_xact_lock(:space, h)) FROM (SELECT DISTINCT hashtext(key) AS h "
              "FROM unnest(CAST(:keys AS text[])) AS key ORDER BY h) AS sorted")


def _now_ms() -> int:
    return int(time.time() * 1000)


def _checked(keys: Iterable[str]) -> list[str]:
    keys = list(dict.fromkeys(keys))
    for key in keys:
        if not key or len(key) > MAX_KEY_LENGTH:
            raise ValueError(f"an effect key is 1 to {MAX_KEY_LENGTH} characters: {key[:80]!r}")
    return keys


class OnceByCursor:
    """The effects an ordered consumer's batch runs with (Dispatcher): the batch is once by the consumer's
    cursor, which moves in the transaction that holds it through the batch (Progress.holding), so each
    action runs at once and nothing is recorded: no row per forwarded statement. The window is the one
    Effects has for an external effect: one that succeeded just before its worker died, before the
    cursor's move committed, runs again."""

    def run_once(self, effect_key: str, action: Callable[[], T]) -> bool:
        return bool(self.run_once_many([effect_key], lambda pending: action()))

    def run_once_many(self, effect_keys: Iterable[str], action: Callable[[list[str]], object]) -> list[str]:
        keys = _checked(effect_keys)
        if keys:
            action(keys)
        return keys


ONCE_BY_CURSOR = OnceByCursor()


class Effects:
    def __init__(self, engines: Engines):
        self._engines = engines
        self._postgresql = engines.dialect == "postgresql"

    def run_once(self, effect_key: str, action: Callable[[], T]) -> bool:
        """True if `action` ran now (and succeeded), False if the effect was already done."""
        return bool(self.run_once_many([effect_key], lambda pending: action()))

    def run_once_many(self, effect_keys: Iterable[str], action: Callable[[list[str]], object]) -> list[str]:
        """One action for the keys not yet done (`action(pending_keys)`, skipped when none are); all of
        them are recorded done when it succeeds. Returns the keys it ran for."""
        keys = _checked(effect_keys)
        if not keys:
            return []
        if self._postgresql:
            if len(keys) > MAX_KEYS_PER_CALL:
                raise ValueError(f"at most {MAX_KEYS_PER_CALL} effect keys a call (each holds an advisory lock)")
            # READ COMMITTED whatever the server's default: the done-check below must see a row committed
            # by the worker this one waited for, so it needs a snapshot taken after the lock, not before.
            with self._engines.write.connect() as connection, connection.execution_options(
                    isolation_level="READ COMMITTED").begin():
                connection.execute(text(_LOCK_KEYS), {"space": _EFFECT_LOCKS, "keys": keys})
                done = set(connection.execute(text(
                    "SELECT effect_key FROM automation_effects WHERE effect_key = ANY(CAST(:keys AS text[]))"),
                    {"keys": keys}).scalars())
                pending = [key for key in keys if key not in done]
                if pending:
                    action(pending)
                    connection.execute(insert_ignoring_conflicts(effects_table, "postgresql"),
                                       [{"effect_key": key, "done_ms": _now_ms()} for key in pending])
                return pending  # committed on leaving the block: the records and the action's success
        done = self.done(keys)
        pending = [key for key in keys if key not in done]
        if pending:
            action(pending)
            with self._engines.write.begin() as connection:
                connection.execute(insert_ignoring_conflicts(effects_table, "sqlite"),
                                   [{"effect_key": key, "done_ms": _now_ms()} for key in pending])
        return pending

    def run_once_in_transaction(self, effect_key: str, action: Callable[[Connection], T]) -> bool:
        """For an effect kept in this database: `action(connection)` writes in the same transaction as the
        record, so the effect and its record commit together, exactly once."""
        [key] = _checked([effect_key])
        with self._engines.write.begin() as connection:
            if not self._claim(connection, [key]):
                return False
            action(connection)
        return True

    def done(self, effect_keys: Iterable[str]) -> set[str]:
        keys = list(effect_keys)
        found: set[str] = set()
        with self._engines.read.connect() as connection:
            for start in range(0, len(keys), 500):
                found.update(connection.execute(select(effects_table.c.effect_key).where(
                    effects_table.c.effect_key.in_(keys[start:start + 500]))).scalars())
        return found

    def _claim(self, connection: Connection, keys: list[str]) -> list[str]:
        """Inserts the keys not recorded yet and returns them; on PostgreSQL a key another transaction
        holds makes this wait for it (and then counts as done if it committed)."""
        if self._postgresql:
            rows = connection.execute(text(
                "INSERT INTO automation_effects (effect_key, done_ms) SELECT key, :now FROM unnest(CAST(:keys AS text[])) AS key "
                "ON CONFLICT (effect_key) DO NOTHING RETURNING effect_key"), {"now": _now_ms(), "keys": keys})
            claimed = set(rows.scalars())
            return [key for key in keys if key in claimed]
        already = set(connection.execute(select(effects_table.c.effect_key).where(
            effects_table.c.effect_key.in_(keys))).scalars())
        pending = [key for key in keys if key not in already]
        if pending:
            connection.execute(effects_table.insert(), [{"effect_key": key, "done_ms": _now_ms()} for key in pending])
        return pending
