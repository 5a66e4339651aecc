"""What every `lrs` command group shares (the database option, settings with it applied), kept apart from
lrs/cli.py so that modules adding command groups to it (automation, analytics) need not import it back."""
from __future__ import annotations

import click

from lrs.settings import Settings


def settings_for(database_url: str | None) -> Settings:
    settings = Settings.from_env()
    return settings.with_overrides(database_url=database_url) if database_url else settings


database_option = click.option("--database-url", envvar="LRS_DATABASE_URL", default=None,
                               help="SQLAlchemy URL of the database (default: LRS_DATABASE_URL or the "
                                    "SQLite file under ./var/).")
