"""event_outbox: the spine's transactional outbox (lrs/events.py, docs/automation.md).

Every statement write appends its statement.stored / statement.voided rows in its own transaction from
this revision on. On PostgreSQL `txid` defaults to the writing transaction's id, which readers use to
never pass a position whose transaction may still commit. Additive: a new table, no row rewritten;
servers of an earlier revision keep writing statements without events, so upgrade every server.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("txid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("store_id", sa.Integer, nullable=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("payload", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_event_outbox_txid_position", "event_outbox", ["txid", "position"])
    if op.get_bind().dialect.name == "postgresql":
        # xid8 is the 64-bit, epoch-extended id: it never wraps around within a cluster's life.
        op.execute("ALTER TABLE event_outbox ALTER COLUMN txid SET DEFAULT (pg_current_xact_id()::text::bigint)")


def downgrade() -> None:
    op.drop_index("ix_event_outbox_txid_position", table_name="event_outbox")
    op.drop_table("event_outbox")
