"""Delivery: an index for finding a course by its id alone (the command line and content serving name a
course by id, without its store); every other lookup already has one (tests/unit/delivery/test_lookup_indexes.py).

Revision ID: d002
Revises: d001
"""
from alembic import op

revision = "d002"
down_revision = "d001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_delivery_courses_id", "delivery_courses", ["id"])


def downgrade() -> None:
    op.drop_index("ix_delivery_courses_id", table_name="delivery_courses")
