"""PostgreSQL: the task engine's own schema (procrastinate_jobs, its functions and triggers), so
`lrs db upgrade` prepares workers too (docs/adr/006-task-engine.md). SQLite runs the handlers in-process
and needs none. A later procrastinate release with schema changes ships its own migration files: apply
them with a new revision here, as that release's notes say.

Revision ID: a002
Revises: a001
"""
from alembic import op

revision = "a002"
down_revision = "a001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if bind.exec_driver_sql("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").scalar():
        return  # installed by `procrastinate schema --apply` before this revision existed
    from procrastinate.schema import SchemaManager
    # Through the driver without parameters: the schema's text holds % and : that no layer may rewrite.
    bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
                   "procrastinate_jobs, procrastinate_workers CASCADE")
