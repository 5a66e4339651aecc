"""GET /api/v1/exports/statements: JSON Lines or CSV, streamed page by page in constant memory."""
from __future__ import annotations

from flask import g, request
from flask.views import MethodView

from analytics.api.common import FILTERS, analytics_blueprint
from analytics.columns import COLUMNS_PATTERN, DEFAULT_COLUMNS, MAX_COLUMNS_LENGTH
from analytics.exporting import OUTPUTS, export_response
from lrs.api.openapi import UUID, query_parameter
from lrs.xapi.ignored_parameters import without_ignored

blueprint = analytics_blueprint("exports", __name__, "Statement exports: JSON Lines or CSV, any size, resumable "
                                                     "(docs/analytics.md)")
JSONL_EXAMPLE = ('{"id":"0b3e4a58-...","actor":{"mbox":"mailto:ada@example.com"},"verb":{"id":'
                 '"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://example.com/course/1"},'
                 '"stored":"2026-11-30T10:00:00.000Z",...}\n')
CSV_EXAMPLE = "id,actor.mbox,result.score.scaled\r\n0b3e4a58-...,mailto:ada@example.com,0.9\r\n"
EXPORT_QUERY = (
    *FILTERS,
    query_parameter("ascending", "Oldest first (the default for exports: stored order)",
                    {"type": "string", "enum": ["true", "false"], "default": "true"}),
    query_parameter("limit", "At most this many statements; 0 or absent: all", {"type": "integer", "minimum": 0}),
    query_parameter("output", "jsonl: one statement per line as stored; csv: the chosen columns (default: csv "
                              "when columns are given, else jsonl)", {"type": "string", "enum": list(OUTPUTS)}),
    query_parameter("columns", "csv: comma-separated statement paths such as actor.account.name, "
                               "result.score.scaled, context.contextActivities.parent[0].id, "
                               'result.extensions["https://example.com/ext"]; id is always the first column. '
                               f"Given alone, they ask for csv. Default: {','.join(DEFAULT_COLUMNS)}",
                    {"type": "string", "pattern": COLUMNS_PATTERN, "maxLength": MAX_COLUMNS_LENGTH}),
    query_parameter("voided", "include: voided statements too (a backup to re-import)",
                    {"type": "string", "enum": ["include", "exclude"], "default": "exclude"}),
    query_parameter("cursor", "Resume after this statement: the id of the last one received, with the same "
                              "other parameters", UUID),
)


@blueprint.route("/exports/statements")
class StatementExport(MethodView):
    @blueprint.query(*EXPORT_QUERY)
    @blueprint.answers(200, "The matching statements, streamed", content={
        "application/x-ndjson": {"schema": {"type": "string"}, "example": JSONL_EXAMPLE},
        "text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}})
    @blueprint.errors(404)  # the cursor names no statement of the store
    def get(self):
        """Every statement matching GET /statements' filters, as JSON Lines (each line the statement as
        stored, byte for byte) or CSV. Resume an interrupted export with cursor=<id of the last statement
        received>."""
        return export_response(g.principal, without_ignored(request.args.to_dict()))
