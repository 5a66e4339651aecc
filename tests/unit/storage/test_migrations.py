"""Alembic migrations create exactly the schema lrs/storage/tables.py describes, on both dialects."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from lrs.storage.engines import create_engines
from lrs.storage.migrate import alembic_config, current_revision, upgrade
from lrs.storage.tables import metadata


def test_migrated_schema_matches_the_table_definitions(database_url):
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": False,
            # delivery_* tables are delivery's own (tests/unit/delivery/test_migrations.py checks them);
            # automation_* and the task engine's procrastinate_* are the automation branch's
            # (tests/unit/automation/core/test_migrations.py); wf_* the workflows' branch, profile_* and
            # profiles_* the xAPI Profiles branch (each module's own Alembic branch and version table)
            "include_name": lambda name, type_, parent: not (
                type_ == "table" and name.startswith(("delivery_", "automation_", "procrastinate_", "wf_",
                                                      "workflows_", "profile_", "profiles_")))})
        differences = compare_metadata(context, metadata)
    engines.dispose()
    assert differences == []


def test_database_is_at_the_head_revision(database_url):
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert head is not None and current_revision(database_url) == head

