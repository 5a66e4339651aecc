"""`lrs backup FILE` and `lrs restore FILE` (docs/operations.md, Backups). Each has --help."""
from __future__ import annotations

from pathlib import Path

import click

database_option = click.option("--database-url", envvar="LRS_DATABASE_URL", default=None,
                               help="SQLAlchemy URL of the database (default: LRS_DATABASE_URL or the "
                                    "SQLite file under ./var/).")


def _database_url(database_url: str | None) -> str:
    from lrs.operations.settings import database_url_from_env
    return database_url_from_env(database_url)


def _progress(line: str) -> None:
    click.echo(line, err=True)


@click.command("backup")
@database_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(database_url: str | None, file: Path) -> None:
    """Write a consistent backup of the whole database to FILE while the server runs.

    SQLite: a copy made with SQLite's online backup API. PostgreSQL: a pg_dump custom-format archive
    (pg_dump must be installed, of the server's major version or later). FILE must not exist."""
    from lrs.operations.backup import BackupError, backup
    try:
        done = backup(_database_url(database_url), file, _progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"backup written: {done.path} ({done.bytes} bytes)")


@click.command("restore")
@database_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(database_url: str | None, file: Path) -> None:
    """Restore the backup FILE (from `lrs backup`) into an empty database; refuses one holding any table.

    SQLite: the database file must not exist or be empty. PostgreSQL: create the database first
    (createdb); pg_restore runs in one transaction, so a failed restore leaves it empty. Stop the
    servers first, and start them on the restored database after."""
    from lrs.operations.backup import BackupError, restore
    from lrs.storage.migrate import describe_revisions
    url = _database_url(database_url)
    try:
        restore(url, file, _progress)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored {file}: database at revision {describe_revisions(url)}")
