"""GET /player/<session>: one static page for every session; the launch token it needs is in the URL's
fragment, which the browser never sends (docs/scorm-player-protocol.md, The launch URL).

scorm-again comes from the npm package pinned in package-lock.json (`make npm`), served from our own
origin like Swagger UI (lrs/api/api_docs.py): only its two browser bundles, nothing else of node_modules."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, send_from_directory

SCORM_AGAIN_DIR = Path(__file__).resolve().parents[2] / "node_modules" / "scorm-again" / "dist"
# The page loads one of these, by the course's standard; nothing else under node_modules is served.
SCORM_AGAIN_FILES = {"scorm12": "scorm12.min.js", "scorm2004": "scorm2004.min.js"}

blueprint = Blueprint("scorm_player", __name__, url_prefix="/player", template_folder="templates",
                      static_folder="static", static_url_path="/static")


def content_security_policy(content_origin: str, frame_ancestors: str) -> str:
    """The protocol's CSP: scripts, styles and calls from our origin only; frames from the content origin."""
    return (f"default-src 'none'; script-src 'self'; style-src 'self'; frame-src {content_origin}; "
            f"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _page_policy() -> str:
    settings = current_app.extensions.get("lrs_settings")
    # Package files come from LRS_CONTENT_URL's origin (by default our own public URL's).
    content_origin = _origin(getattr(settings, "content_url", "") or "")
    frame_source = "'self'" + (f" {content_origin}" if content_origin else "")
    frame_ancestors = getattr(settings, "player_frame_ancestors", "") or "'self'"
    return content_security_policy(frame_source, frame_ancestors)


def scorm_again_installed() -> bool:
    return all((SCORM_AGAIN_DIR / name).is_file() for name in SCORM_AGAIN_FILES.values())


@blueprint.route("/<session>", methods=["GET"])
def player_page(session: str):
    """The same page for any session id: the page itself reads its session from its path."""
    template = "player.html" if scorm_again_installed() else "not_installed.html"
    response = Response(render_template(template), mimetype="text/html")
    response.headers["Content-Security-Policy"] = _page_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    # The fragment carries the launch token: never let a Referer or a cache keep the page's URL.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/scorm-again/<name>", methods=["GET"])
def scorm_again_file(name: str):
    if name not in SCORM_AGAIN_FILES.values() or not scorm_again_installed():
        abort(404)
    response = send_from_directory(SCORM_AGAIN_DIR, name, max_age=3600, mimetype="text/javascript")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
