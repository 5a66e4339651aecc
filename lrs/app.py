"""create_app(settings): settings -> services -> blueprints. No work at import time."""
from __future__ import annotations

import logging

import orjson

from flask import Flask, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from analytics import register as register_analytics
from analytics.profiles.routes import register as register_profiles
from automation.workflows.api import blueprint as workflows_blueprint
from automation.api import blueprint as automation_admin_blueprint
from automation.container import build_automation
from cmi5.lrs_policy import au_token_credentials
from delivery.api import content as delivery_content
from delivery.api import routes as delivery_routes
from delivery.api.errors import http_error as delivery_http_error
from delivery.api.upload_limit import PackageUploads
from delivery.api.xapi_root import DoubledSlashAfterXapiRoot
from delivery.container import build_delivery
from lrs.api.about.routes import blueprint as about_blueprint
from lrs.api.admin.routes import blueprint as admin_blueprint
from lrs.api.admin_origin import refuse_cross_site_admin_request
from lrs.api.activities.routes import blueprint as activities_blueprint
from lrs.api.agents.routes import blueprint as agents_blueprint
from lrs.api.alternate_syntax import AlternateRequestSyntax
from lrs.api.api_docs import register_api_docs
from lrs.api.body_limit import BodyLimit, refuse_oversized_body
from lrs.api.browser_challenge import no_basic_prompt_for_browsers
from lrs.api.cors import add_cors_headers
from lrs.api.documents.routes import blueprints as document_blueprints
from lrs.api.oauth.routes import blueprint as oauth_blueprint
from lrs.api.openapi import ALTERNATE_SYNTAX, LrsApi
from lrs.api.responses import error_response, json_response
from lrs.api.statements.routes import blueprint as statements_blueprint
from lrs.api.stored_content import add_inert_content_headers
from lrs.api.xapi import XAPI_PREFIX, add_xapi_headers, handle_xapi_error
from lrs.operations import install as install_operations
from lrs.services.container import build_services
from lrs.storage.errors import StorageBusy
from lrs.settings import Settings
from lrs.xapi.errors import PayloadTooLarge, ServiceUnavailable, XapiError

log = logging.getLogger(__name__)


def _openapi_config(app: Flask) -> None:
    app.config.update(
        API_TITLE="xAPI Learning Record Store",
        API_VERSION="0.1.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/docs",
        OPENAPI_JSON_PATH="openapi.json",  # the page that shows it is lrs.api.api_docs
        API_SPEC_OPTIONS={"info": {"description": "An xAPI 1.0.3 and 2.0 Learning Record Store, its OAuth "
                                                  "token endpoint and its admin API.\n" + ALTERNATE_SYNTAX}},
    )


def _handle_http_error(error: HTTPException):
    if request.path.startswith(delivery_routes.API_PREFIX + "/") or request.path == delivery_routes.API_PREFIX:
        return delivery_http_error(error)
    if request.path.startswith("/admin") and error.code == 400 and "messages" in (getattr(error, "data", None) or {}):
        # flask-smorest's validation errors (the admin blueprint answers them with 400)
        messages = orjson.loads(orjson.dumps(getattr(error, "data", {}).get("messages", {}),
                                             option=orjson.OPT_NON_STR_KEYS))  # list positions as keys
        return json_response({"error": "BadRequest", "message": "invalid request", "detail": messages},
                             status=400)
    if request.path.startswith(XAPI_PREFIX) or request.path.startswith("/admin"):
        if error.code == 413:
            return error_response(PayloadTooLarge("the request body is larger than this LRS accepts"))
        # Allow: RFC 9110 s15.5.6 requires it on a 405.
        allow = {name: value for name, value in error.get_headers() if name == "Allow"}
        return json_response({"error": error.name, "message": error.description}, status=error.code or 500,
                             headers=allow)
    return error


def _database_unavailable(error: SQLAlchemyError):
    """Only waits that ran out and connections that failed; a missing table is a 500, not a 503."""
    if isinstance(error, (PoolTimeout, InterfaceError)) or getattr(error, "connection_invalidated", False):
        return _handle_database_unavailable(error)
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    message = str(getattr(error, "orig", error)).lower()
    if sqlstate.startswith(("08", "53", "57P")) or "database is locked" in message \
            or "unable to open database" in message or "connection" in message:
        return _handle_database_unavailable(error)
    return _handle_unexpected(error)


def _handle_database_unavailable(error: SQLAlchemyError | StorageBusy):
    """No pooled connection in time, a lock wait timed out, or the database cannot be reached: the
    client should come back shortly rather than see a 500 (or wait forever)."""
    log.warning("database unavailable on %s %s: %s", request.method, request.path, error)
    return error_response(ServiceUnavailable("the database is busy or unreachable; retry shortly"))


def _handle_unexpected(error: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return json_response({"error": "InternalServerError", "message": "unexpected error"}, status=500)


def registered_standards() -> list:
    """The standards courses may use (docs/adr/005): the one place that names them."""
    from cmi5.standard import Cmi5Standard
    from scorm_runtime.standard import ScormStandard
    return [ScormStandard(), Cmi5Standard()]


def create_app(settings: Settings | None = None, *, standards: list | None = None) -> Flask:
    """`standards` replaces the registered ones (tests of delivery's mechanics)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    _openapi_config(app)
    app.extensions["lrs"] = build_services(settings)
    app.extensions["lrs_settings"] = settings
    registered = registered_standards() if standards is None else list(standards)
    app.extensions["delivery"] = build_delivery(settings, app.extensions["lrs"], registered)
    app.extensions["automation"] = build_automation(settings, app.extensions["lrs"])  # docs/automation.md
    app.extensions["lrs"].authenticator.add_basic_resolver(au_token_credentials(app.extensions["delivery"].runtime))
    api = LrsApi(app)
    api.register_blueprint(about_blueprint)
    api.register_blueprint(statements_blueprint)
    api.register_blueprint(activities_blueprint)
    api.register_blueprint(agents_blueprint)
    for blueprint in document_blueprints:
        api.register_blueprint(blueprint)
    api.register_blueprint(oauth_blueprint)
    api.register_blueprint(admin_blueprint)
    api.register_blueprint(automation_admin_blueprint)
    # SQLite: handlers run in a thread of a serving process, started with its first request (after fork).
    app.before_request(app.extensions["automation"].start_embedded)
    register_profiles(app, api)  # xAPI Profiles: /api/v1/profiles and the statement ingest check
    delivery_routes.register(api)
    register_analytics(app, api)
    app.register_blueprint(delivery_content.blueprint)
    app.register_blueprint(workflows_blueprint)  # issue 15 workflows: pages, Stripe webhook, APIs
    for standard in registered:
        for blueprint in standard.blueprints():
            app.register_blueprint(blueprint)
    register_api_docs(app)
    app.before_request(refuse_oversized_body)
    app.before_request(refuse_cross_site_admin_request)
    app.register_error_handler(XapiError, handle_xapi_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(StorageBusy, _handle_database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(Exception, _handle_unexpected)
    app.after_request(add_xapi_headers)
    app.after_request(add_inert_content_headers)
    app.after_request(no_basic_prompt_for_browsers)
    app.after_request(lambda response: add_cors_headers(response, settings.cors_origins))
    app.wsgi_app = AlternateRequestSyntax(app.wsgi_app, prefix=XAPI_PREFIX,
                                          max_bytes=settings.max_request_bytes)
    app.wsgi_app = PackageUploads(BodyLimit(app.wsgi_app, max_bytes=settings.max_request_bytes), app.wsgi_app,
                                  path=delivery_routes.API_PREFIX + "/courses")
    app.wsgi_app = DoubledSlashAfterXapiRoot(app.wsgi_app, prefix=XAPI_PREFIX)
    install_operations(app)  # health, metrics, request log: last, its WSGI layer outermost
    return app
