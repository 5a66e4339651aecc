"""An export as an HTTP answer: JSON Lines or CSV streamed page by page (the API and the browser's link)."""
from __future__ import annotations

from collections.abc import Iterator

from flask import Response, current_app

from analytics.columns import writer_for
from lrs.auth.principal import Principal
from lrs.xapi.errors import BadRequest

SECTION = "docs/analytics.md: exports"
OUTPUTS = {"jsonl": "application/x-ndjson; charset=utf-8", "csv": "text/csv; charset=utf-8; header=present"}


def export_response(principal: Principal, parameters: dict) -> Response:
    """Every check (scope, parameters, cursor, first page) happens before the first byte, so a refusal
    is an answer with its status; a failure later ends the stream early, and the client resumes with
    cursor=<id of the last statement it received>."""
    parameters = dict(parameters)
    columns = parameters.pop("columns", None)
    # Columns make sense only for CSV, so they ask for it; output=jsonl says otherwise and they are unused.
    output = parameters.pop("output", "csv" if columns is not None else "jsonl")
    if output not in OUTPUTS:
        raise BadRequest("'output' is jsonl or csv", path="output", section=SECTION)
    service = current_app.extensions["analytics"].exports
    store_id = service.authorize(principal)
    request = service.parse_request(parameters)
    writer = writer_for(output, columns)
    pages = service.pages(store_id, request)
    first = next(pages, None)
    response = Response(_stream(writer, first, pages), content_type=OUTPUTS[output])
    response.headers["Content-Disposition"] = f'attachment; filename="statements.{output}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _stream(writer, first, pages) -> Iterator[bytes]:
    if writer.header:
        yield writer.header
    if first is not None:
        yield writer.rows(first.bodies)
        for page in pages:
            yield writer.rows(page.bodies)
