"""Workflows (issue 15): learners, grants, unsubscribes, payment events, certificates, rules, learner
activity and support requests.

Revision ID: w001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "w001"
down_revision = None
branch_labels = ("workflows",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wf_learners",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("learner_key", sa.Text, primary_key=True),
        sa.Column("agent", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=True),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "wf_grants",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("learner_key", sa.Text, primary_key=True),
        sa.Column("course_id", sa.String(36), primary_key=True),
        sa.Column("registration_id", sa.String(36), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("subscription_id", sa.Text, nullable=True),
        sa.Column("granted_ms", sa.BigInteger, nullable=False),
        sa.Column("ends_ms", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_wf_grants_subscription", "wf_grants", ["subscription_id"])
    op.create_table(
        "wf_unsubscribes",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("email", sa.Text, primary_key=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "wf_payment_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("store_id", sa.Integer, nullable=True),
        sa.Column("object_id", sa.String(255), nullable=True),
        sa.Column("stripe_created", sa.BigInteger, nullable=False),
        sa.Column("received_ms", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
    )
    op.create_index("ix_wf_payment_events_object", "wf_payment_events", ["object_id"])
    op.create_index("ix_wf_payment_events_store_received", "wf_payment_events", ["store_id", "received_ms"])
    op.create_table(
        "wf_certificates",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("learner_key", sa.Text, nullable=False),
        sa.Column("learner_name", sa.Text, nullable=False),
        sa.Column("learner_email", sa.Text, nullable=True),
        sa.Column("course_id", sa.Text, nullable=False),
        sa.Column("course_title", sa.Text, nullable=False),
        sa.Column("completed_ms", sa.BigInteger, nullable=False),
        sa.Column("issued_ms", sa.BigInteger, nullable=False),
        sa.Column("revoked_ms", sa.BigInteger, nullable=True),
        sa.Column("revoke_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("store_id", "learner_key", "course_id", name="uq_wf_certificates_learner_course"),
    )
    op.create_table(
        "wf_rules",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "wf_learner_activity",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("learner_key", sa.Text, primary_key=True),
        sa.Column("agent", sa.Text, nullable=False),
        sa.Column("last_statement_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_wf_learner_activity_last", "wf_learner_activity", ["last_statement_ms"])
    op.create_table(
        "wf_support_requests",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("store_id", sa.Integer, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("destination", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_wf_support_requests_store_created", "wf_support_requests", ["store_id", "created_ms"])


def downgrade() -> None:
    for table in ("wf_support_requests", "wf_learner_activity", "wf_rules", "wf_certificates",
                  "wf_payment_events", "wf_unsubscribes", "wf_grants", "wf_learners"):
        op.drop_table(table)
