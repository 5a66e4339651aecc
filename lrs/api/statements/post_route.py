"""POST /xapi/statements with a JSON body, answered without Flask (a route of lrs/api/plain_routes.py).

A statement POST is the LRS's hottest request, and cmi5 AUs send every statement as its own POST. The plain
case: the same version negotiation, authentication, parsing, repeated-key check and `StatementService.store`
as the Flask view, and the same headers.

Only the plain case: POST to exactly /xapi/statements, no query string, Content-Type application/json, and a
version header this LRS speaks. Anything else goes to Flask untouched."""
from __future__ import annotations

import time

import orjson

from lrs.api.cors import EXPOSED_HEADERS
from lrs.api.plain_routes import PlainAnswer, PlainRoutes, RouteCounts
from lrs.api.statements.parsing import statements_from_json
from lrs.xapi.errors import XapiError
from lrs.xapi.timestamps import format_ms
from lrs.xapi.versions import V2_0_0, negotiate

PATH = "/xapi/statements"
_PRINCIPAL = "lrs.plain_statement_principal"  # who was authenticated, for a replayed error


def _plain_json(content_type: str) -> bool:
    # Only the spellings werkzeug's mimetype certainly reads as application/json; others go to Flask.
    return content_type == "application/json" or content_type.startswith("application/json;")


class StatementPostRoute:
    """The plain statement POST; `install` adds it to the app's PlainRoutes."""

    def __init__(self, services, cors_origins: tuple[str, ...]):
        self._services = services
        self._any_origin = "*" in cors_origins
        self._cors_origins = frozenset(cors_origins)
        self.counts = RouteCounts()

    @property
    def answered(self) -> int:
        return self.counts.answered

    @property
    def replayed(self) -> int:
        return self.counts.replayed

    @classmethod
    def install(cls, app) -> StatementPostRoute:
        route = cls(app.extensions["lrs"], app.extensions["lrs_settings"].cors_origins)
        route.counts = PlainRoutes.on(app).add(route)
        app.extensions["statement_post_route"] = route
        return route

    @staticmethod
    def match(environ) -> str | None:
        """The negotiated xAPI version when this request is the plain case, else None."""
        if (environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != PATH
                or environ.get("QUERY_STRING")
                or not _plain_json(environ.get("CONTENT_TYPE", ""))):
            return None
        try:
            return negotiate(environ.get("HTTP_X_EXPERIENCE_API_VERSION"))
        except XapiError:
            return None  # Flask answers it, with the version this client last spoke

    @staticmethod
    def flask_context(environ, version: str) -> dict:
        """What lrs.api.xapi's hook sets: the version, and the principal when authentication succeeded (the
        request log names the store and credential of a refused statement, as for the view's)."""
        principal = environ.get(_PRINCIPAL)
        return {"xapi_version": version} if principal is None else {"xapi_version": version, "principal": principal}

    def answer(self, environ, raw: bytes, version: str) -> PlainAnswer:
        services = self._services
        principal = services.authenticator.authenticate(environ.get("HTTP_AUTHORIZATION"),
                                                        environ.get("REMOTE_ADDR"))
        environ[_PRINCIPAL] = principal
        services.client_versions.remember(principal, version)
        ids = services.statements.store(principal, statements_from_json(raw), version=version)

        def note(exchange) -> None:  # what lrs.operations.observation.note_response notes for a Flask answer
            exchange.noted, exchange.route, exchange.statements_stored = True, PATH, len(ids)
            exchange.store_id, exchange.credential_key = principal.store_id, principal.key

        headers = [
            ("Content-Type", "application/json"),
            # lrs.api.xapi.add_xapi_headers: xAPI-Communication 3.3.s3.b1 and 2.1.3.s2.b5
            ("X-Experience-API-Version", V2_0_0 if version == V2_0_0 else "1.0.3"),
            ("X-Experience-API-Consistent-Through", format_ms(int(time.time() * 1000))),
        ]
        origin = environ.get("HTTP_ORIGIN")
        if origin and (self._any_origin or origin in self._cors_origins):  # lrs.api.cors.add_cors_headers
            headers += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                        ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]
        return PlainAnswer(orjson.dumps(ids), headers, note=note)
