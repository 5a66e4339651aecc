"""What every xAPI request shares: version negotiation, authentication, headers and errors."""
from __future__ import annotations

import time

from flask import current_app, g, request

from lrs.api.admin_origin import is_admin_path
from lrs.api.alternate_syntax import ERROR_KEY as ALTERNATE_SYNTAX_ERROR
from lrs.api.openapi import (IGNORED, PUBLIC_VERSION_PARAMETER, VERSION, VERSION_PARAMETER,
                             DocumentedBlueprint)
from lrs.api.responses import ADMIN_CHALLENGE, XAPI_CHALLENGE, error_response
from lrs.auth.principal import Principal
from lrs.xapi.errors import BadRequest, XapiError
from lrs.xapi.ignored_parameters import without_ignored
from lrs.xapi.timestamps import format_ms
from lrs.xapi.versions import V2_0_0, VERSION_HEADER, negotiate

XAPI_PREFIX = "/xapi"


# Every authenticated xAPI operation can answer these (version, credentials, scope, body size, throttle, database).
XAPI_ERRORS = (400, 401, 403, 413, 429, 503)
XAPI_SECURITY = [{"xapiBasic": []}, {"xapiBearer": []}]


class XapiBlueprint(DocumentedBlueprint):
    """A blueprint whose routes need an X-Experience-API-Version header and authentication
    unless registered with `public=True` (the About resource)."""

    def __init__(self, *args, public: bool = False, **kwargs):
        if public:
            documentation = {"security": [], "shared_errors": (413,), "every_answer_headers": {VERSION_HEADER: VERSION},
                             "shared_parameters": (PUBLIC_VERSION_PARAMETER,)}
        else:
            documentation = {"security": XAPI_SECURITY, "shared_errors": XAPI_ERRORS,
                             "every_answer_headers": {VERSION_HEADER: VERSION},
                             "shared_parameters": (VERSION_PARAMETER, *IGNORED)}
        super().__init__(*args, **documentation, **kwargs)
        self.before_request(self._reject_bad_alternate_syntax)
        if public:
            self.before_request(self._adopt_supported_version)
        else:
            self.before_request(self._negotiate_version)
            self.before_request(self._authenticate)

    @staticmethod
    def _reject_bad_alternate_syntax():
        message = request.environ.get(ALTERNATE_SYNTAX_ERROR)
        if message:
            raise BadRequest(message, path="method", section="xAPI-Communication 1.3")

    @staticmethod
    def _negotiate_version():
        if request.method == "OPTIONS":  # CORS preflights carry no credentials or version
            return
        try:
            g.xapi_version = negotiate(request.headers.get(VERSION_HEADER))
        except BadRequest:
            g.xapi_version = _version_for_unversioned_request()
            raise

    @staticmethod
    def _adopt_supported_version():
        """A public resource answers in the version asked for when it is one we speak (at its latest
        patch, xAPI-Communication 3.3.s3.b2), and never refuses a request for its version header (2.8.s5.b4)."""
        try:
            g.xapi_version = negotiate(request.headers.get(VERSION_HEADER))
        except BadRequest:
            pass

    @staticmethod
    def _authenticate():
        if request.method == "OPTIONS":
            return
        services = current_app.extensions["lrs"]
        g.principal = services.authenticator.authenticate(request.headers.get("Authorization"),
                                                          request.remote_addr)
        services.client_versions.remember(g.principal, g.xapi_version)


def _version_for_unversioned_request() -> str:
    """The version header of the 400 answering a request without a usable one: the version this
    client last spoke (lrs.services.client_versions)."""
    services = current_app.extensions["lrs"]
    try:
        principal = services.authenticator.authenticate(request.headers.get("Authorization"),
                                                        request.remote_addr)
    except XapiError:
        principal = None
    return services.client_versions.for_unversioned_request(principal)


def current_principal() -> Principal:
    return g.principal


def request_version() -> str:
    return g.get("xapi_version", "1.0.3")


def require_json_body() -> None:
    """A JSON body must say so (xAPI-Communication 1.5.1)."""
    if request.mimetype != "application/json":
        raise BadRequest(f"Content-Type must be application/json, not '{request.content_type or ''}'",
                         path="Content-Type", section="xAPI-Communication 1.5.1")


def add_xapi_headers(response):
    """Every xAPI response carries the version header (xAPI-Communication 3.3.s3.b1)."""
    if request.path.startswith(XAPI_PREFIX):
        response.headers[VERSION_HEADER] = V2_0_0 if g.get("xapi_version") == V2_0_0 else "1.0.3"
        if request.path.rstrip("/").endswith("/statements"):
            now_ms = int(time.time() * 1000)
            # xAPI-Communication 2.1.3.s2.b5; our writes are visible when acknowledged.
            response.headers["X-Experience-API-Consistent-Through"] = format_ms(now_ms)
    return response


def handle_xapi_error(error: XapiError):
    return error_response(error, challenge=ADMIN_CHALLENGE if is_admin_path(request.path) else XAPI_CHALLENGE)


def read_parameters(*, required: tuple[str, ...] = (), optional: tuple[str, ...] = (),
                    section: str) -> dict[str, str]:
    """The query parameters of a request, with every required one present and no unknown one
    (xAPI-Communication 3.2.s3.b7); names the LRS recognises and ignores (`cachebuster`) are dropped."""
    parameters = without_ignored(request.args.to_dict())
    for name in required:
        if name not in parameters:
            raise BadRequest(f"the {name} parameter is required", path=name, section=section)
    unknown = sorted(set(parameters) - set(required) - set(optional))
    if unknown:
        raise BadRequest(f"unknown parameter '{unknown[0]}'", path=unknown[0],
                         section="xAPI-Communication 3.2.s3.b7")
    return parameters
