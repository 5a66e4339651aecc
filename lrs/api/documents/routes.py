"""Document Resources (xAPI-Communication 2.2, 2.3, 2.6, 2.7): State, Activity Profile, Agent Profile.

Each handler turns the query into a DocumentAddress or DocumentScope and hands it to the service;
the rules (preconditions, merge, 409/412) live in lrs.xapi.documents.
"""
from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView

from lrs.api.openapi import (AGENT, ETAG, IRI, LAST_MODIFIED, TIMESTAMP, UUID, header_parameter,
                             json_query_parameter, query_parameter)
from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal, read_parameters, request_version
from lrs.services.documents import DocumentService
from lrs.xapi.agents import ifi_key
from lrs.xapi.documents import (DEFAULT_CONTENT_TYPE, DocumentAddress, DocumentKind, DocumentScope,
                                Preconditions, etag_of, quoted)
from lrs.xapi.errors import BadRequest
from lrs.xapi.statement_query import parse_agent_parameter, parse_iri, parse_uuid
from lrs.xapi.timestamps import format_http_date, parse_timestamp_ms

blueprint = XapiBlueprint("documents", __name__, url_prefix="/xapi",
                          description="xAPI Document Resources: State (xAPI-Communication 2.3), "
                                      "Agent Profile (2.6) and Activity Profile (2.7)")
blueprints = [blueprint]

ACTIVITY_ID = query_parameter("activityId", "The Activity the documents belong to", IRI, required=True)
AGENT_PARAMETER = json_query_parameter("agent", "The Agent (or identified Group) the documents belong to",
                                       AGENT, required=True)
PROFILE_AGENT = json_query_parameter("agent", "The Agent the profile documents belong to (not a Group)",
                                     {**AGENT, "properties": {**AGENT["properties"],
                                                              "objectType": {"type": "string", "enum": ["Agent"]}}},
                                     required=True)
REGISTRATION = query_parameter("registration", "The registration the State belongs to", UUID)
SINCE = query_parameter("since", "List only the ids of documents stored after this moment (without a "
                                 "document id)", TIMESTAMP)
IF_MATCH = header_parameter("If-Match", "Write only if the stored document has this ETag (xAPI-Communication 1.1)",
                            {"type": "string"})
IF_NONE_MATCH = header_parameter("If-None-Match", "'*': write only if no document is stored (xAPI-Communication 1.1)",
                                 {"type": "string"})
DOCUMENT_OR_IDS = {"application/json": {"schema": {"description": "the stored JSON document, or (without a "
                                                                  "document id) the array of stored ids"}},
                   "*/*": {"schema": {"type": "string", "format": "binary",
                                      "description": "the stored document, with the Content-Type it was stored with"}}}
ANY_DOCUMENT = {"*/*": {"schema": {"type": "string", "format": "binary", "description": "a document of any type"}},
                "application/json": {"schema": {"description": "any JSON"}},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                "text/plain": {"schema": {"type": "string"}}}
JSON_OBJECT = {"application/json": {"schema": {"type": "object",
                                               "description": "merged into a stored JSON object, property by "
                                                              "property (xAPI-Communication 2.2.s7)"}}}


def _document_id(name: str, *, required: bool) -> dict:
    return query_parameter(name, "The document's id" + ("" if required else "; without it, the operation is on "
                                                        "every document of the scope"), {"type": "string"},
                           required=required)


def _documented(blueprint, document_id: str, scope: tuple[dict, ...], *, delete_many: bool):
    """The four operations of a document resource, as decorators for get, put, post and delete."""
    listing = blueprint.query(*scope, _document_id(document_id, required=False), SINCE)
    get = [listing, blueprint.answers(200, "The document, or the ids of the scope's documents", content=DOCUMENT_OR_IDS,
                                      headers={"ETag": ETAG, "Last-Modified": {**LAST_MODIFIED, "required": False}}),
           blueprint.errors(404)]
    write = [blueprint.query(*scope, _document_id(document_id, required=True), IF_MATCH, IF_NONE_MATCH),
             blueprint.answers(204, "Stored"), blueprint.errors(409, 412)]
    put = [*write, blueprint.body(ANY_DOCUMENT, description="The document, of any media type (may be empty)",
                                  required=False)]
    post = [*write, blueprint.body(JSON_OBJECT, description="A JSON object to merge into the stored one")]
    delete = [blueprint.query(*scope, _document_id(document_id, required=not delete_many), IF_MATCH, IF_NONE_MATCH),
              blueprint.answers(204, "Deleted"), blueprint.errors(409, 412)]
    return {"get": get, "put": put, "post": post, "delete": delete}


def _apply(decorators, function):
    for decorator in decorators:
        function = decorator(function)
    return function


def _document_resource(path: str, *, document_id: str, scope: tuple[dict, ...], summary: str):
    """A MethodView for a document resource whose handler is `read_scope() -> (scope, parameters)`."""
    delete_many = document_id == "stateId"  # only State deletes every document of a scope (xAPI-Communication 2.3)
    documented = _documented(blueprint, document_id, scope, delete_many=delete_many)

    def register(read_scope):
        def operation(method: str, description: str):
            def handler(self):
                document_scope, parameters = read_scope()
                return _dispatch(document_scope, parameters.get(document_id), parameters.get("since"),
                                 delete_many=delete_many)
            handler.__doc__ = f"{summary}: {description}"
            return _apply(documented[method], handler)

        view = type(read_scope.__name__.title().replace("_", ""), (MethodView,), {
            "get": operation("get", "one document by its id, or the ids of the scope's documents"),
            "put": operation("put", "store a document, replacing any stored one"),
            "post": operation("post", "merge a JSON object into the stored JSON document, or store it"),
            "delete": operation("delete", "delete one document" + (", or all of the scope's" if delete_many else "")),
        })
        blueprint.route(path)(view)
        return read_scope
    return register


@_document_resource("/activities/state", document_id="stateId", scope=(ACTIVITY_ID, AGENT_PARAMETER, REGISTRATION),
                    summary="State (xAPI-Communication 2.3)")
def state_scope():
    """An Activity and Agent's State, optionally of one registration."""
    parameters = _parameters(required=("activityId", "agent"), optional=("registration",),
                             document_parameter="stateId", section="xAPI-Communication 2.3.s3")
    registration = parameters.get("registration")
    scope = DocumentScope(
        kind=DocumentKind.STATE, activity_id=parse_iri(parameters["activityId"], "activityId"),
        agent_key=ifi_key(parse_agent_parameter(parameters["agent"])),
        registration=parse_uuid(registration, "registration") if registration is not None else None)
    return scope, parameters


@_document_resource("/activities/profile", document_id="profileId", scope=(ACTIVITY_ID,),
                    summary="Activity Profile (xAPI-Communication 2.7)")
def activity_profile_scope():
    parameters = _parameters(required=("activityId",), document_parameter="profileId",
                             section="xAPI-Communication 2.7.s3")
    scope = DocumentScope(kind=DocumentKind.ACTIVITY_PROFILE,
                          activity_id=parse_iri(parameters["activityId"], "activityId"))
    return scope, parameters


@_document_resource("/agents/profile", document_id="profileId", scope=(PROFILE_AGENT,),
                    summary="Agent Profile (xAPI-Communication 2.6)")
def agent_profile_scope():
    parameters = _parameters(required=("agent",), document_parameter="profileId",
                             section="xAPI-Communication 2.6.s3")
    agent = parse_agent_parameter(parameters["agent"])
    if agent.get("objectType") == "Group":
        raise BadRequest("'agent' must be an Agent, not a Group: use the Group's identifier in an Agent",
                         path="agent.objectType", section="xAPI-Communication 2.6.s3")
    return DocumentScope(kind=DocumentKind.AGENT_PROFILE, agent_key=ifi_key(agent)), parameters




def _documents() -> DocumentService:
    return current_app.extensions["lrs"].documents


def _parameters(*, required: tuple[str, ...], document_parameter: str, section: str,
                optional: tuple[str, ...] = ()) -> dict[str, str]:
    """The query parameters; the document id is required to write, and `since` only lists."""
    method = request.method
    if method in ("PUT", "POST"):
        return read_parameters(required=required + (document_parameter,), optional=optional, section=section)
    if method == "DELETE":
        return read_parameters(required=required, optional=optional + (document_parameter,), section=section)
    return read_parameters(required=required, optional=optional + (document_parameter, "since"), section=section)


def _dispatch(scope: DocumentScope, document_id: str | None, since: str | None, *, delete_many: bool):
    service = _documents()
    principal = current_principal()
    version = request_version()
    if document_id is None:
        if request.method == "DELETE":
            if not delete_many:
                raise BadRequest("profileId is required to delete a profile document", path="profileId",
                                 section=scope.kind.section)
            service.delete_many(principal, scope)
            return Response(status=204)
        since_ms = parse_timestamp_ms(since, parameter="since") if since is not None else None
        listed = service.list_ids(principal, scope, since_ms=since_ms)
        response = json_response(listed.ids)
        response.headers["ETag"] = quoted(etag_of(response.get_data()))
        if listed.last_modified_ms is not None:
            response.headers["Last-Modified"] = format_http_date(listed.last_modified_ms)
        return response
    address = DocumentAddress(scope=scope, document_id=document_id)
    if request.method in ("GET", "HEAD"):
        document = service.get(principal, address)
        return Response(document.content, status=200, content_type=document.content_type, headers={
            "ETag": quoted(document.etag), "Last-Modified": format_http_date(document.updated_ms)})
    preconditions = Preconditions.from_headers(request.headers.get("If-Match"),
                                               request.headers.get("If-None-Match"))
    if request.method == "DELETE":
        service.delete(principal, address, preconditions=preconditions, version=version)
        return Response(status=204)
    content = request.get_data(cache=False)
    content_type = request.content_type or DEFAULT_CONTENT_TYPE
    write = service.put if request.method == "PUT" else service.post
    write(principal, address, content, content_type, preconditions=preconditions, version=version)
    return Response(status=204)
