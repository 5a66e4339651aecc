"""The statement store: stores, credentials, terms, statements and their filter index.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigIntegerKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("store_id", sa.Integer, sa.ForeignKey("stores.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("scopes", sa.String(500), nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("revoked_ms", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "terms",
        sa.Column("id", BigIntegerKey, primary_key=True, autoincrement=True),
        sa.Column("value", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "statements",
        sa.Column("seq", BigIntegerKey, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("stored_ms", sa.BigInteger, nullable=False),
        sa.Column("voided", sa.Boolean, nullable=False),
        sa.Column("voids", sa.String(36), nullable=True),
        sa.Column("credential_id", sa.Integer, nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.UniqueConstraint("store_id", "statement_id", name="uq_statements_store_statement_id"),
    )
    op.create_index("ix_statements_store_stored", "statements", ["store_id", "stored_ms", "seq"])
    op.create_table(
        "statement_index",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("term_id", sa.BigInteger, primary_key=True),
        sa.Column("role", sa.SmallInteger, primary_key=True),
        sa.Column("stored_ms", sa.BigInteger, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_statement_index_seq", "statement_index", ["seq"])
    op.create_table(
        "statement_refs",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("target_statement_id", sa.String(36), primary_key=True),
        sa.Column("referrer_seq", sa.BigInteger, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "activity_definitions",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("activity_id", sa.Text, primary_key=True),
        sa.Column("definition", sa.Text, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("activity_definitions", "statement_refs", "statement_index", "statements", "terms",
                  "credentials", "stores"):
        op.drop_table(table)
