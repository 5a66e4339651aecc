"""`lrs courses`: import, inspect, list and delete courses from the command line (launch-api.md,
Command line). Each command has --help."""
from __future__ import annotations

import getpass
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import orjson

from delivery.errors import DeliveryError
from delivery.package import InvalidPackage, PackageTooLarge, UnsupportedPackageType


def _print_json(value) -> None:
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


@contextmanager
def _delivery(database_url: str | None):
    from delivery.container import build_delivery
    from lrs.app import registered_standards
    from lrs.services.container import build_services
    from lrs.settings import Settings
    settings = Settings.from_env()
    if database_url:
        settings = settings.with_overrides(database_url=database_url)
    services = build_services(settings)
    try:
        yield build_delivery(settings, services, registered_standards()), services
    except InvalidPackage as error:
        _refuse(f"invalid package: {error.message}\nrule: {error.rule}" + (f"\nfile: {error.file}" if error.file else ""))
    except (PackageTooLarge, UnsupportedPackageType) as error:
        _refuse(str(error))
    except DeliveryError as error:
        _refuse(error.message)
    finally:
        services.close()


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)


def _store_id(services, name: str, *, create: bool) -> int:
    for store in services.administration.stores():
        if store.name == name:
            return store.id
    if not create:
        _refuse(f"no store named '{name}'")
    return services.administration.create_store("cli:" + getpass.getuser(), name).id


database_option = click.option("--database-url", envvar="LRS_DATABASE_URL", default=None,
                               help="SQLAlchemy URL of the database (default: LRS_DATABASE_URL or the "
                                    "SQLite file under ./var/).")
store_option = click.option("--store", "store_name", default="default", show_default=True,
                            help="The store (isolated LRS) the course belongs to.")


@click.group("courses")
def courses() -> None:
    """SCORM 1.2, SCORM 2004 and cmi5 courses."""


@courses.command("import")
@database_option
@store_option
@click.option("--title", default=None, help="The course's title, in place of the package's.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_course(database_url: str | None, store_name: str, title: str | None, file: Path) -> None:
    """Import a package (a zip, or a bare cmi5.xml) and print the course as POST /api/v1/courses does.
    The store is created if missing."""
    from delivery.intake import spooled
    from delivery.services import course_body
    import zipfile
    kind = "zip" if zipfile.is_zipfile(file) else "xml"
    with _delivery(database_url) as (delivery, services):
        store_id = _store_id(services, store_name, create=True)
        with open(file, "rb") as stream, spooled(stream, kind, delivery.limits, delivery.work_dir) as upload:
            course = delivery.import_course(store_id, upload, title=title)
        _print_json(course_body(course))


@courses.command("inspect")
@click.option("--check-files", is_flag=True,
              help="For a zip, also check that every file the manifest names is in it (as import does).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(check_files: bool, file: Path) -> None:
    """Parse a zip, an imsmanifest.xml or a cmi5.xml and print its structure, standard and edition as
    JSON; store nothing. An invalid package prints the message and rule and exits 1."""
    from delivery.container import build_delivery
    from lrs.app import registered_standards
    from lrs.settings import Settings

    class _NoServices:  # inspect touches no database and no LRS service
        engines = statements = documents = None

    try:
        delivery = build_delivery(Settings(database_url="sqlite://", secret_key="inspect " * 6), _NoServices(),
                                  registered_standards())
        _print_json(delivery.inspect(file, check_files=check_files))
    except InvalidPackage as error:
        _refuse(f"invalid package: {error.message}\nrule: {error.rule}" + (f"\nfile: {error.file}" if error.file else ""))
    except (PackageTooLarge, UnsupportedPackageType) as error:
        _refuse(str(error))


@courses.command("list")
@database_option
@store_option
def list_courses(database_url: str | None, store_name: str) -> None:
    """List a store's courses: id, standard, edition, title."""
    with _delivery(database_url) as (delivery, services):
        for course in delivery.courses(_store_id(services, store_name, create=False)):
            click.echo(f"{course.id}\t{course.standard}\t{course.edition or '-'}\t{course.title}")


@courses.command("delete")
@database_option
@click.argument("course_id")
def delete_course(database_url: str | None, course_id: str) -> None:
    """Delete a course: its files are removed and its open sessions end; registrations and statements stay."""
    from delivery.requests import uuid_text
    with _delivery(database_url) as (delivery, _services):
        course_id = uuid_text(course_id, "the course id")
        store_id = delivery.storage.store_of_course(course_id)
        if store_id is None:
            _refuse(f"no course {course_id}")
        delivery.delete_course(store_id, course_id)
        click.echo(f"course {course_id} deleted")
