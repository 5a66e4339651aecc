"""POST /xapi/statements with a JSON body, answered without Flask's per-request machinery.

A statement POST is the LRS's hottest request, and cmi5 AUs send every statement as its own POST. Flask's
request context, URL routing, hook chains and response object cost about as much CPU as validating and
storing one statement, so the plain case is answered here: the same version negotiation, authentication,
parsing, repeated-key check and `StatementService.store` as the Flask view, and the same headers.

Only the plain case: POST to exactly /xapi/statements, no query string, Content-Type application/json,
a version header this LRS speaks, and nothing the outer middlewares flagged (alternate syntax, body
size). Anything else goes to Flask untouched, and so does each process's first request,
so every app-level before_request hook has run once in the process (a hook that starts something, such
as automation's in-process runner, does so). Every error, an xAPI one or not, is rendered by Flask too:
the request is handed on with the error, and the app's first before_request hook raises it there, so the
app's error handlers and after_request hooks answer it as they answer any other request. What ran before
the error (authentication, a throttle count) is not run again.

The app-level hooks this route stands in for are listed in KNOWN_HOOKS; tests/api/test_statement_post_route.py
fails when the app has another, so whoever adds one decides whether plain POSTs need it too."""
from __future__ import annotations

import io
import time

import orjson
from flask import g, request

from lrs.api.alternate_syntax import ERROR_KEY as ALTERNATE_SYNTAX_ERROR
from lrs.api.body_limit import BAD_LENGTH, TOO_LARGE
from lrs.api.cors import EXPOSED_HEADERS
from lrs.api.statements.parsing import statements_from_json
from lrs.operations.exchange import ENVIRON_KEY as EXCHANGE
from lrs.api.stored_content import API_CONTENT_SECURITY_POLICY
from lrs.xapi.errors import XapiError
from lrs.xapi.timestamps import format_ms
from lrs.xapi.versions import V2_0_0, negotiate

PATH = "/xapi/statements"
_REPLAY = "lrs.statement_post_error"
# Set by middlewares outside this one (lrs.api.body_limit, lrs.api.alternate_syntax): Flask reports them.
_FLAGS = (TOO_LARGE, BAD_LENGTH, ALTERNATE_SYNTAX_ERROR)
# The app-level Flask hooks (module.function) and what stands in for each on a plain POST.
KNOWN_HOOKS = {
    "before_request": {
        "lrs.api.statements.post_route.before_flask_request": "this route's own",
        "lrs.api.body_limit.refuse_oversized_body": "flagged requests go to Flask (_FLAGS)",
        "lrs.api.admin_origin.refuse_cross_site_admin_request": "admin paths only",
        "automation.container.start_embedded": "starts once per process: the first request goes to Flask",
    },
    "after_request": {
        "lrs.api.xapi.add_xapi_headers": "the version and Consistent-Through headers below",
        "lrs.api.stored_content.add_inert_content_headers": "nosniff and the CSP below; JSON is shown inline",
        "lrs.api.browser_challenge.no_basic_prompt_for_browsers": "401 only, which Flask answers",
        "lrs.app.<lambda>": "CORS (lrs.api.cors.add_cors_headers): the same headers below",
        "lrs.operations.observation.note_response": "the exchange is noted below",
    },
}


def _plain_json(content_type: str) -> bool:
    # Only the spellings werkzeug's mimetype certainly reads as application/json; others go to Flask.
    return content_type == "application/json" or content_type.startswith("application/json;")


class StatementPostRoute:
    """WSGI middleware in front of the Flask app (`install`)."""

    def __init__(self, wsgi_app, services, cors_origins: tuple[str, ...]):
        self.wsgi_app = wsgi_app
        self._services = services
        self._any_origin = "*" in cors_origins
        self._cors_origins = frozenset(cors_origins)
        self._flask_served = False  # no Flask request yet in this process
        self.answered = 0  # plain POSTs this route stored and answered itself
        self.replayed = 0  # plain POSTs whose error it handed to Flask

    @classmethod
    def install(cls, app) -> StatementPostRoute:
        """Wraps app.wsgi_app and registers the route's hook as the app's first before_request hook."""
        route = cls(app.wsgi_app, app.extensions["lrs"], app.extensions["lrs_settings"].cors_origins)
        app.before_request_funcs.setdefault(None, []).insert(0, route.before_flask_request)
        app.wsgi_app = route
        app.extensions["statement_post_route"] = route
        return route

    def before_flask_request(self) -> None:
        """Notes that Flask served a request here; raises, inside Flask, the error the plain route met,
        under the version it negotiated."""
        self._flask_served = True
        replay = request.environ.get(_REPLAY)
        if replay is not None:
            error, version = replay
            g.xapi_version = version
            raise error

    def __call__(self, environ, start_response):
        version = self._plain_post_version(environ) if self._flask_served else None
        if version is None:
            return self.wsgi_app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if len(raw) != length:  # the client sent less than it declared: werkzeug says so, as before
            environ["wsgi.input"] = io.BytesIO(raw)
            return self.wsgi_app(environ, start_response)
        services = self._services
        try:
            principal = services.authenticator.authenticate(environ.get("HTTP_AUTHORIZATION"),
                                                            environ.get("REMOTE_ADDR"))
            services.client_versions.remember(principal, version)
            ids = services.statements.store(principal, statements_from_json(raw), version=version)
        except Exception as error:  # noqa: BLE001 - every error is answered by the app's own handlers
            environ[_REPLAY] = (error, version)
            self.replayed += 1
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = "0"
            return self.wsgi_app(environ, start_response)
        body = orjson.dumps(ids)
        self.answered += 1
        exchange = environ.get(EXCHANGE)
        if exchange is not None:  # what lrs.operations.observation.note_response notes for a Flask answer
            exchange.noted, exchange.route, exchange.statements_stored = True, PATH, len(ids)
            exchange.store_id, exchange.credential_key = principal.store_id, principal.key
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            # lrs.api.xapi.add_xapi_headers: xAPI-Communication 3.3.s3.b1 and 2.1.3.s2.b5
            ("X-Experience-API-Version", V2_0_0 if version == V2_0_0 else "1.0.3"),
            ("X-Experience-API-Consistent-Through", format_ms(int(time.time() * 1000))),
            # lrs.api.stored_content.add_inert_content_headers
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", API_CONTENT_SECURITY_POLICY),
        ]
        origin = environ.get("HTTP_ORIGIN")
        if origin and (self._any_origin or origin in self._cors_origins):  # lrs.api.cors.add_cors_headers
            headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                        ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]
        start_response("200 OK", headers)
        return [body]

    @staticmethod
    def _plain_post_version(environ) -> str | None:
        """The negotiated xAPI version when this request is the plain case, else None."""
        if (environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH
                or environ.get("QUERY_STRING")
                or not _plain_json(environ.get("CONTENT_TYPE", ""))
                or any(flag in environ for flag in _FLAGS)):
            return None
        try:
            return negotiate(environ.get("HTTP_X_EXPERIENCE_API_VERSION"))
        except XapiError:
            return None  # Flask answers it, with the version this client last spoke
