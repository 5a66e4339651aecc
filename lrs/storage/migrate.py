"""Runs the Alembic migrations against a database URL: the LRS's own (this package) and delivery's
branch (delivery/storage/migrations, label `delivery`), which keeps its own version table so each
history stays linear and `current_revision` keeps naming the LRS's revision."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from lrs.storage.engines import create_engines

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(database_url: str) -> Config:
    """The LRS's own migrations."""
    return _config(MIGRATIONS, database_url)


def delivery_alembic_config(database_url: str) -> Config:
    """Delivery's branch (courses, registrations, sessions, records)."""
    import delivery.storage
    return _config(Path(delivery.storage.__file__).with_name("migrations"), database_url)


def workflows_alembic_config(database_url: str) -> Config:
    """The automation workflows' branch (automation/workflows/storage/migrations, label `workflows`)."""
    import automation.workflows.storage
    return _config(Path(automation.workflows.storage.__file__).with_name("migrations"), database_url)


def automation_alembic_config(database_url: str) -> Config:
    """The automation core's branch (automation/storage/migrations, label `automation`)."""
    import automation.storage
    return _config(Path(automation.storage.__file__).with_name("migrations"), database_url)


def profiles_alembic_config(database_url: str) -> Config:
    """The xAPI Profiles branch (analytics/profiles/migrations, label `profiles`)."""
    import analytics.profiles
    return _config(Path(analytics.profiles.__file__).with_name("migrations"), database_url)


def _config(location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str, revision: str = "head", *, delivery_revision: str = "head",
            workflows_revision: str | None = "head", automation_revision: str | None = "head",
            profiles_revision: str | None = "head") -> None:
    """The LRS's migrations to `revision`, then delivery's to `delivery_revision` (None: leave it)."""
    engines = create_engines(database_url)
    try:
        with engines.write.connect() as connection:
            for config, target in ((alembic_config(database_url), revision),
                                   (delivery_alembic_config(database_url), delivery_revision),
                                   (workflows_alembic_config(database_url), workflows_revision),
                                   (automation_alembic_config(database_url), automation_revision),
                                   (profiles_alembic_config(database_url), profiles_revision)):
                if target is None:
                    continue
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                connection.commit()
    finally:
        engines.dispose()


def current_revision(database_url: str) -> str | None:
    """The LRS's revision."""
    return _current(database_url, "alembic_version")


def current_delivery_revision(database_url: str) -> str | None:
    return _current(database_url, "delivery_alembic_version")


# Each migration branch by name, with its version table (the modules' env.py files name the same).
BRANCH_VERSION_TABLES = {"lrs": "alembic_version", "delivery": "delivery_alembic_version",
                         "automation": "automation_alembic_version", "workflows": "workflows_alembic_version",
                         "profiles": "profiles_alembic_version"}


def describe_revisions(database_url: str) -> str:
    """Every branch's current revision, for the CLI: "lrs 0009, delivery d002, automation a002, ..."."""
    return ", ".join(f"{branch} {_current(database_url, table) or 'none'}"
                     for branch, table in BRANCH_VERSION_TABLES.items())


def _current(database_url: str, version_table: str) -> str | None:
    from alembic.runtime.migration import MigrationContext
    engines = create_engines(database_url)
    try:
        with engines.read.connect() as connection:
            return MigrationContext.configure(connection, opts={"version_table": version_table}) \
                .get_current_revision()
    finally:
        engines.dispose()
