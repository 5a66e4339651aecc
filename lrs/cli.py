"""The `lrs` command line: database migrations and credentials. Every command has --help."""
from __future__ import annotations

import click

from lrs.settings import Settings


def _settings(database_url: str | None) -> Settings:
    settings = Settings.from_env()
    return settings.with_overrides(database_url=database_url) if database_url else settings


database_option = click.option("--database-url", envvar="LRS_DATABASE_URL", default=None,
                               help="SQLAlchemy URL of the database (default: LRS_DATABASE_URL or the "
                                    "SQLite file under ./var/).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """xAPI Learning Record Store administration."""


@main.group()
def db() -> None:
    """Database schema management."""


@db.command("upgrade")
@database_option
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
def db_upgrade(database_url: str | None, revision: str) -> None:
    """Apply the schema migrations (Alembic) to the database."""
    from lrs.storage.migrate import current_revision, upgrade
    settings = _settings(database_url)
    click.echo(f"migrating {settings.database_url} ...", err=True)
    upgrade(settings.database_url, revision)
    click.echo(f"database at revision {current_revision(settings.database_url)}", err=True)


@main.group()
def credentials() -> None:
    """HTTP Basic credentials for xAPI clients."""


@credentials.command("create")
@database_option
@click.option("--name", required=True, help="Who the credential is for; shown as the statement authority.")
@click.option("--key", default=None, help="The key (username); generated when omitted.")
@click.option("--secret", default=None, help="The secret (password); generated when omitted.")
@click.option("--store", "store_name", default="default", show_default=True,
              help="The store (isolated LRS) the credential opens; created if missing.")
def credentials_create(database_url: str | None, name: str, key: str | None, secret: str | None,
                       store_name: str) -> None:
    """Create a credential and print its key and secret (the secret is shown only once)."""
    from lrs.services.container import build_services
    services = build_services(_settings(database_url))
    try:
        issued = services.credentials.create(name=name, store_name=store_name, key=key, secret=secret)
    finally:
        services.close()
    click.echo(f"key: {issued.key}")
    click.echo(f"secret: {issued.secret}")


if __name__ == "__main__":
    main()
