"""Aggregation rollups: counts per quarter-hour slot, activity term and verb, kept off the statement
path (docs/adr/008-aggregation-rollups.md, lrs/storage/rollups.py).

Additive: three new tables, no row rewritten. Empty tables mean no store is counted yet, and every
aggregation is answered at read time as before until `lrs analytics rollup` (or the automation runner's
scheduled job) counts the closed slots. Servers of an earlier revision do not mark the slots their
voiding, StatementRef or erasure writes change: upgrade every server before the rollup first runs.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aggregation_counts",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("term_id", sa.BigInteger, primary_key=True),
        sa.Column("role", sa.SmallInteger, primary_key=True),
        sa.Column("slot", sa.BigInteger, primary_key=True),
        sa.Column("verb_term_id", sa.BigInteger, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_aggregation_counts_slot", "aggregation_counts", ["store_id", "slot"])
    op.create_table(
        "aggregation_dirty",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("slot", sa.BigInteger, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "aggregation_watermarks",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("slot", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("aggregation_watermarks")
    op.drop_table("aggregation_dirty")
    op.drop_index("ix_aggregation_counts_slot", table_name="aggregation_counts")
    op.drop_table("aggregation_counts")
