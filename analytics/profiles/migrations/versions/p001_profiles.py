"""xAPI Profiles: imported profile versions, each store's validation mode, report-mode results and violations.

Revision ID: p001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "p001"
down_revision = None
branch_labels = ("profiles",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("profile_id", sa.Text, nullable=False),
        sa.Column("version_id", sa.String(512), nullable=False),
        sa.Column("generated_at", sa.String(64), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("also_for_categories", sa.Text, nullable=False),
        sa.Column("imported_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("store_id", "version_id", name="uq_profile_versions_store_version"),
    )
    op.create_table(
        "profile_store_modes",
        sa.Column("store_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("changed_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "profile_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("version_id", sa.String(512), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("matched", sa.Text, nullable=False),
        sa.Column("violations", sa.Integer, nullable=False),
        sa.Column("recorded_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("store_id", "statement_id", "version_id", name="uq_profile_results_statement"),
    )
    op.create_index("ix_profile_results_store_version_outcome", "profile_results",
                    ["store_id", "version_id", "outcome", "id"])
    op.create_table(
        "profile_violations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("statement_id", sa.String(36), nullable=False),
        sa.Column("version_id", sa.String(512), nullable=False),
        sa.Column("template_id", sa.Text, nullable=True),
        sa.Column("rule_index", sa.Integer, nullable=True),
        sa.Column("concept_id", sa.Text, nullable=True),
        sa.Column("location", sa.Text, nullable=True),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_index("ix_profile_violations_store_statement", "profile_violations", ["store_id", "statement_id"])
    op.create_index("ix_profile_violations_store_template", "profile_violations",
                    ["store_id", "version_id", "template_id", "rule_index", "id"])


def downgrade() -> None:
    op.drop_table("profile_violations")
    op.drop_table("profile_results")
    op.drop_table("profile_store_modes")
    op.drop_table("profile_versions")
