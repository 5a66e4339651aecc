"""Delivery's Alembic branch creates exactly delivery/storage/tables.py, beside the LRS's own history,
on both dialects (`lrs db upgrade` runs both)."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from delivery.storage.tables import metadata
from lrs.storage.engines import create_engines
from lrs.storage.migrate import alembic_config, current_delivery_revision, current_revision, delivery_alembic_config


def _ours(name, type_, _parent_names) -> bool:
    return type_ != "table" or name.startswith("delivery_") and name != "delivery_alembic_version"


def test_migrated_delivery_schema_matches_its_table_definitions(database_url):
    engines = create_engines(database_url)
    with engines.read.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False, "include_name": _ours})
        differences = compare_metadata(context, metadata)
    engines.dispose()
    assert differences == []


def test_both_histories_are_at_their_heads(database_url):
    delivery_head = ScriptDirectory.from_config(delivery_alembic_config(database_url)).get_current_head()
    assert delivery_head == "d003" and current_delivery_revision(database_url) == delivery_head
    # The LRS's own history stays linear: current_revision still names its head.
    assert current_revision(database_url) == ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def test_the_branch_is_labelled_delivery(database_url):
    script = ScriptDirectory.from_config(delivery_alembic_config(database_url))
    assert script.get_revision("delivery").revision == "d001"
