"""Alembic environment of the profiles branch (analytics/profiles): the URL comes from the caller (lrs db upgrade);
its own version table, so each history stays linear (lrs/storage/migrate.py)."""
from alembic import context
from sqlalchemy import create_engine

from analytics.profiles.tables import metadata

VERSION_TABLE = "profiles_alembic_version"

config = context.config
url = config.get_main_option("sqlalchemy.url")
connection = config.attributes.get("connection")


def run(connection_to_use) -> None:
    context.configure(connection=connection_to_use, target_metadata=metadata, version_table=VERSION_TABLE,
                      render_as_batch=connection_to_use.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = create_engine(url)
    with engine.connect() as fresh_connection:
        run(fresh_connection)
    engine.dispose()
