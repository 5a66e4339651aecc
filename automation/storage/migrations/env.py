"""Alembic environment of the automation core's branch (lrs/storage/branch_environment.py)."""
from automation.storage.tables import metadata
from lrs.storage.branch_environment import run_branch_migrations

run_branch_migrations(metadata, "automation_alembic_version")
