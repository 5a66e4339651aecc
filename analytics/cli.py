"""`lrs export` and `lrs import`: a store's statements to and from JSON Lines (or CSV out)."""
from __future__ import annotations

import sys

import click

from analytics.progress import Progress

_FILTERS = (
    click.option("--agent", help="An Agent as JSON, as GET /statements' agent."),
    click.option("--verb", help="A verb IRI."),
    click.option("--activity", help="An activity IRI."),
    click.option("--registration", help="A registration UUID."),
    click.option("--related-agents", is_flag=True, help="The agent in any role."),
    click.option("--related-activities", is_flag=True, help="The activity in context and sub-statements too."),
    click.option("--since", help="Stored after this ISO 8601 timestamp."),
    click.option("--until", help="Stored at or before this ISO 8601 timestamp."),
)


def _with_filters(function):
    for option in reversed(_FILTERS):
        function = option(function)
    return function


def _services(database_url: str | None):
    from lrs.cli_options import settings_for
    from lrs.services.container import build_services
    return build_services(settings_for(database_url))


def _store_id(services, name: str) -> int:
    for store in services.administration.stores():
        if store.name == name:
            return store.id
    raise click.ClickException(f"no store named {name!r} (lrs stores list)")


@click.command("export")
@click.option("--database-url", envvar="LRS_DATABASE_URL", default=None, help="SQLAlchemy URL of the database.")
@click.option("--store", "store_name", required=True, help="The store's name.")
@click.option("--output", "output_path", default="-", show_default=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write; - for standard output.")
@click.option("--format", "output_format", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--columns", default=None, help="csv: comma-separated statement paths (docs/analytics.md).")
@click.option("--voided", type=click.Choice(["include", "exclude"]), default="exclude", show_default=True,
              help="include: voided statements too (for a backup to re-import).")
@click.option("--descending", is_flag=True, help="Newest first (default: oldest first, stored order).")
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most this many statements (0: all).")
@click.option("--cursor", default=None, help="Resume after this statement id (the last line written).")
@click.option("--append", is_flag=True, help="Append to --output instead of replacing it (resuming).")
@_with_filters
def export_command(database_url, store_name, output_path, output_format, columns, voided, descending, limit, cursor,
                   append, **filters):
    """Write a store's statements as JSON Lines (each line as stored) or CSV, with GET /statements' filters."""
    from analytics.columns import writer_for
    from lrs.services.exports import ExportService
    from lrs.xapi.errors import XapiError

    parameters = _parameters(filters)
    parameters.update({"voided": voided, "ascending": "false" if descending else "true", "limit": str(limit)})
    if cursor:
        parameters["cursor"] = cursor
    services = _services(database_url)
    try:
        service = ExportService.on(services.engines)
        store_id = _store_id(services, store_name)
        request = service.parse_request(parameters)
        writer = writer_for(output_format, columns)
        progress = Progress("export", service.count(store_id, request))
        with click.open_file(output_path, "ab" if append else "wb") as output:
            if not (append and cursor):
                output.write(writer.header)
            for page in service.pages(store_id, request):
                output.write(writer.rows(page.bodies))
                progress.advance(len(page.bodies))
        progress.done()
    except XapiError as error:
        raise click.ClickException(f"{error.message} ({error.path})" if error.path else error.message) from None
    finally:
        services.close()


@click.command("import")
@click.option("--database-url", envvar="LRS_DATABASE_URL", default=None, help="SQLAlchemy URL of the database.")
@click.option("--store", "store_name", required=True, help="The store's name (lrs stores create NAME).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=1000, show_default=True,
              help="Statements per transaction (a batch also ends where `stored` changes).")
@click.argument("input_file", type=click.File("rb"))
def import_command(database_url, store_name, batch_size, input_file):
    """Store statements from a JSON Lines export (voided=include) as they were: ids, stored, order, voiding.
    Statements already stored with the same text are skipped, so an interrupted import can run again."""
    import os

    from lrs.services.imports import ImportService
    from lrs.xapi.errors import XapiError

    services = _services(database_url)
    try:
        service = ImportService.on(services.engines, batch_size=batch_size)
        store_id = _store_id(services, store_name)
        total = None
        if input_file is not sys.stdin.buffer and input_file.seekable():
            size = os.fstat(input_file.fileno()).st_size
            total = size  # bytes: the bar follows the file position
        progress = _ByteProgress(total, input_file)
        counts = service.import_lines(store_id, input_file, progress=progress.update)
        progress.finish()
        click.echo(f"{counts.stored:,} statements stored, {counts.already_stored:,} already stored "
                   f"({counts.lines:,} lines)", err=True)
    except XapiError as error:
        raise click.ClickException(f"{error.path}: {error.message}" if error.path else error.message) from None
    finally:
        services.close()


class _ByteProgress:
    """Import progress: statements counted, ETA from how far into the file the import has read."""

    def __init__(self, size: int | None, handle):
        self._size = size
        self._handle = handle
        self._progress = Progress("import", None)

    def update(self, counts) -> None:
        position = self._handle.tell() if self._size else 0
        if position:
            # Statements so far scaled to the whole file gives the total to expect.
            self._progress.total = max(counts.stored + counts.already_stored,
                                        int((counts.stored + counts.already_stored) * self._size / position))
        self._progress.set(counts.stored + counts.already_stored)

    def finish(self) -> None:
        self._progress.done()


def _parameters(filters: dict) -> dict:
    parameters = {}
    for name in ("agent", "verb", "activity", "registration", "since", "until"):
        if filters.get(name):
            parameters[name] = filters[name]
    for name in ("related_agents", "related_activities"):
        if filters.get(name):
            parameters[name] = "true"
    return parameters


@click.group("analytics")
def analytics_group():
    """Analytics upkeep: the aggregation rollup (docs/adr/008-aggregation-rollups.md)."""


@analytics_group.command("rollup")
@click.option("--database-url", envvar="LRS_DATABASE_URL", default=None, help="SQLAlchemy URL of the database.")
@click.option("--store", "store_name", default=None, help="Only this store (default: every store).")
def rollup_command(database_url, store_name):
    """Count the closed quarter-hours of each store's statements for the aggregation API (the automation
    runner does the same every minute; run this once after loading a large store)."""
    import time

    from lrs.services.aggregations import RollupService

    services = _services(database_url)
    try:
        service = RollupService.on(services.engines)
        store_ids = [_store_id(services, store_name)] if store_name else None
        progress = Progress("rollup", None, unit="quarter-hours")
        steps = service.catch_up(int(time.time() * 1000), store_ids=store_ids,
                                 on_step=lambda step: progress.advance(step.recounted + step.advanced))
        progress.done()
        if steps is None:
            raise click.ClickException("another process is counting the rollup now; try again later")
    finally:
        services.close()
