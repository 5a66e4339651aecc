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


@main.group()
def conformance() -> None:
    """Our requirement matrix: each MUST of the specs tied to the tests that prove it."""


@conformance.command("report")
@click.option("--junit", type=click.Path(exists=True, dir_okay=False), default=None,
              help="pytest --junitxml results; without it, tests citing a requirement count as 'cited'.")
@click.option("--tests", "tests_root", type=click.Path(exists=True, file_okay=False), default="tests",
              show_default=True, help="Folder of the test suite whose citations are read.")
@click.option("--show", default="failing,missing", show_default=True,
              help="Comma-separated statuses to list: covered, cited, failing, missing.")
def conformance_report(junit: str | None, tests_root: str, show: str) -> None:
    """Print which requirements are covered by passing tests, failing, or missing."""
    from pathlib import Path

    from conformance.report import build_report, render
    statuses = build_report(Path(tests_root), Path(junit) if junit else None)
    click.echo(render(statuses, show={name.strip() for name in show.split(",")}))


if __name__ == "__main__":
    main()
