"""State, Activity Profile and Agent Profile documents.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("scope_hash", sa.String(64), primary_key=True),
        sa.Column("registration", sa.String(36), primary_key=True),
        sa.Column("document_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.SmallInteger, nullable=False),
        sa.Column("activity_id", sa.Text, nullable=False),
        sa.Column("agent_key", sa.Text, nullable=False),
        sa.Column("document_id", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_documents_store_scope_updated", "documents",
                    ["store_id", "scope_hash", "updated_ms"])


def downgrade() -> None:
    op.drop_index("ix_documents_store_scope_updated", table_name="documents")
    op.drop_table("documents")
