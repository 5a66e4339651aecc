"""Use case: every statement matching a statements query, streamed in stored order (issue 14 exports).

The filters are GET /statements' own (lrs.xapi.statement_query), plus `cursor` (resume after this
statement id) and `voided` (include voided statements: a backup that is re-imported keeps its voiding).
Reading the whole store needs the scope statements/read (or all/read, all): an export is not a
session's or a credential's own statements.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lrs.auth.principal import Principal
from lrs.storage.engines import Engines
from lrs.storage.statement_export import ExportFilter, ExportPage, StatementExportStorage
from lrs.xapi.errors import BadRequest, Forbidden, NotFound
from lrs.xapi.scopes import READ_ALL_STATEMENTS, require
from lrs.xapi.statement_query import SingleStatementRequest, parse_statements_request, parse_uuid

SECTION = "docs/analytics.md: exports"
# Parameters of an export besides GET /statements' filters.
EXPORT_PARAMETERS = ("cursor", "voided")
_NO_PAGE_LIMIT = 2 ** 62


@dataclass(frozen=True)
class StatementFilters:
    """A statements query's filters and order, as exports and aggregations take them."""
    selection: ExportFilter
    ascending: bool
    limit: int | None
    parameters: dict


@dataclass(frozen=True)
class ExportRequest:
    filters: StatementFilters
    cursor: str | None


def parse_filters(parameters: dict, *, default_ascending: bool, allow_voided: bool = False,
                  allow_limit: bool = True) -> StatementFilters:
    """GET /statements' filter parameters (xAPI-Communication 2.1.3), same rules and errors; `voided`
    (include|exclude) when `allow_voided`. statementId, formats other than exact and attachments are
    refused: these answers are made of whole statements as stored, or of counts."""
    parameters = dict(parameters)
    voided = parameters.pop("voided", "exclude") if allow_voided else "exclude"
    if voided not in ("include", "exclude"):
        raise BadRequest("'voided' must be include or exclude", path="voided", section=SECTION)
    if not allow_limit and "limit" in parameters:
        raise BadRequest("'limit' does not apply here", path="limit", section=SECTION)
    parsed = parse_statements_request(parameters, page_max=_NO_PAGE_LIMIT)
    if isinstance(parsed, SingleStatementRequest):
        name = "statementId" if "statementId" in parameters else "voidedStatementId"
        raise BadRequest(f"'{name}' selects one statement; use GET /xapi/statements for it", path=name,
                         section=SECTION)
    if parsed.format != "exact":
        raise BadRequest("statements are exported as stored: 'format' can only be exact", path="format",
                         section=SECTION)
    if parsed.attachments:
        raise BadRequest("attachment payloads are not exported: 'attachments' can only be false",
                         path="attachments", section=SECTION)
    ascending = parsed.ascending if "ascending" in parameters else default_ascending
    limit = parsed.limit if parameters.get("limit", "0").lstrip("0") else None
    selection = ExportFilter(terms=parsed.terms, since_ms=parsed.since_ms, until_ms=parsed.until_ms,
                             include_voided=voided == "include")
    return StatementFilters(selection, ascending, limit, parameters)


def require_whole_store_reader(principal: Principal, what: str) -> None:
    if principal.session_policy is not None:
        raise Forbidden(f"a session's credentials may not {what}", section="xAPI-Communication 4.2")
    require(principal.scopes, READ_ALL_STATEMENTS, what)


class ExportService:
    def __init__(self, storage: StatementExportStorage):
        self._storage = storage

    @classmethod
    def on(cls, engines: Engines) -> ExportService:
        return cls(StatementExportStorage(engines))

    @staticmethod
    def parse_request(parameters: dict) -> ExportRequest:
        """Exports are oldest first unless `ascending=false`: stored order is what a re-import keeps."""
        parameters = dict(parameters)
        cursor = parameters.pop("cursor", None)
        if cursor is not None:
            cursor = parse_uuid(cursor, "cursor")
        return ExportRequest(parse_filters(parameters, default_ascending=True, allow_voided=True), cursor)

    def authorize(self, principal: Principal) -> int:
        """The store an export by this principal reads; 403 unless it may read every statement."""
        require_whole_store_reader(principal, "export statements")
        return principal.store_id

    def pages(self, store_id: int, request: ExportRequest) -> Iterator[ExportPage]:
        """The statements, a page at a time; when `cursor` names a statement, those after it."""
        after = self._position(store_id, request.cursor)
        filters = request.filters
        return self._storage.pages(store_id, filters.selection, ascending=filters.ascending, after=after,
                                   limit=filters.limit)

    def count(self, store_id: int, request: ExportRequest) -> int:
        """How many statements `pages` yields (for progress; a statement stored meanwhile may add one)."""
        after = self._position(store_id, request.cursor)
        total = self._storage.count(store_id, request.filters.selection, after=after,
                                    ascending=request.filters.ascending)
        return total if request.filters.limit is None else min(total, request.filters.limit)

    def _position(self, store_id: int, cursor: str | None):
        if cursor is None:
            return None
        position = self._storage.position_of(store_id, cursor)
        if position is None:
            raise NotFound(f"the cursor names no statement of this store ({cursor})", path="cursor",
                           section=SECTION)
        return position
