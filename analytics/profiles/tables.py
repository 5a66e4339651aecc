"""The profiles branch's tables (SQLAlchemy Core); migrations/ creates the same. JSON columns are Text written by
orjson. Store ids are the spine's, kept as plain integers: this module reads no spine table."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

# One row per imported profile version: versions of one profile side by side (xAPI Profiles Part Two §6.1).
profile_versions = Table(
    "profile_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("store_id", Integer, nullable=False),
    Column("profile_id", Text, nullable=False),
    Column("version_id", String(512), nullable=False),
    Column("generated_at", String(64), nullable=False),
    Column("document", Text, nullable=False),          # as imported
    Column("digest", String(64), nullable=False),      # sha256 of the document as imported
    Column("also_for_categories", Text, nullable=False, default="[]"),  # JSON array of category activity ids
    Column("imported_ms", BigInteger, nullable=False),
    UniqueConstraint("store_id", "version_id", name="uq_profile_versions_store_version"),
)

# A store's validation mode, chosen by its admin: off, report or enforce.
profile_store_modes = Table(
    "profile_store_modes", metadata,
    Column("store_id", Integer, primary_key=True, autoincrement=False),
    Column("mode", String(10), nullable=False),
    Column("changed_ms", BigInteger, nullable=False),
)

# Report mode: one row per (statement, profile version) validated, and one per violation found.
profile_results = Table(
    "profile_results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("store_id", Integer, nullable=False),
    Column("statement_id", String(36), nullable=False),
    Column("version_id", String(512), nullable=False),
    Column("outcome", String(10), nullable=False),     # success, invalid, unmatched (Part Three §2.1)
    Column("matched", Text, nullable=False),           # JSON array of template ids
    Column("violations", Integer, nullable=False),
    Column("recorded_ms", BigInteger, nullable=False),
    UniqueConstraint("store_id", "statement_id", "version_id", name="uq_profile_results_statement"),
    Index("ix_profile_results_store_version_outcome", "store_id", "version_id", "outcome", "id"),
)

profile_violations = Table(
    "profile_violations", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("store_id", Integer, nullable=False),
    Column("statement_id", String(36), nullable=False),
    Column("version_id", String(512), nullable=False),
    Column("template_id", Text, nullable=True),        # None: an extension concept's rule (Part Two §7.2)
    Column("rule_index", Integer, nullable=True),      # -1: a StatementRef requirement of the template
    Column("concept_id", Text, nullable=True),
    Column("location", Text, nullable=True),
    Column("message", Text, nullable=False),
    Index("ix_profile_violations_store_statement", "store_id", "statement_id"),
    Index("ix_profile_violations_store_template", "store_id", "version_id", "template_id", "rule_index", "id"),
)
