"""The automation core's tables: consumer cursors, done effects, failed deliveries (dead letters),
forwarding subscriptions and their delivery log, in-process schedule ticks.

Revision ID: a001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "a001"
down_revision = None
branch_labels = ("automation",)
depends_on = None

_ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "automation_cursors",
        sa.Column("consumer", sa.String(200), primary_key=True),
        sa.Column("txid", sa.BigInteger, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=False))
    op.create_table(
        "automation_effects",
        sa.Column("effect_key", sa.String(500), primary_key=True),
        sa.Column("done_ms", sa.BigInteger, nullable=False))
    op.create_table(
        "automation_deliveries",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_position", sa.BigInteger, nullable=False),
        sa.Column("event_kind", sa.String(100), nullable=False),
        sa.Column("store_id", sa.Integer, nullable=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False))
    op.create_index("ix_automation_deliveries_status_next", "automation_deliveries", ["status", "next_attempt_ms"])
    op.create_index("ix_automation_deliveries_consumer_event", "automation_deliveries",
                    ["consumer", "event_position"], unique=True)
    op.create_table(
        "automation_subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("verb_id", sa.Text, nullable=True),
        sa.Column("activity_id", sa.Text, nullable=True),
        sa.Column("actor_key", sa.Text, nullable=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False))
    op.create_index("ix_automation_subscriptions_store", "automation_subscriptions", ["store_id"])
    op.create_table(
        "automation_forward_log",
        sa.Column("id", _ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.Integer, nullable=False),
        sa.Column("delivery_id", sa.String(100), nullable=False),
        sa.Column("statements", sa.Integer, nullable=False),
        sa.Column("first_position", sa.BigInteger, nullable=False),
        sa.Column("last_position", sa.BigInteger, nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("sent_ms", sa.BigInteger, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False))
    op.create_index("ix_automation_forward_log_subscription", "automation_forward_log", ["subscription_id", "id"])
    op.create_table(
        "automation_schedule",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("last_tick_ms", sa.BigInteger, nullable=False))


def downgrade() -> None:
    for table in ("automation_schedule", "automation_forward_log", "automation_subscriptions",
                  "automation_deliveries", "automation_effects", "automation_cursors"):
        op.drop_table(table)
