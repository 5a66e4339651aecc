"""The automation branch's migrations create exactly automation/storage/tables.py, on both dialects, and on
PostgreSQL the task engine's schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from automation.storage.tables import metadata
from lrs.storage.engines import create_engines


def test_migrated_automation_schema_matches_the_table_definitions(database_url):
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": False, "version_table": "automation_alembic_version",
            "include_name": lambda name, type_, parent: type_ != "table" or name.startswith("automation_")})
        differences = compare_metadata(context, metadata)
        tables = set(inspect(connection).get_table_names())
    engines.dispose()
    assert differences == []
    assert ("procrastinate_jobs" in tables) == database_url.startswith("postgresql")
