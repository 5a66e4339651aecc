"""OAuth 2.0 token endpoint, client credentials grant (RFC 6749 4.4): a credential's key and secret
buy a short-lived Bearer token for some or all of its scopes (xAPI-Communication 4.2)."""
from __future__ import annotations

from flask import current_app, request

from lrs.api.openapi import CACHE_CONTROL, RETRY_AFTER, WWW_AUTHENTICATE, DocumentedBlueprint
from lrs.api.responses import json_response
from lrs.auth.basic import parse_basic
from lrs.xapi.errors import BadRequest, TooManyRequests, Unauthorized
from lrs.xapi.scopes import DEFAULT_TOKEN_SCOPES, allows, parse_scopes

# The client authenticates with Basic or with client_id and client_secret in the form (RFC 6749 2.3.1).
blueprint = DocumentedBlueprint("oauth", __name__, url_prefix="/oauth",
                                description="OAuth 2.0 client credentials: Bearer tokens for xAPI requests",
                                security=[{"xapiBasic": []}, {}], shared_errors=(413, 503))
_OAUTH_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
_TOKEN_REQUEST = {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["grant_type"],
    "properties": {"grant_type": {"type": "string", "enum": ["client_credentials"]},
                   "scope": {"type": "string", "description": "space-separated xAPI scopes "
                                                              "(default: statements/write statements/read/mine)"},
                   "client_id": {"type": "string", "description": "the key, when not sent as Basic"},
                   "client_secret": {"type": "string"}}}}}
_TOKEN = {"application/json": {"schema": {
    "type": "object", "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]},
                   "expires_in": {"type": "integer"}, "scope": {"type": "string"}}}}}


def _oauth_error(code: str, description: str, status: int, headers: dict | None = None):
    """RFC 6749 5.2 error body."""
    return json_response({"error": code, "error_description": description}, status=status,
                         headers={"Cache-Control": "no-store", **(headers or {})})


@blueprint.route("/token", methods=["POST"])
@blueprint.body(_TOKEN_REQUEST, description="RFC 6749 4.4.2 access token request")
@blueprint.answers(200, "An access token (RFC 6749 5.1)", content=_TOKEN, headers={"Cache-Control": CACHE_CONTROL})
@blueprint.answers(400, "unsupported_grant_type or invalid_scope (RFC 6749 5.2)", content=_OAUTH_ERROR,
                   headers={"Cache-Control": CACHE_CONTROL})
@blueprint.answers(401, "invalid_client (RFC 6749 5.2)", content=_OAUTH_ERROR,
                   headers={"Cache-Control": CACHE_CONTROL, "WWW-Authenticate": WWW_AUTHENTICATE})
@blueprint.answers(429, "slow_down: too many failed authentications", content=_OAUTH_ERROR,
                   headers={"Cache-Control": CACHE_CONTROL, "Retry-After": RETRY_AFTER})
def token():
    """Issue an access token. Client authentication: HTTP Basic (key:secret) or client_id and
    client_secret form fields. Form: grant_type=client_credentials, optional scope (space-separated)."""
    services = current_app.extensions["lrs"]
    form = request.form
    if form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", "only grant_type=client_credentials is supported", 400)
    client = parse_basic(request.headers.get("Authorization"))
    if client is None and form.get("client_id") is not None:
        client = (form.get("client_id", ""), form.get("client_secret", ""))
    if client is None:
        return _oauth_error("invalid_client", "client authentication is required", 401,
                            {"WWW-Authenticate": 'Basic realm="xAPI LRS"'})
    try:
        record = services.authenticator.verify_secret(client[0], client[1], request.remote_addr)
    except TooManyRequests as error:
        return _oauth_error("slow_down", error.message, 429, {"Retry-After": str(error.retry_after)})
    except Unauthorized:
        return _oauth_error("invalid_client", "unknown, revoked or disabled credentials", 401,
                            {"WWW-Authenticate": 'Basic realm="xAPI LRS"'})
    held = frozenset(record.scopes.split())
    try:
        # Without a scope the token gets statements/write and statements/read/mine (xAPI-Communication 4.2.s5.b2).
        asked = parse_scopes(form["scope"]) if form.get("scope") else DEFAULT_TOKEN_SCOPES
    except BadRequest as error:
        return _oauth_error("invalid_scope", error.message, 400)
    scopes = frozenset(scope for scope in asked if allows(held, frozenset({scope})))
    if form.get("scope") and scopes != asked:
        return _oauth_error("invalid_scope", "the credential does not hold: "
                            + " ".join(sorted(asked - scopes)), 400)
    if not scopes:
        return _oauth_error("invalid_scope", "the credential holds none of the default scopes; ask for one", 400)
    access_token = services.tokens.issue(record.key, scopes)
    return json_response({"access_token": access_token, "token_type": "Bearer",
                          "expires_in": services.tokens.lifetime_seconds, "scope": " ".join(sorted(scopes))},
                         headers={"Cache-Control": "no-store", "Pragma": "no-cache"})
