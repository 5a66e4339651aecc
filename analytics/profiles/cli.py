"""`lrs profiles`: import xAPI Profiles into a store, list its versions, choose its validation mode. Every
command has --help; errors go to stderr with exit status 1."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click
import orjson

database_option = click.option("--database-url", envvar="LRS_DATABASE_URL", default=None,
                               help="SQLAlchemy URL of the database (default: LRS_DATABASE_URL or the "
                                    "SQLite file under ./var/).")
store_option = click.option("--store", "store_name", required=True, help="The store's name (lrs stores list).")


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


@contextmanager
def _profiles(database_url: str | None, store_name: str):
    from analytics.profiles.services import ProfileService, ProfileSettings
    from analytics.profiles.storage import ProfileStorage
    from lrs.services.container import build_services
    from lrs.settings import Settings
    from lrs.xapi.errors import XapiError
    settings = Settings.from_env()
    if database_url:
        settings = settings.with_overrides(database_url=database_url)
    services = build_services(settings)
    try:
        store = next((store for store in services.administration.stores() if store.name == store_name), None)
        if store is None:
            _refuse(f"no store named '{store_name}'")
        service = ProfileService(ProfileStorage(services.engines), services.statements, ProfileSettings.from_env())
        yield service, store.id
    except XapiError as error:
        _refuse("refused: " + error.message + (f"\nwhere: {error.path}" if error.path else "")
                + (f"\nrequirement: {error.section}" if error.section else ""))
    finally:
        services.close()


@click.group("profiles")
def profiles() -> None:
    """xAPI Profiles of a store: import, list, validation mode."""


@profiles.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@store_option
@database_option
def import_profile(file: Path, store_name: str, database_url: str | None) -> None:
    """Import the profile document FILE (JSON-LD) into the store. Prints the version imported and any
    deviation from the specification that was tolerated."""
    with _profiles(database_url, store_name) as (service, store_id):
        result = service.import_profile(store_id, file.read_bytes())
    state = "imported" if result["created"] else "already imported (same document)"
    click.echo(f"{state}: {result['version']} of {result['profile']} ({result['templates']} templates, "
               f"{result['patterns']} patterns, {result['concepts']} concepts)")
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)


@profiles.command("list")
@store_option
@database_option
def list_versions(store_name: str, database_url: str | None) -> None:
    """The store's profile versions and its validation mode."""
    with _profiles(database_url, store_name) as (service, store_id):
        click.echo(f"mode: {service.mode(store_id)}")
        for version in service.versions(store_id):
            also = f" (also for categories: {', '.join(version['alsoForCategories'])})" \
                if version["alsoForCategories"] else ""
            click.echo(f"{version['version']}  {version['generatedAtTime']}  {version['profile']}{also}")


@profiles.command("mode")
@click.argument("mode", type=click.Choice(["off", "report", "enforce"]))
@store_option
@database_option
def set_mode(mode: str, store_name: str, database_url: str | None) -> None:
    """Set the store's validation mode: off, report (record outcomes) or enforce (refuse violations with 400).
    Other running processes pick the change up within LRS_PROFILE_RECHECK_SECONDS."""
    with _profiles(database_url, store_name) as (service, store_id):
        click.echo(f"mode: {service.set_mode(store_id, mode)}")


@profiles.command("categories")
@click.argument("version")
@click.argument("categories", nargs=-1)
@store_option
@database_option
def set_categories(version: str, categories: tuple[str, ...], store_name: str, database_url: str | None) -> None:
    """Category activity ids that also make a statement subject to VERSION (none: only the version id itself)."""
    with _profiles(database_url, store_name) as (service, store_id):
        click.echo(orjson.dumps(service.set_categories(store_id, version, list(categories)),
                                option=orjson.OPT_INDENT_2).decode())
