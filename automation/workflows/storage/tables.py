"""The workflows' schema as SQLAlchemy Core tables; the Alembic branch in migrations/ creates the same.

JSON columns are Text written by orjson. Times are milliseconds since the epoch (UTC)."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

learners = Table(
    "wf_learners", metadata,
    Column("store_id", Integer, primary_key=True),
    # lrs.xapi.agents.ifi_key of the learner's Agent: the same key delivery's registrations carry.
    Column("learner_key", Text, primary_key=True),
    Column("agent", Text, nullable=False),
    Column("email", Text, nullable=True),
    Column("name", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
)

grants = Table(
    "wf_grants", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("learner_key", Text, primary_key=True),
    Column("course_id", String(36), primary_key=True),
    Column("registration_id", String(36), nullable=False),
    # What granted it: "stripe:<checkout session id>", "api", "tier:<name>" ...
    Column("source", Text, nullable=False),
    Column("subscription_id", Text, nullable=True),
    Column("granted_ms", BigInteger, nullable=False),
    # Access ends here (a cancelled subscription's period end); null: no end.
    Column("ends_ms", BigInteger, nullable=True),
    Index("ix_wf_grants_subscription", "subscription_id"),
)

unsubscribes = Table(
    "wf_unsubscribes", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("email", Text, primary_key=True),  # lower-cased
    Column("created_ms", BigInteger, nullable=False),
)

payment_events = Table(
    "wf_payment_events", metadata,
    # Stripe's event id: a duplicate delivery finds its row and changes nothing.
    Column("event_id", String(255), primary_key=True),
    Column("type", Text, nullable=False),
    Column("store_id", Integer, nullable=True),
    # data.object.id (a checkout session, invoice or subscription id): a subscription's ending is found by it
    # even when its event arrives before the checkout that started it.
    Column("object_id", String(255), nullable=True),
    Column("stripe_created", BigInteger, nullable=False),
    Column("received_ms", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Index("ix_wf_payment_events_object", "object_id"),
    Index("ix_wf_payment_events_store_received", "store_id", "received_ms"),
)

certificates = Table(
    "wf_certificates", metadata,
    # 32 random bytes, URL-safe: the verification URL's only part, never derived from the learner or course.
    Column("id", String(64), primary_key=True),
    Column("store_id", Integer, nullable=False),
    Column("learner_key", Text, nullable=False),
    Column("learner_name", Text, nullable=False),
    Column("learner_email", Text, nullable=True),
    Column("course_id", Text, nullable=False),
    Column("course_title", Text, nullable=False),
    Column("completed_ms", BigInteger, nullable=False),
    Column("issued_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger, nullable=True),
    Column("revoke_reason", Text, nullable=True),
    UniqueConstraint("store_id", "learner_key", "course_id", name="uq_wf_certificates_learner_course"),
)

rules = Table(
    "wf_rules", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("name", String(40), primary_key=True),  # reengagement, support, certificates
    Column("body", Text, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

learner_activity = Table(
    "wf_learner_activity", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("learner_key", Text, primary_key=True),
    Column("agent", Text, nullable=False),
    Column("last_statement_ms", BigInteger, nullable=False),
    Index("ix_wf_learner_activity_last", "last_statement_ms"),
)

support_requests = Table(
    "wf_support_requests", metadata,
    Column("id", String(36), primary_key=True),
    Column("store_id", Integer, nullable=False),
    Column("email", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("category", String(40), nullable=False),
    Column("destination", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_wf_support_requests_store_created", "store_id", "created_ms"),
)
