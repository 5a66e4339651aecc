"""Cross-site request forgery against the admin API: only same-origin pages and non-browser clients.

Browsers mark every request with where it came from (Sec-Fetch-Site, Fetch Metadata) and send Origin on
cross-origin ones; a page on another site can still make a browser send a form POST with whatever
credentials it holds for us, so such requests are refused before authentication.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from lrs.xapi.errors import Forbidden, UnsupportedMediaType

ADMIN_PREFIX = "/admin"
# The types a cross-site form or a no-cors fetch can send without a CORS preflight (Fetch standard).
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
_SECTION = "docs/security.md: the admin API and browsers"


def is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def refuse_cross_site_admin_request():
    if not is_admin_path(request.path):
        return
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise Forbidden(f"the admin API does not answer {site} requests from a browser",
                            path="Sec-Fetch-Site", section=_SECTION)
    elif request.headers.get("Origin") is not None:  # browsers without Fetch Metadata
        origin = urlsplit(request.headers["Origin"])
        if (origin.scheme, origin.netloc) != (request.scheme, request.host):
            raise Forbidden("the admin API does not answer requests from another origin's page",
                            path="Origin", section=_SECTION)
    if request.mimetype in FORM_MIMETYPES:
        raise UnsupportedMediaType(f"the admin API takes application/json, not {request.mimetype}",
                                   path="Content-Type", section=_SECTION)
