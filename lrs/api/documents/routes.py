"""Document Resources (xAPI-Communication 2.2, 2.3, 2.6, 2.7): State, Activity Profile, Agent Profile.

Each handler turns the query into a DocumentAddress or DocumentScope and hands it to the service;
the rules (preconditions, merge, 409/412) live in lrs.xapi.documents.
"""
from __future__ import annotations

from flask import Response, current_app, request

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

_METHODS = ["GET", "PUT", "POST", "DELETE"]


def _documents() -> DocumentService:
    return current_app.extensions["lrs"].documents


@blueprint.route("/activities/state", methods=_METHODS)
def state():
    """One State document by stateId, or the ids of (or all of) an Activity and Agent's State."""
    kind = DocumentKind.STATE
    section = "xAPI-Communication 2.3.s3"
    parameters = _parameters(required=("activityId", "agent"), optional=("registration",),
                             document_parameter="stateId", section=section)
    registration = parameters.get("registration")
    scope = DocumentScope(
        kind=kind, activity_id=parse_iri(parameters["activityId"], "activityId"),
        agent_key=ifi_key(parse_agent_parameter(parameters["agent"])),
        registration=parse_uuid(registration, "registration") if registration is not None else None)
    return _dispatch(scope, parameters.get("stateId"), parameters.get("since"), delete_many=True)


@blueprint.route("/activities/profile", methods=_METHODS)
def activity_profile():
    """One Activity Profile document by profileId, or the ids of an Activity's profile documents."""
    parameters = _parameters(required=("activityId",), document_parameter="profileId",
                             section="xAPI-Communication 2.7.s3")
    scope = DocumentScope(kind=DocumentKind.ACTIVITY_PROFILE,
                          activity_id=parse_iri(parameters["activityId"], "activityId"))
    return _dispatch(scope, parameters.get("profileId"), parameters.get("since"), delete_many=False)


@blueprint.route("/agents/profile", methods=_METHODS)
def agent_profile():
    """One Agent Profile document by profileId, or the ids of an Agent's profile documents."""
    parameters = _parameters(required=("agent",), document_parameter="profileId",
                             section="xAPI-Communication 2.6.s3")
    agent = parse_agent_parameter(parameters["agent"])
    if agent.get("objectType") == "Group":
        raise BadRequest("'agent' must be an Agent, not a Group: use the Group's identifier in an Agent",
                         path="agent.objectType", section="xAPI-Communication 2.6.s3")
    scope = DocumentScope(kind=DocumentKind.AGENT_PROFILE, agent_key=ifi_key(agent))
    return _dispatch(scope, parameters.get("profileId"), parameters.get("since"), delete_many=False)


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
