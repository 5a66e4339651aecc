"""What the OpenAPI document (/docs/openapi.json) says once for many operations: the xAPI error body, the
standard error answers, the headers, the parameter formats and the security schemes.

Routes document themselves with a short stack of `DocumentedBlueprint` decorators (`query`, `body`,
`answers`, `errors`); what a whole blueprint shares (its security, its error answers, headers on every
answer, header parameters) is given once when the blueprint is made and added to every operation.
"""
from __future__ import annotations

from copy import deepcopy
from http import HTTPStatus

from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from lrs.xapi import validation_formats as formats
from lrs.xapi.ignored_parameters import IGNORED_PARAMETERS
from lrs.xapi.versions import VERSION_HEADER


class XapiErrorSchema(Schema):
    """The body of every error answer but the OAuth token endpoint's (lrs.xapi.errors.XapiError.to_dict)."""

    class Meta:
        ordered = True

    error = fields.String(required=True, metadata={"description": "the error family, e.g. BadRequest"})
    message = fields.String(required=True, metadata={"description": "what is wrong, for a person"})
    path = fields.String(metadata={"description": "the parameter, header or property at fault "
                                                  "(e.g. actor.mbox, agent, If-Match)"})
    section = fields.String(metadata={"description": "the specification section the request breaks "
                                                     "(e.g. xAPI-Data 2.4.2.3)"})
    detail = fields.Dict(metadata={"description": "admin API only: the fields that failed validation"})


class OAuthErrorSchema(Schema):
    """RFC 6749 5.2."""

    error = fields.String(required=True, metadata={"description": "an RFC 6749 5.2 error code"})
    error_description = fields.String(required=True)


def header(description: str, *, required: bool = True, schema: dict | None = None) -> dict:
    return {"description": description, "required": required, "schema": schema or {"type": "string"}}


VERSION = header("The xAPI version of the answer (xAPI-Communication 3.3.s3.b1)",
                 schema={"type": "string", "enum": ["1.0.3", "2.0.0"]})
CONSISTENT_THROUGH = header("Statements stored before this moment are all in query results "
                            "(xAPI-Communication 2.1.3.s2.b5)", schema={"type": "string", "format": "date-time"})
ETAG = header("The document's (or the id list's) SHA-1, quoted (xAPI-Communication 1.1)")
LAST_MODIFIED = header("When the document (or the newest listed one) was last changed, as an HTTP-date")
RETRY_AFTER = header("Seconds to wait before trying again", schema={"type": "integer", "minimum": 0})
WWW_AUTHENTICATE = header("The authentication challenge (RFC 7235 s3.1)")
CACHE_CONTROL = header("no-store: the answer holds a secret")

_ERROR_DESCRIPTIONS = {
    400: "The request breaks a rule of the specification; `path` and `section` say which",
    401: "No credentials, or unknown, revoked or expired ones",
    403: "The credentials may not do this (scope), or a browser request from another site (admin API)",
    404: "Nothing is stored under these identifiers",
    409: "Conflicts with what is stored (a different statement with this id, or a document written "
         "without a precondition)",
    412: "If-Match or If-None-Match does not hold",
    413: "The request body is larger than this LRS accepts",
    415: "The admin API takes application/json only, never a form content type",
    429: "Too many failed authentications from this client for this key; see Retry-After",
    503: "The database is busy or unreachable; see Retry-After",
}
_ERROR_HEADERS = {401: {"WWW-Authenticate": WWW_AUTHENTICATE}, 429: {"Retry-After": RETRY_AFTER},
                  503: {"Retry-After": RETRY_AFTER}}

# The parameter formats: the expressions statements are validated with (lrs.xapi.validation_formats).
IRI = {"type": "string", "format": "iri", "pattern": formats.schema_pattern(formats.IRI),
       "description": "an IRI (RFC 3987)"}
UUID = {"type": "string", "format": "uuid", "pattern": formats.schema_pattern(formats.UUID)}
TIMESTAMP = {"type": "string", "format": "date-time", "pattern": formats.schema_pattern(formats.TIMESTAMP),
             "description": "an ISO 8601 timestamp (xAPI-Data 4.5); without a zone it is UTC"}
MAILTO = {"type": "string", "pattern": formats.schema_pattern(formats.MAILTO_IRI),
          "description": "mailto: and one e-mail address"}
SHA1 = {"type": "string", "pattern": formats.schema_pattern(formats.SHA1_HEX)}
AGENT = {
    "type": "object",
    "description": "an Agent, or an identified Group, with exactly one inverse functional identifier "
                   "(xAPI-Data 2.4.2.3)",
    "properties": {"objectType": {"type": "string", "enum": ["Agent", "Group"]}, "name": {"type": "string"},
                   "mbox": MAILTO, "mbox_sha1sum": SHA1,
                   "openid": IRI,
                   "account": {"type": "object", "required": ["homePage", "name"],
                               "properties": {"homePage": IRI, "name": {"type": "string"}}}},
    "oneOf": [{"required": ["mbox"]}, {"required": ["mbox_sha1sum"]}, {"required": ["openid"]},
              {"required": ["account"]}],
}


def query_parameter(name: str, description: str, schema: dict, *, required: bool = False) -> dict:
    return {"in": "query", "name": name, "description": description, "required": required,
            "schema": schema}


def json_query_parameter(name: str, description: str, schema: dict, *, required: bool = False) -> dict:
    """A parameter whose value is JSON text, e.g. agent={"mbox":"mailto:..."} (xAPI-Communication 2.1.3)."""
    return {"in": "query", "name": name, "description": description + " (JSON, URL-encoded)",
            "required": required, "content": {"application/json": {"schema": schema}}}


def header_parameter(name: str, description: str, schema: dict, *, required: bool = False) -> dict:
    return {"in": "header", "name": name, "description": description, "required": required, "schema": schema}


VERSION_PARAMETER = header_parameter(
    VERSION_HEADER, "The xAPI version the client speaks (xAPI-Communication 3.3.s3.b2)",
    {"type": "string", "enum": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"]}, required=True)
# Recognised and ignored on every xAPI resource (lrs.xapi.ignored_parameters).
IGNORED = tuple(query_parameter(name, "Ignored (some clients add it to defeat caches)", {"type": "string"})
                for name in sorted(IGNORED_PARAMETERS))

# The About resource answers whatever the header says (xAPI-Communication 2.8.s5.b4).
PUBLIC_VERSION_PARAMETER = header_parameter(
    VERSION_HEADER, "The xAPI version the client speaks: the answer is in that version when this LRS speaks it, "
                    "else in 1.0.3; never refused", {"type": "string"})

ALTERNATE_SYNTAX = """
**Alternate request syntax (xAPI 1.0.3 only, xAPI-Communication 1.3).** Any xAPI operation can also be sent
as `POST <path>?method=<GET|HEAD|PUT|POST|DELETE>` with `Content-Type: application/x-www-form-urlencoded`
and no other query parameter. The form then carries the operation's query parameters, the headers
`Authorization`, `X-Experience-API-Version`, `Content-Type`, `If-Match` and `If-None-Match` as fields of
those names, and the request body as the `content` field (required for PUT and POST). The answer is the
operation's own. A request for xAPI 2.0 this way is a 400.
"""


class LrsApi(Api):
    """flask-smorest's Api, with the xAPI error body as every error answer's schema and the security
    schemes the operations name."""

    ERROR_SCHEMA = XapiErrorSchema
    # No catch-all "default" answer: every status an operation gives is listed, so a client knows them all.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)
        self.spec.components.schema("OAuthError", schema=OAuthErrorSchema)
        self.spec.components.security_scheme("xapiBasic", {
            "type": "http", "scheme": "basic",
            "description": "A credential's key and secret (xAPI-Communication 4.0.s2.b2)"})
        self.spec.components.security_scheme("xapiBearer", {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "A token from POST /oauth/token (xAPI-Communication 4.2)"})
        self.spec.components.security_scheme("adminBasic", {
            "type": "http", "scheme": "basic",
            "description": "An admin account (`lrs admin create`); the challenge is not Basic, so "
                           "browsers never prompt and remember it"})


class DocumentedBlueprint(Blueprint):
    """A flask-smorest Blueprint whose every operation also gets the blueprint's shared documentation:
    `security`, `shared_errors` (statuses), `shared_parameters`, and `every_answer_headers` on every answer."""

    def __init__(self, *args, security: list | None = None, shared_errors: tuple[int, ...] = (),
                 shared_parameters: tuple[dict, ...] = (), every_answer_headers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._shared = {"security": security, "errors": shared_errors, "parameters": list(shared_parameters),
                        "headers": every_answer_headers or {}}
        self._prepare_doc_cbks.append(self._prepare_shared_doc)

    # Decorators: each adds one part of the operation's documentation.
    @staticmethod
    def _documenting(part: str, value):
        def decorator(function):
            function._apidoc = deepcopy(getattr(function, "_apidoc", {}))
            lrs_doc = function._apidoc.setdefault("lrs", {})
            if isinstance(value, list):
                lrs_doc[part] = value + lrs_doc.get(part, [])
            else:
                lrs_doc.setdefault(part, {}).update(value)
            return function
        return decorator

    def query(self, *parameters: dict):
        """The operation's query (or header) parameters, as OpenAPI parameter objects."""
        return self._documenting("parameters", list(parameters))

    def body(self, content: dict, *, description: str, required: bool = True):
        """The request body: media type -> OpenAPI media type object."""
        return self._documenting("requestBody", {"description": description, "required": required,
                                                 "content": content})

    def answers(self, status: int, description: str, *, content: dict | None = None,
                headers: dict | None = None):
        """A successful answer: its media types and headers."""
        answer = {"description": description}
        if content is not None:
            answer["content"] = content
        if headers:
            answer["headers"] = headers
        return self._documenting("responses", {str(status): answer})

    def errors(self, *statuses: int):
        """Error answers this operation gives besides the blueprint's shared ones."""
        return self._documenting("errors", list(statuses))

    def every_answer(self, headers: dict):
        """Headers every answer of this operation carries, errors included."""
        return self._documenting("headers", headers)

    def _prepare_shared_doc(self, doc, doc_info, *, api, spec, **kwargs):
        own = doc_info.get("lrs", {})
        every_answer_headers = {**self._shared["headers"], **own.get("headers", {})}
        responses = doc.setdefault("responses", {})
        for status, answer in own.get("responses", {}).items():
            responses[status] = deepcopy(answer)
        for status in sorted(set(self._shared["errors"]) | set(own.get("errors", []))):
            responses[str(status)] = {
                "description": _ERROR_DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
                "content": {"application/json": {"schema": "XapiError"}},
                "headers": dict(_ERROR_HEADERS.get(status, {}))}
        for status, answer in responses.items():
            if isinstance(answer, dict) and "$ref" not in answer:
                answer["headers"] = {**every_answer_headers, **answer.get("headers", {})}
                if not answer["headers"]:
                    del answer["headers"]
                for media in answer.get("content", {}).values():
                    if media.get("schema") == "XapiError":
                        media["schema"] = {"$ref": "#/components/schemas/XapiError"}
        parameters = self._shared["parameters"] + own.get("parameters", [])
        if parameters:
            doc.setdefault("parameters", []).extend(deepcopy(parameters))
        if "requestBody" in own:
            doc["requestBody"] = deepcopy(own["requestBody"])
        if self._shared["security"] is not None:
            doc["security"] = self._shared["security"]
        return doc
