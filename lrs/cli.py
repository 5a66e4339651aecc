"""The `lrs` command line: migrations, stores, credentials, admins, erasure, term purge, audit, courses. Every command has --help."""
from __future__ import annotations

import getpass
from contextlib import contextmanager

import click

from lrs.cli_options import database_option, settings_for
from lrs.xapi.scopes import SCOPES


def _actor() -> str:
    """Who the audit log says acted: the operating-system user running the command."""
    return "cli:" + getpass.getuser()


@contextmanager
def _administration(database_url: str | None):
    from lrs.services.container import build_services
    from lrs.xapi.errors import XapiError
    services = build_services(settings_for(database_url))
    try:
        yield services.administration
    except XapiError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()




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
    from lrs.storage.migrate import describe_revisions, upgrade
    settings = settings_for(database_url)
    click.echo(f"migrating {settings.database_url} ...", err=True)
    upgrade(settings.database_url, revision)
    click.echo(f"database at revision {describe_revisions(settings.database_url)}", err=True)


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
@click.option("--scopes", default="all", show_default=True,
              help="Space-separated xAPI scopes: " + " ".join(SCOPES) + ".")
def credentials_create(database_url: str | None, name: str, key: str | None, secret: str | None,
                       store_name: str, scopes: str) -> None:
    """Create a credential and print its key and secret (the secret is shown only once)."""
    with _administration(database_url) as administration:
        issued = administration.create_credential_in(_actor(), store_name, name=name, key=key, secret=secret,
                                                     scopes=scopes)
    click.echo(f"key: {issued.key}")
    click.echo(f"secret: {issued.secret}")


@credentials.command("list")
@database_option
@click.option("--store-id", type=int, required=True, help="The store whose credentials to list.")
def credentials_list(database_url: str | None, store_id: int) -> None:
    """List a store's credentials (never their secrets)."""
    with _administration(database_url) as administration:
        for record in administration.credentials(store_id):
            state = "revoked" if record.revoked else "active"
            click.echo(f"{record.id}\t{record.key}\t{state}\t{record.scopes}\t{record.name}")


@credentials.command("rotate")
@database_option
@click.argument("credential_id", type=int)
def credentials_rotate(database_url: str | None, credential_id: int) -> None:
    """Give a credential a new secret (printed once); the old secret stops working at once."""
    with _administration(database_url) as administration:
        issued = administration.rotate_secret(_actor(), credential_id)
    click.echo(f"key: {issued.key}")
    click.echo(f"secret: {issued.secret}")


@credentials.command("revoke")
@database_option
@click.argument("credential_id", type=int)
def credentials_revoke(database_url: str | None, credential_id: int) -> None:
    """Revoke a credential: its secret and its tokens stop working at once."""
    with _administration(database_url) as administration:
        administration.revoke_credential(_actor(), credential_id)
    click.echo(f"credential {credential_id} revoked")


@main.group()
def stores() -> None:
    """Stores: isolated LRSs sharing one deployment."""


@stores.command("list")
@database_option
def stores_list(database_url: str | None) -> None:
    """List the stores with their state and active credential count."""
    with _administration(database_url) as administration:
        for store in administration.stores():
            state = "enabled" if store.enabled else "disabled"
            click.echo(f"{store.id}\t{store.name}\t{state}\t{store.active_credentials} credentials")


@stores.command("create")
@database_option
@click.argument("name")
def stores_create(database_url: str | None, name: str) -> None:
    """Create an empty store."""
    with _administration(database_url) as administration:
        store = administration.create_store(_actor(), name)
    click.echo(f"store {store.id}: {store.name}")


@stores.command("rename")
@database_option
@click.argument("store_id", type=int)
@click.argument("name")
def stores_rename(database_url: str | None, store_id: int, name: str) -> None:
    """Rename a store."""
    with _administration(database_url) as administration:
        administration.change_store(_actor(), store_id, name=name)
    click.echo(f"store {store_id} renamed to {name}")


@stores.command("disable")
@database_option
@click.argument("store_id", type=int)
def stores_disable(database_url: str | None, store_id: int) -> None:
    """Disable a store: its credentials stop working at once; nothing is deleted."""
    with _administration(database_url) as administration:
        administration.change_store(_actor(), store_id, enabled=False)
    click.echo(f"store {store_id} disabled")


@stores.command("enable")
@database_option
@click.argument("store_id", type=int)
def stores_enable(database_url: str | None, store_id: int) -> None:
    """Enable a disabled store again."""
    with _administration(database_url) as administration:
        administration.change_store(_actor(), store_id, enabled=True)
    click.echo(f"store {store_id} enabled")


@main.group()
def admins() -> None:
    """Accounts that may use the admin API."""


@admins.command("create")
@database_option
@click.option("--username", required=True, help="The admin's login name.")
@click.password_option(help="At least 12 characters; prompted for when omitted.")
def admins_create(database_url: str | None, username: str, password: str) -> None:
    """Create an admin account for the admin API (/admin, HTTP Basic)."""
    with _administration(database_url) as administration:
        administration.create_admin(_actor(), username, password)
    click.echo(f"admin {username} created")


@main.command("erase")
@database_option
@click.option("--store-id", type=int, required=True, help="The store to erase the agent from.")
@click.option("--agent", required=True, help='The agent as xAPI JSON, e.g. \'{"mbox": "mailto:a@example.com"}\'.')
@click.option("--execute", is_flag=True, help="Really delete; without it, only count (a dry run).")
def erase(database_url: str | None, store_id: int, agent: str, execute: bool) -> None:
    """Delete everything a store holds about an agent (GDPR erasure); a dry run unless --execute."""
    from lrs.xapi.statement_query import parse_agent_parameter
    with _administration(database_url) as administration:
        counts = administration.erase_agent(_actor(), store_id, parse_agent_parameter(agent), dry_run=not execute)
    verb = "deleted" if execute else "would delete (dry run)"
    click.echo(f"{verb}: {counts.statements} statements, {counts.attachments} attachments, "
               f"{counts.documents} documents")


@main.group()
def terms() -> None:
    """The term dictionary that statement filters are indexed by."""


@terms.command("purge")
@database_option
@click.option("--dry-run", is_flag=True, help="Only count the unused terms; delete nothing.")
def terms_purge(database_url: str | None, dry_run: bool) -> None:
    """Delete dictionary terms no statement uses any more (e.g. an erased agent's identifier).

    Safe while servers run: term ids are never reused, and a server that cached an id a purge deleted
    notices in its next write and interns the term again. Progress goes to stderr every chunk."""
    def report(progress) -> None:
        click.echo(f"examined {progress.examined} terms, {progress.unused} unused, {progress.deleted} deleted",
                   err=True)

    with _administration(database_url) as administration:
        result = administration.purge_terms(_actor(), dry_run=dry_run, progress=report)
    if dry_run:
        click.echo(f"would delete (dry run): {result.unused} of {result.examined} terms")
    else:
        click.echo(f"deleted: {result.deleted} of {result.examined} terms")


@main.group()
def audit() -> None:
    """The audit log of administrative actions."""


@audit.command("list")
@database_option
@click.option("--store-id", type=int, default=None, help="Only this store's entries.")
@click.option("--limit", type=int, default=50, show_default=True, help="How many, newest first.")
def audit_list(database_url: str | None, store_id: int | None, limit: int) -> None:
    """Print the newest audit entries."""
    from lrs.xapi.timestamps import format_ms
    with _administration(database_url) as administration:
        for entry in administration.audit(store_id=store_id, limit=limit):
            click.echo(f"{format_ms(entry.at_ms)}\t{entry.actor}\t{entry.action}\t{entry.store_id}\t{entry.detail}")


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


def _add_delivery_commands() -> None:
    from delivery.cli import courses
    main.add_command(courses)


_add_delivery_commands()


def _add_profiles_commands() -> None:
    from analytics.profiles.cli import profiles
    main.add_command(profiles)


_add_profiles_commands()


def _add_analytics_commands() -> None:
    from analytics.cli import analytics_group, export_command, import_command
    main.add_command(export_command)
    main.add_command(import_command)
    main.add_command(analytics_group)


_add_analytics_commands()


def _add_operations_commands() -> None:
    from lrs.operations.cli import backup_command, restore_command
    main.add_command(backup_command)
    main.add_command(restore_command)


_add_operations_commands()


def _add_automation_commands() -> None:
    from automation.cli import automation_group, worker_command
    main.add_command(worker_command)
    main.add_command(automation_group)


_add_automation_commands()


if __name__ == "__main__":
    main()
