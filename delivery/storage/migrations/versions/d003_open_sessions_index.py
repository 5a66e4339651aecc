"""Delivery: a partial index of the open sessions of a registration. Every launch, start and navigation
asks for a registration's open sessions (to end a second tab, a superseded launch); with only the
registration index that read walked every session the registration ever had, one per SCO launched.

Revision ID: d003
Revises: d002
"""
import sqlalchemy as sa
from alembic import op

revision = "d003"
down_revision = "d002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_delivery_sessions_open", "delivery_sessions", ["store_id", "registration_id", "launched_ms"],
                    sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))


def downgrade() -> None:
    op.drop_index("ix_delivery_sessions_open", table_name="delivery_sessions")
