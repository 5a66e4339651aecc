"""Alembic environment of the xAPI Profiles branch (lrs/storage/branch_environment.py)."""
from analytics.profiles.tables import metadata
from lrs.storage.branch_environment import run_branch_migrations

run_branch_migrations(metadata, "profiles_alembic_version")
