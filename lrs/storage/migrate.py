"""Runs the Alembic migrations in this package against a database URL."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from lrs.storage.engines import create_engines

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    engines = create_engines(database_url)
    try:
        with engines.write.connect() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
    finally:
        engines.dispose()


def current_revision(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    engines = create_engines(database_url)
    try:
        with engines.read.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engines.dispose()
