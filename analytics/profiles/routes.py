"""/api/v1/profiles: thin handlers over analytics.profiles.services for the store of the credential used (HTTP
Basic or a Bearer token, as on /xapi). Changing profiles or the mode needs the scope `all` (the store's admin);
reading needs `statements/read` (which `all/read` and `all` grant). Errors are the LRS's error body, whose
`section` cites the requirement of the xAPI Profiles specification that was broken."""
from __future__ import annotations

import orjson
from flask import Response, current_app, g, request

from analytics.profiles.services import MODES, ProfileService, require_store_admin
from lrs.api.openapi import DocumentedBlueprint
from lrs.api.responses import json_response
from lrs.xapi.errors import BadRequest, UnsupportedMediaType
from lrs.xapi.scopes import READ_ALL_STATEMENTS, require
from lrs.xapi.validation import validate_statement as validate_xapi_statement
from lrs.xapi.versions import V2_0_0, negotiate

PREFIX = "/api/v1/profiles"
_JSON_TYPES = ("application/json", "application/ld+json")

blueprint = DocumentedBlueprint(
    "profiles_api", __name__, url_prefix=PREFIX,
    description="xAPI Profiles: import profile versions (JSON-LD, processed offline), the store's validation mode "
                "(off, report, enforce), reports per statement, template and rule, and pattern checks per "
                "registration. A store credential: `all` to change, `statements/read` to read",
    security=[{"xapiBasic": []}, {"xapiBearer": []}], shared_errors=(401, 403, 429, 503))

_ERROR = {"application/json": {"schema": "XapiError"}}
_VERSION = {"in": "query", "name": "version", "required": True, "schema": {"type": "string", "format": "iri"},
            "description": "A profile version id (an IRI from the profile's `versions`)"}
_SUMMARY = {"type": "object", "properties": {
    "profile": {"type": "string"}, "version": {"type": "string"}, "generatedAtTime": {"type": "string"},
    "sha256": {"type": "string"}, "alsoForCategories": {"type": "array", "items": {"type": "string"}},
    "imported": {"type": "integer", "description": "milliseconds since the epoch"}}}
_VIOLATION = {"type": "object", "properties": {
    "template": {"type": "string"}, "rule": {"type": "integer", "description": "index in the template's rules; "
                                             "-1 for its StatementRef requirement"},
    "concept": {"type": "string", "description": "an extension concept (Part Two §7.2)"},
    "location": {"type": "string"}, "message": {"type": "string"}}}
_OUTCOME = {"type": "object", "properties": {
    "version": {"type": "string"}, "outcome": {"type": "string", "enum": ["success", "invalid", "unmatched"]},
    "matched": {"type": "array", "items": {"type": "string"}},
    "violations": {"type": "array", "items": _VIOLATION}}}


def _json(schema: dict, example=None) -> dict:
    media = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _service() -> ProfileService:
    return current_app.extensions["profiles"]


@blueprint.before_request
def _authenticate():
    if request.method == "OPTIONS":
        return
    services = current_app.extensions["lrs"]
    # g.principal, as on /xapi: the request log (lrs.operations) names the store and credential from it.
    g.principal = services.authenticator.authenticate(request.headers.get("Authorization"), request.remote_addr)


def _admin():
    require_store_admin(g.principal)
    return g.principal.store_id


def _reader():
    require(g.principal.scopes, READ_ALL_STATEMENTS, "read the store's profile reports")
    return g.principal.store_id


def _json_body() -> object:
    if request.mimetype not in _JSON_TYPES:
        raise UnsupportedMediaType("the body must be application/json or application/ld+json", path="Content-Type")
    try:
        return orjson.loads(request.get_data(cache=True))
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the body is not JSON: {error}", path="") from None


def _parameter(name: str, required: bool = True) -> str | None:
    value = request.args.get(name)
    if required and not value:
        raise BadRequest(f"the {name} parameter is required", path=name)
    return value


def _integer(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise BadRequest(f"{name} is an integer from {low} to {high}", path=name)
    return int(text)


@blueprint.route("", methods=["POST"])
@blueprint.body({"application/ld+json": {"schema": {"type": "object"}},
                 "application/json": {"schema": {"type": "object"}}},
                description="A profile document (xAPI Profiles Part Two), as published")
@blueprint.answers(201, "The version was imported", content=_json(
    {**_SUMMARY, "properties": {**_SUMMARY["properties"], "created": {"type": "boolean"},
                                "warnings": {"type": "array", "items": {"type": "string"}}}},
    {"profile": "https://w3id.org/xapi/video", "version": "https://w3id.org/xapi/video/v1.0.3",
     "generatedAtTime": "2018-10-29T00:00:00Z", "created": True, "warnings": [], "templates": 9, "patterns": 3}))
@blueprint.answers(200, "The same document was imported before: nothing changed")
@blueprint.errors(400, 409, 413, 415)
def import_profile():
    """Import a profile version. A malformed profile is a 400 whose `section` names the broken requirement;
    a remote @context other than the two the specification publishes is refused, never fetched."""
    store_id = _admin()
    if request.mimetype not in _JSON_TYPES:
        raise UnsupportedMediaType("the body must be application/json or application/ld+json", path="Content-Type")
    result = _service().import_profile(store_id, request.get_data(cache=True))
    return json_response(result, status=201 if result["created"] else 200)


@blueprint.route("", methods=["GET"])
@blueprint.answers(200, "The store's profile versions, side by side", content=_json(
    {"type": "array", "items": _SUMMARY}))
def list_versions():
    return json_response(_service().versions(_reader()))


@blueprint.route("/versions", methods=["GET"])
@blueprint.query(_VERSION, {"in": "query", "name": "form", "required": False,
                            "schema": {"type": "string", "enum": ["document", "expanded", "compacted"]},
                            "description": "As imported (default), or JSON-LD expanded, or compacted against "
                                           "https://w3id.org/xapi/profiles/context"})
@blueprint.answers(200, "The profile document of that version", content=_json({"type": "object"}))
@blueprint.errors(400, 404)
def get_version():
    form = request.args.get("form", "document")
    if form not in ("document", "expanded", "compacted"):
        raise BadRequest("form is document, expanded or compacted", path="form")
    return json_response(_service().document(_reader(), _parameter("version"), form))


@blueprint.route("/versions", methods=["PATCH"])
@blueprint.query(_VERSION)
@blueprint.body(_json({"type": "object", "required": ["alsoForCategories"], "properties": {
    "alsoForCategories": {"type": "array", "maxItems": 100,
                          "items": {"type": "string", "minLength": 1, "maxLength": 2048}}}},
    {"alsoForCategories": ["https://w3id.org/xapi/cmi5/context/categories/cmi5"]}),
    description="Category activity ids that also make a statement subject to this version, besides the "
                "version id itself (xAPI Profiles Part Two §5.0)")
@blueprint.answers(200, "The version", content=_json(_SUMMARY))
@blueprint.errors(400, 404, 415)
def change_version():
    store_id = _admin()
    body = _json_body()
    categories = body.get("alsoForCategories") if isinstance(body, dict) else None
    if not isinstance(categories, list) or len(categories) > 100 \
            or not all(isinstance(item, str) and 0 < len(item) <= 2048 for item in categories):
        raise BadRequest("alsoForCategories is an array of at most 100 activity ids (1 to 2,048 characters)",
                         path="alsoForCategories")
    return json_response(_service().set_categories(store_id, _parameter("version"), categories))


@blueprint.route("/versions", methods=["DELETE"])
@blueprint.query(_VERSION)
@blueprint.answers(204, "Removed; statements are no longer checked against it")
@blueprint.errors(400, 404)
def delete_version():
    _service().delete_version(_admin(), _parameter("version"))
    return Response(status=204)


@blueprint.route("/mode", methods=["GET"])
@blueprint.answers(200, "The store's validation mode", content=_json(
    {"type": "object", "properties": {"mode": {"type": "string", "enum": list(MODES)}}}, {"mode": "report"}))
def get_mode():
    return json_response({"mode": _service().mode(_reader())})


@blueprint.route("/mode", methods=["PUT"])
@blueprint.body(_json({"type": "object", "required": ["mode"], "properties": {
    "mode": {"type": "string", "enum": list(MODES)}}}, {"mode": "enforce"}),
    description="off: no checks. report: every statement a version applies to is validated as it is stored and "
                "the outcome recorded. enforce: as report, and a statement breaking a rule is refused with 400")
@blueprint.answers(200, "The mode now", content=_json({"type": "object"}))
@blueprint.errors(400, 415)
def set_mode():
    store_id = _admin()
    body = _json_body()
    mode = body.get("mode") if isinstance(body, dict) else None
    return json_response({"mode": _service().set_mode(store_id, mode)})


@blueprint.route("/validate", methods=["POST"])
@blueprint.query({**_VERSION, "required": False,
                  "description": "Validate against this version; default: every version the statement names"})
@blueprint.body(_json({"type": "object"}), description="One xAPI statement")
@blueprint.answers(200, "The outcome per profile version (xAPI Profiles Part Three §2.1)",
                   content=_json({"type": "array", "items": _OUTCOME}))
@blueprint.errors(400, 404, 415)
def validate_statement():
    """Validate a statement against the store's profiles without storing it."""
    store_id = _reader()
    statement = _json_body()
    if not isinstance(statement, dict):
        raise BadRequest("the body is one statement (a JSON object)", path="")
    # an xAPI statement first (the version the header names, 2.0.0 without one): rules assume its shape
    validate_xapi_statement(statement, negotiate(request.headers.get("X-Experience-API-Version") or V2_0_0))
    return json_response(_service().validate_statement(store_id, statement, _parameter("version", False)))


@blueprint.route("/reports/statements/<statement_id>", methods=["GET"])
@blueprint.answers(200, "What report or enforce mode recorded for one statement",
                   content=_json({"type": "array", "items": _OUTCOME}))
def statement_report(statement_id: str):
    return json_response(_service().results_of(_reader(), statement_id.lower()))


@blueprint.route("/reports/violations", methods=["GET"])
@blueprint.query({"in": "query", "name": "version", "required": False, "schema": {"type": "string"}},
                 {"in": "query", "name": "template", "required": False, "schema": {"type": "string"}},
                 {"in": "query", "name": "rule", "required": False,
                  "schema": {"type": "integer", "minimum": -1, "maximum": 10_000}},
                 {"in": "query", "name": "concept", "required": False, "schema": {"type": "string"}},
                 {"in": "query", "name": "after", "required": False,
                  "schema": {"type": "integer", "minimum": 0, "maximum": 2 ** 31 - 1},  # the ids are 32-bit
                  "description": "the `next` of the previous page"},
                 {"in": "query", "name": "limit", "required": False,
                  "schema": {"type": "integer", "minimum": 1, "maximum": 1000}})
@blueprint.answers(200, "Recorded violations, oldest first", content=_json({"type": "object", "properties": {
    "violations": {"type": "array", "items": _VIOLATION}, "next": {"type": "integer", "nullable": True}}}))
@blueprint.errors(400)
def violations():
    store_id = _reader()
    rule = request.args.get("rule")
    if rule is not None and not (rule.lstrip("-").isdigit() and -1 <= int(rule) <= 10_000):
        raise BadRequest("rule is a rule index (-1 for a StatementRef requirement)", path="rule")
    limit = _integer("limit", 100, 1, 1000)
    found = _service().violations(store_id, version_id=_parameter("version", False),
                                  template_id=_parameter("template", False),
                                  rule_index=int(rule) if rule is not None else None,
                                  concept_id=_parameter("concept", False),
                                  after_id=_integer("after", 0, 0, 2 ** 31 - 1), limit=limit)
    return json_response({"violations": found, "next": found[-1]["id"] if len(found) == limit else None})


@blueprint.route("/reports/summary", methods=["GET"])
@blueprint.answers(200, "The mode and the count of recorded outcomes per version",
                   content=_json({"type": "object"}, {"mode": "report", "outcomes": {
                       "https://w3id.org/xapi/video/v1.0.3": {"success": 120, "invalid": 3}}}))
def summary():
    return json_response(_service().summary(_reader()))


@blueprint.route("/patterns", methods=["GET"])
@blueprint.query({"in": "query", "name": "registration", "required": True, "schema": {"type": "string",
                                                                                       "format": "uuid"}},
                 _VERSION)
@blueprint.answers(200, "Each sequence (registration, subregistration) against the version's primary patterns: "
                        "followed, in-progress, or left at a statement with the templates expected there",
                   content=_json({"type": "object"}))
@blueprint.errors(400, 404, 413)
def patterns():
    """xAPI Profiles Part Three §2.2 over the registration's statements that name the version."""
    _reader()
    registration = _parameter("registration")
    return json_response(_service().follow_registration(g.principal, registration, _parameter("version")))


def register(app, api) -> None:
    """The service on app.extensions["profiles"], its ingest check, and this blueprint (called from lrs/app.py)."""
    from analytics.profiles.services import ProfileSettings
    from analytics.profiles.storage import ProfileStorage
    services = app.extensions["lrs"]
    service = ProfileService(ProfileStorage(services.engines), services.statements, ProfileSettings.from_env())
    app.extensions["profiles"] = service
    services.statements.batch_checks.append(service.check_batch)
    api.register_blueprint(blueprint)
