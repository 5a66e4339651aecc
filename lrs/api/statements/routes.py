"""Statement Resource (xAPI-Communication 2.1): PUT, POST, GET and HEAD on /xapi/statements."""
from __future__ import annotations

import orjson
from flask import Response, current_app, request
from flask.views import MethodView

from lrs.api.openapi import (AGENT, CONSISTENT_THROUGH, IRI, LAST_MODIFIED, TIMESTAMP, UUID, json_query_parameter,
                             query_parameter)
from lrs.api.responses import json_response, json_text_response
from lrs.api.statements.parsing import statements_from_json
from lrs.api.statements.post_route import StatementPostRoute
from lrs.api.xapi import (XapiBlueprint, current_principal, read_parameters, request_version,
                          require_json_body)
from lrs.xapi.attachments import build_multipart, parse_statement_request
from lrs.xapi.errors import BadRequest
from lrs.xapi.ignored_parameters import without_ignored
from lrs.xapi.statement_query import SingleStatementRequest, parse_uuid
from lrs.xapi.timestamps import format_http_date

blueprint = XapiBlueprint("statements", __name__, url_prefix="/xapi",
                          description="xAPI Statement Resource (xAPI-Communication 2.1)")
# The plain statement POST is answered in front of Flask (post_route.py); registering the resource installs
# it, innermost, before create_app wraps the app in its other WSGI layers.
blueprint.record_once(lambda state: StatementPostRoute.install(state.app))


STATEMENT = {"type": "object", "required": ["actor", "verb", "object"],
             "description": "An xAPI Statement (xAPI-Data 2.4): actor, verb and object, with the optional id, "
                            "result, context, timestamp, attachments and version",
             "properties": {"id": UUID, "actor": {"type": "object"}, "verb": {"type": "object"},
                            "object": {"type": "object"}, "result": {"type": "object"},
                            "context": {"type": "object"}, "timestamp": TIMESTAMP, "version": {"type": "string"},
                            "attachments": {"type": "array", "items": {"type": "object"}}}}
# xAPI-Communication 1.5.2: the statement(s) as the first part, then one part per attachment payload,
# each with X-Experience-API-Hash and Content-Transfer-Encoding: binary.
MULTIPART = {"multipart/mixed": {"schema": {
    "type": "string", "format": "binary",
    "description": "First part application/json: the statement(s); then each attachment's payload with "
                   "X-Experience-API-Hash (its sha2) and Content-Transfer-Encoding: binary (xAPI-Communication 1.5.2)"}}}
BOOLEAN = {"type": "string", "enum": ["true", "false"], "default": "false"}
QUERY = (
    query_parameter("statementId", "One statement by id; then only attachments and format may be added "
                                   "(xAPI-Communication 2.1.3.s2.b2)", UUID),
    query_parameter("voidedStatementId", "One voided statement by id; as statementId", UUID),
    json_query_parameter("agent", "Statements about this Agent or identified Group", AGENT),
    query_parameter("verb", "Statements with this verb id", IRI),
    query_parameter("activity", "Statements about this Activity id", IRI),
    query_parameter("registration", "Statements in this registration", UUID),
    query_parameter("related_activities", "Also match activity in context and sub-statements", BOOLEAN),
    query_parameter("related_agents", "Also match agent in any role", BOOLEAN),
    query_parameter("since", "Statements stored after this moment", TIMESTAMP),
    query_parameter("until", "Statements stored at or before this moment", TIMESTAMP),
    query_parameter("limit", "At most this many statements per page; 0 is the server's maximum",
                    {"type": "integer", "minimum": 0}),
    query_parameter("format", "How agents, activities and verbs are given", {"type": "string",
                    "enum": ["ids", "exact", "canonical"], "default": "exact"}),
    query_parameter("attachments", "true: multipart/mixed with the attachment payloads", BOOLEAN),
    query_parameter("ascending", "Oldest first", BOOLEAN),
    query_parameter("more", "The `more` of a previous page; no other parameter with it", {"type": "string"}),
)
STATEMENT_RESULT = {"type": "object", "description": "a Statement (with statementId or voidedStatementId) or a "
                                                     "StatementResult: {statements: [...], more: IRL or ''}"}


def _service():
    return current_app.extensions["lrs"].statements


def _more_url(token: str) -> str:
    return f"{request.script_root}/xapi/statements?more={token}"


def _statement_result(result) -> str:
    more = _more_url(result.more) if result.more else ""
    # The more IRL is encoded, not pasted: its path comes from the request (SCRIPT_NAME).
    return '{"statements":[' + ",".join(result.bodies) + '],"more":' + orjson.dumps(more).decode() + "}"


def _respond(json_text: str, attachments: bool, payloads, headers: dict | None = None):
    """attachments=true answers multipart/mixed: the JSON first, then the payloads the statements
    reference (xAPI-Communication 2.1.3.s2.b6, 1.5.2.s3.b1)."""
    if not attachments:
        return json_text_response(json_text, headers=headers)
    body, content_type = build_multipart(json_text.encode(), list(payloads))
    return Response(body, headers=headers, content_type=content_type)


def _read_statements():
    """The statements and, for multipart/mixed, the attachment parts (xAPI-Communication 1.5)."""
    if request.mimetype != "multipart/mixed":
        require_json_body()
        return statements_from_json(request.get_data(cache=False)), None
    multipart = parse_statement_request(request.get_data(cache=False), request.content_type or "")
    return statements_from_json(multipart.statements_json, part=True), multipart.parts


@blueprint.route("/statements")
class Statements(MethodView):
    @blueprint.every_answer({"X-Experience-API-Consistent-Through": CONSISTENT_THROUGH})
    @blueprint.query(query_parameter("statementId", "The statement's id", UUID, required=True))
    @blueprint.body({"application/json": {"schema": STATEMENT}, **MULTIPART}, description="One statement")
    @blueprint.answers(204, "Stored (or the same statement was already stored under this id)")
    @blueprint.errors(409)
    def put(self):
        """Store one statement with the id given as statementId (xAPI-Communication 2.1.1)."""
        parameters = read_parameters(required=("statementId",),
                                     section="xAPI-Communication 2.1.1")
        statement_id = parse_uuid(parameters["statementId"], "statementId")
        statement, parts = _read_statements()
        if not isinstance(statement, dict):
            raise BadRequest("PUT takes one statement object", path="", section="xAPI-Communication 2.1.1")
        _service().store(current_principal(), statement, version=request_version(),
                         statement_id=statement_id, parts=parts)
        return "", 204

    @blueprint.every_answer({"X-Experience-API-Consistent-Through": CONSISTENT_THROUGH})
    @blueprint.body({"application/json": {"schema": {"oneOf": [STATEMENT, {"type": "array", "items": STATEMENT}]}},
                     **MULTIPART}, description="A statement or an array of statements")
    @blueprint.answers(200, "The stored statements' ids, in order", content={
        "application/json": {"schema": {"type": "array", "items": UUID}}})
    @blueprint.errors(409)
    def post(self):
        """Store a statement or an array of statements; returns their ids (xAPI-Communication 2.1.2)."""
        read_parameters(section="xAPI-Communication 2.1.2")
        statements, parts = _read_statements()
        ids = _service().store(current_principal(), statements, version=request_version(), parts=parts)
        return json_response(ids)

    @blueprint.every_answer({"X-Experience-API-Consistent-Through": CONSISTENT_THROUGH})
    @blueprint.query(*QUERY)
    @blueprint.answers(200, "One statement, or a StatementResult page (xAPI-Data 2.5)", content={
        "application/json": {"schema": STATEMENT_RESULT}, **MULTIPART},
        headers={"Last-Modified": {**LAST_MODIFIED, "required": False}})
    @blueprint.errors(404)
    def get(self):
        """One statement by statementId/voidedStatementId, or a StatementResult (xAPI-Communication 2.1.3)."""
        service = _service()
        parameters = without_ignored(request.args.to_dict())
        accept_language = request.headers.get("Accept-Language")
        if "more" in parameters:
            if len(parameters) > 1:
                raise BadRequest("'more' cannot be combined with other parameters", path="more",
                                 section="xAPI-Data 2.5")
            result = service.query_more(current_principal(), parameters["more"], accept_language)
            return _respond(_statement_result(result), result.attachments, result.payloads)
        parsed = service.parse_request(parameters)
        if isinstance(parsed, SingleStatementRequest):
            found = service.get_one(current_principal(), parsed, accept_language)
            headers = {"Last-Modified": format_http_date(found.stored_ms)}
            return _respond(found.body, parsed.attachments, found.payloads, headers)
        result = service.query(current_principal(), parsed, accept_language=accept_language)
        return _respond(_statement_result(result), parsed.attachments, result.payloads)
