"""The automation core's schema as SQLAlchemy Core tables; migrations/ creates the same.

Times are milliseconds since the epoch (UTC). The event stream itself is the spine's (event_outbox,
lrs/events.py): these tables only say how far each consumer got and what it did."""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# How far each consumer (a handler, or a forwarding subscription "forward:<id>") has read the outbox, and
# its back-off when the event at its head keeps failing (ordered consumers wait rather than skip).
cursors = Table(
    "automation_cursors", metadata,
    Column("consumer", String(200), primary_key=True),
    Column("txid", BigInteger, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_ms", BigInteger, nullable=False, default=0),
    Column("last_error", Text, nullable=True),
    Column("updated_ms", BigInteger, nullable=False),
)

# Effects done (Effects.run_once): a key is here only once its action succeeded.
effects = Table(
    "automation_effects", metadata,
    Column("effect_key", String(500), primary_key=True),
    Column("done_ms", BigInteger, nullable=False),
)

# Deliveries of one event to one consumer that failed: retried with exponential back-off, then dead
# (the dead-letter list admins see, retry or discard).
deliveries = Table(
    "automation_deliveries", metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("consumer", String(200), nullable=False),
    Column("event_position", BigInteger, nullable=False),
    Column("event_kind", String(100), nullable=False),
    Column("store_id", Integer, nullable=True),
    Column("subject", String(300), nullable=False),
    # retrying -> done | dead; dead -> retrying (an admin's retry) | discarded
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_ms", BigInteger, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_automation_deliveries_status_next", "status", "next_attempt_ms"),
    Index("ix_automation_deliveries_consumer_event", "consumer", "event_position", unique=True),
)

# Statement forwarding: a store's webhook subscriptions and their filters (None: any).
subscriptions = Table(
    "automation_subscriptions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("store_id", Integer, nullable=False),
    Column("url", Text, nullable=False),
    Column("secret", String(200), nullable=False),
    Column("verb_id", Text, nullable=True),
    Column("activity_id", Text, nullable=True),
    # lrs.xapi.agents.ifi_key of the actor to match
    Column("actor_key", Text, nullable=True),
    Column("enabled", Boolean, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_automation_subscriptions_store", "store_id"),
)

# Every forwarding attempt, for admins: which events, the answer, the error.
forward_log = Table(
    "automation_forward_log", metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("subscription_id", Integer, nullable=False),
    Column("delivery_id", String(100), nullable=False),
    Column("statements", Integer, nullable=False),
    Column("first_position", BigInteger, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("attempt", Integer, nullable=False),
    Column("sent_ms", BigInteger, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Index("ix_automation_forward_log_subscription", "subscription_id", "id"),
)

# Scheduled jobs run in-process (SQLite): the last tick each job ran for, claimed by compare-and-set so a
# restart or a second process never runs one tick twice. On PostgreSQL procrastinate's periodic deferrer
# keeps the same promise in its own table.
schedule = Table(
    "automation_schedule", metadata,
    Column("name", String(200), primary_key=True),
    Column("last_tick_ms", BigInteger, nullable=False),
)
