"""Delivery: courses, registrations, sessions, item and registration records (launch-api.md).

Revision ID: d001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "d001"
down_revision = None
branch_labels = ("delivery",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_courses",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("standard", sa.String(20), nullable=False),
        sa.Column("edition", sa.String(10), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("launchables", sa.Text, nullable=False),
        sa.Column("structure", sa.Text, nullable=False),
        sa.Column("runtime", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
    )
    op.create_index("ix_delivery_courses_store_created", "delivery_courses", ["store_id", "created_ms"])
    op.create_table(
        "delivery_registrations",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("learner", sa.Text, nullable=False),
        sa.Column("learner_key", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "delivery_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("registration_id", sa.String(36), nullable=False),
        sa.Column("course_id", sa.String(36), nullable=False),
        sa.Column("launchable_id", sa.Text, nullable=False),
        sa.Column("launch_mode", sa.String(10), nullable=False),
        sa.Column("return_url", sa.Text, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("launched_ms", sa.BigInteger, nullable=False),
        sa.Column("ended_ms", sa.BigInteger, nullable=True),
        sa.Column("launch_token_hash", sa.String(64), nullable=True),
        sa.Column("launch_token_expires_ms", sa.BigInteger, nullable=True),
        sa.Column("session_token_hash", sa.String(64), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("launch_token_hash", name="uq_delivery_sessions_launch_token"),
        sa.UniqueConstraint("session_token_hash", name="uq_delivery_sessions_session_token"),
    )
    op.create_index("ix_delivery_sessions_registration", "delivery_sessions",
                    ["store_id", "registration_id", "launched_ms"])
    op.create_index("ix_delivery_sessions_course_state", "delivery_sessions", ["store_id", "course_id", "state"])
    op.create_table(
        "delivery_item_records",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.String(36), primary_key=True),
        sa.Column("launchable_id", sa.Text, primary_key=True),
        sa.Column("completion", sa.String(20), nullable=False),
        sa.Column("success", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("satisfied", sa.Boolean, nullable=False),
        sa.Column("waived", sa.Boolean, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("total_seconds", sa.Float, nullable=False),
        sa.Column("last_launched_ms", sa.BigInteger, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "delivery_registration_records",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.String(36), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("delivery_registration_records", "delivery_item_records", "delivery_sessions",
                  "delivery_registrations", "delivery_courses"):
        op.drop_table(table)
