"""What the analytics API's routes share: a store credential (as on /xapi), the filter parameters'
documentation, and the services."""
from __future__ import annotations

from flask import current_app, g, request

from lrs.api.openapi import DocumentedBlueprint
from lrs.api.statements.routes import QUERY as STATEMENT_QUERY

API_PREFIX = "/api/v1"
SECURITY = [{"xapiBasic": []}, {"xapiBearer": []}]
ERRORS = (400, 401, 403, 429, 503)
# GET /statements' filters, documented once (lrs/api/statements/routes.py).
FILTERS = tuple(parameter for parameter in STATEMENT_QUERY
                if parameter["name"] not in ("statementId", "voidedStatementId", "more", "format", "attachments",
                                             "limit", "ascending"))


def analytics_blueprint(name: str, import_name: str, description: str) -> DocumentedBlueprint:
    blueprint = DocumentedBlueprint(name, import_name, url_prefix=API_PREFIX, description=description,
                                    security=SECURITY, shared_errors=ERRORS)
    blueprint.before_request(_authenticate)
    return blueprint


def _authenticate():
    if request.method == "OPTIONS":
        return
    services = current_app.extensions["lrs"]
    g.principal = services.authenticator.authenticate(request.headers.get("Authorization"), request.remote_addr)


def analytics_services():
    return current_app.extensions["analytics"]


def no_sniffing(response):
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
