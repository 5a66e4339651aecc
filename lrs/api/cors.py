"""Cross-origin access for browser content on other origins (Fetch standard CORS)."""
from __future__ import annotations

from flask import request

ALLOWED_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOWED_HEADERS = ("Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
                   "X-Experience-API-Hash, Content-Transfer-Encoding, Accept-Language")
EXPOSED_HEADERS = ("ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through, "
                   "Content-Type, Content-Length, Location")


def add_cors_headers(response, allowed_origins: tuple[str, ...]):
    origin = request.headers.get("Origin")
    if not origin:
        return response
    if "*" in allowed_origins or origin in allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
    return response
