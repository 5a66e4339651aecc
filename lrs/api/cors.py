"""Cross-origin access for browser content on other origins (Fetch standard CORS).

Only the xAPI and OAuth resources answer CORS: the admin API is for non-browser clients and same-origin
pages (lrs.api.admin_origin).
"""
from __future__ import annotations

import re

from flask import request

CORS_PREFIXES = ("/xapi", "/oauth")
ALLOWED_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOWED_HEADERS = ("Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
                   "X-Experience-API-Hash, Content-Transfer-Encoding, Accept-Language")
_ALLOWED_LOWER = frozenset(name.strip().lower() for name in ALLOWED_HEADERS.split(","))
EXPOSED_HEADERS = ("ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through, "
                   "Content-Type, Content-Length, Location")
# A header name is an RFC 9110 s5.6.2 token; one character class, so the match is linear in the input.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def add_cors_headers(response, allowed_origins: tuple[str, ...]):
    origin = request.headers.get("Origin")
    if not origin or not request.path.startswith(CORS_PREFIXES):
        return response
    if "*" in allowed_origins or origin in allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = _allowed_headers(
                request.headers.get("Access-Control-Request-Headers"))
            response.vary.add("Access-Control-Request-Headers")
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def _allowed_headers(requested: str | None) -> str:
    """Ours, and every other header the preflight asks for (browser content sends Cache-Control, Pragma,
    X-Requested-With...): credentials are explicit headers, so no header name grants more access."""
    names = [name.strip() for name in (requested or "").split(",")]
    if not all(_HEADER_NAME.fullmatch(name) for name in names):
        return ALLOWED_HEADERS
    extra = [name for name in names if name.lower() not in _ALLOWED_LOWER]
    return ", ".join([ALLOWED_HEADERS, *extra])
