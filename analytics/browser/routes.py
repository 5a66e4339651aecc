"""The statement browser under /browse: sign in with a store credential, filter, page, read, export.

Signing in POSTs the credential's key and secret in a form (never in a URL); the answer is a session
cookie holding a short-lived read-only access token (lrs.auth.tokens, the OAuth tokens' own), HttpOnly,
SameSite=Strict, Path=/browse, Secure on https. Form POSTs from another site are refused (Fetch Metadata,
else Origin), as the admin API refuses them (lrs/api/admin_origin.py). Pages carry a CSP that allows only
this origin's stylesheet and no script at all, and nosniff.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import urlencode, urlsplit

import orjson
from flask import Blueprint, current_app, redirect, render_template, request

from analytics.browser.summary import summarize
from analytics.exporting import export_response
from lrs.services.exports import require_whole_store_reader
from lrs.xapi.errors import Unauthorized, XapiError
from lrs.xapi.scopes import STATEMENTS_READ

PREFIX = "/browse"
COOKIE = "lrs_browser_session"
PAGE_SIZE = 20
FILTERS = ("agent", "verb", "activity", "registration", "since", "until")
FLAGS = ("related_agents", "related_activities")
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")

blueprint = Blueprint("statement_browser", __name__, url_prefix=PREFIX, template_folder="templates",
                      static_folder="static", static_url_path="/static")


def register(app) -> None:
    app.register_blueprint(blueprint)


@blueprint.after_request
def _page_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _services():
    return current_app.extensions["lrs"]


def _same_origin_form() -> bool:
    """A POST from this origin's own page (or typed by a person), not a form on another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.scheme, request.host)


def _secure() -> bool:
    settings = current_app.extensions["lrs_settings"]
    return request.is_secure or settings.public_url.startswith("https://")


def _principal():
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return _services().authenticator.authenticate("Bearer " + token, request.remote_addr)
    except Unauthorized:
        return None


def _to_sign_in():
    response = redirect(f"{request.script_root}{PREFIX}/sign-in", code=303)
    response.delete_cookie(COOKIE, path=PREFIX)
    return response


@blueprint.get("/sign-in")
def sign_in_form():
    return render_template("browser/sign_in.html", error=None)


@blueprint.post("/sign-in")
def sign_in():
    if not _same_origin_form():
        return render_template("browser/sign_in.html", error="Sign-in forms from other sites are refused."), 403
    key, secret = request.form.get("key", ""), request.form.get("secret", "")
    services = _services()
    basic = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    try:
        principal = services.authenticator.authenticate(basic, request.remote_addr)
        require_whole_store_reader(principal, "browse the store's statements")
    except XapiError as error:
        message = "Unknown key or wrong secret." if error.status == 401 else error.message
        return render_template("browser/sign_in.html", error=message), error.status
    token = services.tokens.issue(principal.key, frozenset({STATEMENTS_READ}))
    response = redirect(f"{request.script_root}{PREFIX}/", code=303)
    response.set_cookie(COOKIE, token, max_age=services.tokens.lifetime_seconds, path=PREFIX, httponly=True,
                        samesite="Strict", secure=_secure())
    return response


@blueprint.post("/sign-out")
def sign_out():
    if not _same_origin_form():
        return render_template("browser/sign_in.html", error="Sign-out forms from other sites are refused."), 403
    return _to_sign_in()


def _agent_parameter(text: str) -> str:
    """The agent field: an Agent as JSON, a mailto: IRI or an e-mail address."""
    text = text.strip()
    if text.startswith("{"):
        return text
    if text.startswith("mailto:"):
        return json.dumps({"mbox": text})
    if "@" in text:
        return json.dumps({"mbox": "mailto:" + text})
    return text  # refused by the query's own check, with its message


def _query_parameters(fields: dict) -> dict:
    parameters = {name: fields[name].strip() for name in FILTERS if fields.get(name, "").strip()}
    if "agent" in parameters:
        parameters["agent"] = _agent_parameter(parameters["agent"])
    for flag in FLAGS:
        if fields.get(flag) == "true":
            parameters[flag] = "true"
    return parameters


@blueprint.get("/")
def statements_page():
    principal = _principal()
    if principal is None:
        return _to_sign_in()
    fields = {name: request.args.get(name, "") for name in (*FILTERS, *FLAGS)}
    parameters = _query_parameters(fields)
    service = _services().statements
    entries, more, error, status = [], None, None, 200
    try:
        if request.args.get("more"):
            result = service.query_more(principal, request.args["more"])
        else:
            result = service.query(principal, service.parse_request({**parameters, "limit": str(PAGE_SIZE)}))
        for body in result.bodies:
            statement = orjson.loads(body)
            entries.append({"id": statement.get("id", ""), "summary": summarize(statement),
                            "json": json.dumps(statement, indent=2, ensure_ascii=False)})
        more = result.more
    except XapiError as error_found:
        error, status = f"{error_found.message} ({error_found.path})" if error_found.path else error_found.message, \
            error_found.status
    kept = {name: value for name, value in fields.items() if value}
    next_url = f"{request.script_root}{PREFIX}/?" + urlencode({**kept, "more": more}) if more else None
    export = {"jsonl": f"{request.script_root}{PREFIX}/export?" + urlencode({**parameters, "output": "jsonl"}),
              "csv": f"{request.script_root}{PREFIX}/export?" + urlencode({**parameters, "output": "csv"})}
    return render_template("browser/statements.html", entries=entries, fields=fields, error=error,
                           next_url=next_url, first_url=f"{request.script_root}{PREFIX}/?" + urlencode(kept)
                           if request.args.get("more") else None, export=export, store=principal.name,
                           paged=bool(request.args.get("more"))), status


@blueprint.get("/export")
def export():
    principal = _principal()
    if principal is None:
        return _to_sign_in()
    parameters = request.args.to_dict()
    try:
        return export_response(principal, parameters)
    except XapiError as error:
        return render_template("browser/statements.html", entries=[], fields={}, error=error.message, next_url=None,
                               first_url=None, export=None, store=principal.name, paged=False), error.status
