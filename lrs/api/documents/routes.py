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
_AGENT_ONLY = {**AGENT, "properties": {**AGENT["properties"],
                                       "objectType": {"type": "string", "enum": ["Agent"]}}}
PROFILE_AGENT = json_query_parameter("agent", "The Agent the profile documents belong to (not a Group)",
                                     _AGENT_ONLY, required=True)
REGISTRATION = query_parameter("registration", "The registration the State belongs to", UUID)
SINCE = query_parameter("since", "Without a document id: list only documents stored after this moment",
                        TIMESTAMP)
IF_MATCH = header_parameter("If-Match", "Only if the stored document has this ETag (xAPI-Communication 1.1)",
                            {"type": "string"})
IF_NONE_MATCH = header_parameter("If-None-Match", "'*': only if no document is stored (xAPI-Communication 1.1)",
                                 {"type": "string"})
# Any text but U+0000, which the id columns cannot hold (lrs.xapi.documents).
DOCUMENT_ID = {"type": "string", "pattern": r"^[^\x00]*$"}
_BINARY = {"type": "string", "format": "binary"}
DOCUMENT_OR_IDS = {
    "application/json": {"schema": {"description": "the stored JSON document, or (without a document id) "
                                                   "the array of the stored documents' ids"}},
    "*/*": {"schema": {**_BINARY, "description": "the stored document, with the Content-Type it was stored with"}},
}
ANY_DOCUMENT = {"*/*": {"schema": {**_BINARY, "description": "a document of any media type"}},
                "application/json": {"schema": {"description": "any JSON"}},
                "application/octet-stream": {"schema": _BINARY},
                "text/plain": {"schema": {"type": "string"}}}
JSON_OBJECT = {"application/json": {"schema": {
    "type": "object", "description": "merged into the stored JSON object, property by property "
                                     "(xAPI-Communication 2.2.s7)"}}}


class _DocumentOperations:
    """The documentation of a document resource's four operations, as one decorator per method."""

    def __init__(self, document_id: str, scope: tuple[dict, ...], *, delete_many: bool):
        self.document_id = document_id
        self.delete_many = delete_many
        optional_id = query_parameter(document_id, "The document's id; without it, the scope's documents",
                                      DOCUMENT_ID)
        required_id = query_parameter(document_id, "The document's id", DOCUMENT_ID, required=True)
        self._get = [blueprint.query(*scope, optional_id, SINCE),
                     blueprint.answers(200, "The document, or the ids of the scope's documents",
                                       content=DOCUMENT_OR_IDS,
                                       headers={"ETag": ETAG, "Last-Modified": {**LAST_MODIFIED, "required": False}}),
                     blueprint.errors(404)]
        write = [blueprint.query(*scope, required_id, IF_MATCH, IF_NONE_MATCH),
                 blueprint.answers(204, "Stored"), blueprint.errors(409, 412)]
        self._put = [*write, blueprint.body(ANY_DOCUMENT, description="The document (may be empty)",
                                            required=False)]
        self._post = [*write, blueprint.body(JSON_OBJECT, description="A JSON object to merge into the stored one")]
        self._delete = [blueprint.query(*scope, optional_id if delete_many else required_id, IF_MATCH, IF_NONE_MATCH),
                        blueprint.answers(204, "Deleted"), blueprint.errors(409, 412)]

    @staticmethod
    def _apply(decorators, function):
        for decorator in decorators:
            function = decorator(function)
        return function

    def get(self, function):
        return self._apply(self._get, function)

    def put(self, function):
        return self._apply(self._put, function)

    def post(self, function):
        return self._apply(self._post, function)

    def delete(self, function):
        return self._apply(self._delete, function)

    def handle(self, read_scope):
        scope, parameters = read_scope()
        return _dispatch(scope, parameters.get(self.document_id), parameters.get("since"),
                         delete_many=self.delete_many)


# Only State deletes every document of a scope at once (xAPI-Communication 2.3.s3).
STATE = _DocumentOperations("stateId", (ACTIVITY_ID, AGENT_PARAMETER, REGISTRATION), delete_many=True)
ACTIVITY_PROFILE = _DocumentOperations("profileId", (ACTIVITY_ID,), delete_many=False)
AGENT_PROFILE = _DocumentOperations("profileId", (PROFILE_AGENT,), delete_many=False)


@blueprint.route("/activities/state")
class State(MethodView):
    @STATE.get
    def get(self):
        """One State document by stateId, or the ids of an Activity and Agent's State documents."""
        return STATE.handle(_state_scope)

    @STATE.put
    def put(self):
        """Store a State document, replacing any stored one."""
        return STATE.handle(_state_scope)

    @STATE.post
    def post(self):
        """Merge a JSON object into the stored JSON State document, or store it."""
        return STATE.handle(_state_scope)

    @STATE.delete
    def delete(self):
        """Delete one State document, or all of an Activity and Agent's (in a registration)."""
        return STATE.handle(_state_scope)


@blueprint.route("/activities/profile")
class ActivityProfile(MethodView):
    @ACTIVITY_PROFILE.get
    def get(self):
        """One Activity Profile document by profileId, or the ids of an Activity's profile documents."""
        return ACTIVITY_PROFILE.handle(_activity_profile_scope)

    @ACTIVITY_PROFILE.put
    def put(self):
        """Store an Activity Profile document, replacing any stored one."""
        return ACTIVITY_PROFILE.handle(_activity_profile_scope)

    @ACTIVITY_PROFILE.post
    def post(self):
        """Merge a JSON object into the stored JSON Activity Profile document, or store it."""
        return ACTIVITY_PROFILE.handle(_activity_profile_scope)

    @ACTIVITY_PROFILE.delete
    def delete(self):
        """Delete one Activity Profile document."""
        return ACTIVITY_PROFILE.handle(_activity_profile_scope)


@blueprint.route("/agents/profile")
class AgentProfile(MethodView):
    @AGENT_PROFILE.get
    def get(self):
        """One Agent Profile document by profileId, or the ids of an Agent's profile documents."""
        return AGENT_PROFILE.handle(_agent_profile_scope)

    @AGENT_PROFILE.put
    def put(self):
        """Store an Agent Profile document, replacing any stored one."""
        return AGENT_PROFILE.handle(_agent_profile_scope)

    @AGENT_PROFILE.post
    def post(self):
        """Merge a JSON object into the stored JSON Agent Profile document, or store it."""
        return AGENT_PROFILE.handle(_agent_profile_scope)

    @AGENT_PROFILE.delete
    def delete(self):
        """Delete one Agent Profile document."""
        return AGENT_PROFILE.handle(_agent_profile_scope)


def _documents() -> DocumentService:
    return current_app.extensions["lrs"].documents


def _state_scope():
    """An Activity and Agent's State, optionally of one registration (xAPI-Communication 2.3)."""
    parameters = _parameters(required=("activityId", "agent"), optional=("registration",),
                             document_parameter="stateId", section="xAPI-Communication 2.3.s3")
    registration = parameters.get("registration")
    scope = DocumentScope(
        kind=DocumentKind.STATE, activity_id=parse_iri(parameters["activityId"], "activityId"),
        agent_key=ifi_key(parse_agent_parameter(parameters["agent"])),
        registration=parse_uuid(registration, "registration") if registration is not None else None)
    return scope, parameters


def _activity_profile_scope():
    parameters = _parameters(required=("activityId",), document_parameter="profileId",
                             section="xAPI-Communication 2.7.s3")
    scope = DocumentScope(kind=DocumentKind.ACTIVITY_PROFILE,
                          activity_id=parse_iri(parameters["activityId"], "activityId"))
    return scope, parameters


def _agent_profile_scope():
    parameters = _parameters(required=("agent",), document_parameter="profileId",
                             section="xAPI-Communication 2.6.s3")
    agent = parse_agent_parameter(parameters["agent"])
    if agent.get("objectType") == "Group":
        raise BadRequest("'agent' must be an Agent, not a Group: use the Group's identifier in an Agent",
                         path="agent.objectType", section="xAPI-Communication 2.6.s3")
    return DocumentScope(kind=DocumentKind.AGENT_PROFILE, agent_key=ifi_key(agent)), parameters


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
