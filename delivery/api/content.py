"""Package files, served from our own origin at /content/{course}/{path} (issue 11, Import).

A course's files never change under its id (a new version is a new course), so they are cached as
immutable. They are not the LRS API: they run scripts and are framed by the player, so they carry their
own Content-Security-Policy (lrs.api.stored_content keeps a CSP a response already has) allowing that,
and only that: the player's origin may frame them. No cookie or credential is ever set here."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, send_file

from delivery.api import current_delivery
from delivery.content import content_type_of
from lrs.api.responses import json_response

CACHE_FOREVER = "public, max-age=31536000, immutable"

blueprint = Blueprint("course_content", __name__, url_prefix="/content")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@blueprint.route("/<course_id>/<path:path>", methods=["GET", "HEAD"])
def course_file(course_id: str, path: str):
    delivery = current_delivery()
    local = delivery.content.local_path(course_id, path)
    if local is None:
        return json_response({"error": "not_found", "message": "no such course file"}, status=404,
                             headers={"Cache-Control": "no-store"})
    content_type = content_type_of(path)
    response = send_file(local, mimetype=content_type, conditional=True, etag=True, max_age=None)
    # send_file adds "; charset=utf-8" to text types, which would override a page's own <meta charset>.
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = CACHE_FOREVER
    response.headers["X-Content-Type-Options"] = "nosniff"
    # A cmi5 AU's URL carries its one-time fetch key in the query; no Referer may repeat it.
    response.headers["Referrer-Policy"] = "no-referrer"
    player_origin = _origin(current_app.extensions["lrs_settings"].public_url)
    response.headers["Content-Security-Policy"] = f"frame-ancestors 'self' {player_origin}"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
