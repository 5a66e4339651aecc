"""The schema, as SQLAlchemy Core tables; Alembic migrations in migrations/ create the same."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        SmallInteger,
                        String, Table, Text, UniqueConstraint)

metadata = MetaData()

# SQLite only aliases rowid for a column declared exactly INTEGER PRIMARY KEY.
BigIntegerKey = BigInteger().with_variant(Integer(), "sqlite")

stores = Table(
    "stores", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("created_ms", BigInteger, nullable=False),
)

credentials = Table(
    "credentials", metadata,
    Column("id", Integer, primary_key=True),
    Column("store_id", Integer, ForeignKey("stores.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("key", String(200), nullable=False, unique=True),
    Column("secret_hash", String(200), nullable=False),
    Column("scopes", String(500), nullable=False, default="all"),
    Column("created_ms", BigInteger, nullable=False),
    Column("revoked_ms", BigInteger, nullable=True),
    # The X-Experience-API-Version this credential last sent (lrs.services.client_versions).
    Column("last_version", String(10), nullable=True),
)

# Interned strings: agent IFIs, activity, verb and registration ids, each with a kind prefix.
terms = Table(
    "terms", metadata,
    Column("id", BigIntegerKey, primary_key=True, autoincrement=True),
    Column("value", Text, nullable=False, unique=True),
)

statements = Table(
    "statements", metadata,
    # Insertion order; with stored_ms it is the sort key and the `more` cursor.
    Column("seq", BigIntegerKey, primary_key=True, autoincrement=True),
    Column("store_id", Integer, nullable=False),
    Column("statement_id", String(36), nullable=False),
    Column("stored_ms", BigInteger, nullable=False),
    Column("voided", Boolean, nullable=False, default=False),
    Column("voids", String(36), nullable=True),
    Column("credential_id", Integer, nullable=True),
    Column("body", Text, nullable=False),
    # PostgreSQL: the body compressed (lrs/storage/body_codec.py), `body` then empty; NULL on SQLite.
    Column("body_zstd", LargeBinary, nullable=True),
    UniqueConstraint("store_id", "statement_id", name="uq_statements_store_statement_id"),
    Index("ix_statements_store_stored", "store_id", "stored_ms", "seq"),
)

# One row per (term, role) a statement matches, so "newest N for X" is one index range scan.
statement_index = Table(
    "statement_index", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("term_id", BigInteger, primary_key=True),
    Column("role", SmallInteger, primary_key=True),
    Column("stored_ms", BigInteger, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Index("ix_statement_index_seq", "seq"),
    sqlite_with_rowid=False,
)

# Statements whose Object is a StatementRef, by the id they target (filter inheritance and voiding).
statement_refs = Table(
    "statement_refs", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("target_statement_id", String(36), primary_key=True),
    Column("referrer_seq", BigInteger, primary_key=True),
    sqlite_with_rowid=False,
)

# Which statement_index rows a statement holds only through its StatementRef chain (xAPI-Communication
# 2.1.3.s3), and whose statement they came from: erasure removes them with their origin, and a
# statements/read/mine reader matches them only when it stored the origin. Plain statements have none.
inherited_index = Table(
    "inherited_index", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("term_id", BigInteger, primary_key=True),
    Column("role", SmallInteger, primary_key=True),
    Column("origin_credential_id", Integer, nullable=True),
    sqlite_with_rowid=False,
)

# Which statements use a stored payload, by lower-case SHA-2: they declare it (top level or in their
# SubStatement) and their request carried it. Erasure keeps a payload while any use remains, found
# with one exact probe instead of a search of statement bodies.
attachment_uses = Table(
    "attachment_uses", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("sha2", String(128), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Index("ix_attachment_uses_seq", "seq"),
    sqlite_with_rowid=False,
)

# One row: bumped by every `lrs terms purge` step that deletes terms, so a writer whose cached term ids
# predate the purge notices in its own transaction and interns them again (lrs/storage/terms.py).
term_generation = Table(
    "term_generation", metadata,
    Column("id", Integer, primary_key=True),
    Column("generation", BigInteger, nullable=False),
)

activity_definitions = Table(
    "activity_definitions", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("activity_id", Text, primary_key=True),
    Column("definition", Text, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
)

# Attachment payloads, stored once per store and SHA-2 hash (xAPI-Communication 1.5.2).
attachments = Table(
    "attachments", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("sha2", String(128), primary_key=True),
    Column("content_type", String(255), nullable=False),
    Column("length", BigInteger, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# State, Activity Profile and Agent Profile documents (xAPI-Communication 2.2-2.7). The hashes keep
# every key fixed-size whatever the IRIs' length; the plain columns are kept for reading and erasure.
documents = Table(
    "documents", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("scope_hash", String(64), primary_key=True),
    Column("registration", String(36), primary_key=True),
    Column("document_hash", String(64), primary_key=True),
    Column("kind", SmallInteger, nullable=False),
    Column("activity_id", Text, nullable=False),
    Column("agent_key", Text, nullable=False),
    Column("document_id", Text, nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
    Index("ix_documents_store_scope_updated", "store_id", "scope_hash", "updated_ms"),
)

# People who administer stores and credentials through the admin API (argon2-hashed passwords).
admins = Table(
    "admins", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(200), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# Who did what to which store, and when: every administrative change and every erasure.
audit_log = Table(
    "audit_log", metadata,
    Column("id", BigIntegerKey, primary_key=True, autoincrement=True),
    Column("at_ms", BigInteger, nullable=False),
    Column("actor", String(300), nullable=False),
    Column("action", String(100), nullable=False),
    Column("store_id", Integer, nullable=True),
    Column("detail", Text, nullable=False),
    Index("ix_audit_log_store_at", "store_id", "at_ms"),
)

# The transactional outbox (lrs/events.py): one row per event, written in the transaction of the change
# it reports. `txid` is the writing transaction's id on PostgreSQL (0 on SQLite, whose writers commit one
# at a time): readers go in (txid, position) order and only past transactions that can no longer commit,
# so a position allocated early but committed late is never skipped. A statement.stored row keeps no
# copy of the statement, only its verb (payload {"verb_id": ...}; NULL in rows written before): readers read
# the statement when they need it, and an erased statement leaves nothing personal behind.
event_outbox = Table(
    "event_outbox", metadata,
    Column("position", BigIntegerKey, primary_key=True, autoincrement=True),
    Column("txid", BigInteger, nullable=False, server_default="0"),
    Column("kind", String(100), nullable=False),
    Column("store_id", Integer, nullable=True),
    Column("subject", String(300), nullable=False),
    Column("payload", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_event_outbox_txid_position", "txid", "position"),
)

# Aggregation rollups (docs/adr/008-aggregation-rollups.md): statement counts per quarter-hour slot of
# `stored` (slot = stored_ms // 900000), per activity term the statement matches (role ACTIVITY or
# RELATED_ACTIVITY, inherited rows included, as the activity filter matches) and its own verb term; voided
# statements are not counted. A store's slots below its watermark are counted, except the dirty ones: a
# write that changes a counted slot (voiding, a StatementRef's inherited rows, erasure, an import with old
# `stored` times) marks it dirty in its own transaction, and queries count dirty slots at read time until
# the rollup counts them again (lrs/storage/rollups.py).
aggregation_counts = Table(
    "aggregation_counts", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("term_id", BigInteger, primary_key=True),
    Column("role", SmallInteger, primary_key=True),
    Column("slot", BigInteger, primary_key=True),
    Column("verb_term_id", BigInteger, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Index("ix_aggregation_counts_slot", "store_id", "slot"),  # a slot's counts replaced
)

aggregation_dirty = Table(
    "aggregation_dirty", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("slot", BigInteger, primary_key=True),
    Column("version", BigInteger, nullable=False),  # raised by every mark: a recount removes only the mark it saw
)

aggregation_watermarks = Table(
    "aggregation_watermarks", metadata,
    Column("store_id", Integer, primary_key=True),
    Column("slot", BigInteger, nullable=False),  # every slot below it is counted (or dirty)
    Column("updated_ms", BigInteger, nullable=False),
)
