"""Delivery's schema, as SQLAlchemy Core tables; the Alembic branch in migrations/ creates the same.

JSON columns are Text written by orjson (the LRS's one JSON encoder), read only by delivery."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, text)

metadata = MetaData()

courses = Table(
    "delivery_courses", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("standard", String(20), nullable=False),
    Column("edition", String(10), nullable=True),
    Column("title", Text, nullable=False),
    Column("launchables", Text, nullable=False),
    Column("structure", Text, nullable=False),
    Column("runtime", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    # A deleted course keeps its row: registrations and sessions still name it (launch-api.md, Courses).
    Column("deleted", Boolean, nullable=False, default=False),
    Index("ix_delivery_courses_store_created", "store_id", "created_ms"),
    # Course ids are UUIDs, unique across stores: the command line finds a course by id alone.
    Index("ix_delivery_courses_id", "id"),
)

registrations = Table(
    "delivery_registrations", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("id", String(36), primary_key=True),
    Column("course_id", String(36), nullable=False),
    Column("learner", Text, nullable=False),
    # lrs.xapi.agents.ifi_key: learners are the same when this is (launch-api.md, Registrations).
    Column("learner_key", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

sessions = Table(
    "delivery_sessions", metadata,
    Column("id", String(36), primary_key=True),
    Column("store_id", Integer, nullable=False),
    Column("registration_id", String(36), nullable=False),
    Column("course_id", String(36), nullable=False),
    Column("launchable_id", Text, nullable=False),
    Column("launch_mode", String(10), nullable=False),
    Column("return_url", Text, nullable=True),
    Column("state", String(10), nullable=False),
    Column("launched_ms", BigInteger, nullable=False),
    Column("ended_ms", BigInteger, nullable=True),
    # SHA-256 hex of the one-time launch token (cleared when redeemed) and of the session token; each
    # UNIQUE constraint is also the index every runtime call's token lookup probes.
    Column("launch_token_hash", String(64), nullable=True),
    Column("launch_token_expires_ms", BigInteger, nullable=True),
    Column("session_token_hash", String(64), nullable=True),
    Column("data", Text, nullable=False),
    UniqueConstraint("launch_token_hash", name="uq_delivery_sessions_launch_token"),
    UniqueConstraint("session_token_hash", name="uq_delivery_sessions_session_token"),
    Index("ix_delivery_sessions_registration", "store_id", "registration_id", "launched_ms"),
    # A registration's open sessions (migration d003), without walking every session it ever had.
    Index("ix_delivery_sessions_open", "store_id", "registration_id", "launched_ms",
          sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
    Index("ix_delivery_sessions_course_state", "store_id", "course_id", "state"),
)

item_records = Table(
    "delivery_item_records", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("registration_id", String(36), primary_key=True),
    Column("launchable_id", Text, primary_key=True),
    Column("completion", String(20), nullable=False),
    Column("success", String(10), nullable=False),
    Column("score", Float, nullable=True),
    Column("satisfied", Boolean, nullable=False),
    Column("waived", Boolean, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("total_seconds", Float, nullable=False),
    Column("last_launched_ms", BigInteger, nullable=True),
    Column("data", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

registration_records = Table(
    "delivery_registration_records", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("registration_id", String(36), primary_key=True),
    Column("data", Text, nullable=False),
    Column("version", Integer, nullable=False),
)
