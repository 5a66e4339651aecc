"""Alembic environment of the workflows' branch (lrs/storage/branch_environment.py)."""
from automation.workflows.storage.tables import metadata
from lrs.storage.branch_environment import run_branch_migrations

run_branch_migrations(metadata, "workflows_alembic_version")
