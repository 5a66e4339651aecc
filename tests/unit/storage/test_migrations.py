"""Alembic migrations create exactly the schema lrs/storage/tables.py describes, on both dialects."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sqlalchemy import text

from lrs.storage.engines import create_engines
from lrs.storage.migrate import current_revision
from lrs.storage.tables import metadata
from tests.factories import statement


def test_migrated_schema_matches_the_table_definitions(database_url):
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    engines.dispose()
    assert differences == []


def test_database_is_at_the_head_revision(database_url):
    assert current_revision(database_url) == "0006"


def test_long_statement_bodies_are_compressed_in_the_row_on_postgresql(xapi, database_url):
    """Migration 0006: a body long enough for PostgreSQL to compress (rows over ~2 KB) is lz4-compressed
    and stays in the row."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite stores bodies as they are")
    response = xapi.post_statements(statement(result={"response": "a learner answer, repeated. " * 100}))
    assert response.status_code == 200, response.get_data(as_text=True)
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        method, stored, plain = connection.execute(text(
            "SELECT pg_column_compression(body), pg_column_size(body), octet_length(body) "
            "FROM statements WHERE statement_id = :id"), {"id": response.get_json()[0]}).one()
    engines.dispose()
    assert method == "lz4"
    assert stored < plain / 2
