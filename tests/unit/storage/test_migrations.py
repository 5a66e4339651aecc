"""Alembic migrations create exactly the schema lrs/storage/tables.py describes, on both dialects."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from lrs.auth.principal import Principal
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.engines import create_engines
from lrs.storage.migrate import alembic_config, current_revision, upgrade
from lrs.storage.tables import metadata
from tests.factories import issue_credential, statement


def test_migrated_schema_matches_the_table_definitions(database_url):
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    engines.dispose()
    assert differences == []


def test_database_is_at_the_head_revision(database_url):
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert head is not None and current_revision(database_url) == head


def test_long_statement_bodies_are_compressed_in_the_row_on_postgresql(postgresql_database_url):
    """Migration 0006 (PostgreSQL only; SQLite stores bodies as they are): a body long enough for
    PostgreSQL to compress (rows over ~2 KB) is lz4-compressed and stays in the row."""
    upgrade(postgresql_database_url)
    services = build_services(Settings(database_url=postgresql_database_url))
    try:
        issued = issue_credential(services, "compression")
        principal = Principal(issued.credential_id, issued.store_id, "compression", issued.key, frozenset({"all"}))
        [statement_id] = services.statements.store(
            principal, statement(result={"response": "a learner answer, repeated. " * 100}), version="1.0.3")
        with services.engines.read.connect() as connection:
            method, stored, plain = connection.execute(text(
                "SELECT pg_column_compression(body), pg_column_size(body), octet_length(body) "
                "FROM statements WHERE statement_id = :id"), {"id": statement_id}).one()
    finally:
        services.close()
    assert method == "lz4"
    assert stored < plain / 2
