"""Alembic environment of delivery's branch (lrs/storage/branch_environment.py)."""
from delivery.storage.tables import metadata
from lrs.storage.branch_environment import run_branch_migrations

run_branch_migrations(metadata, "delivery_alembic_version")
