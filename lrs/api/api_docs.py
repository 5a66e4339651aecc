"""The API documentation page /docs/: Swagger UI from the npm package pinned in package-lock.json
(`make npm`), served from our own origin so it works on a closed network and runs no third-party code."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_from_directory

SWAGGER_UI_DIR = Path(__file__).resolve().parents[2] / "node_modules" / "swagger-ui-dist"
# The only files of the package the page loads; nothing else under node_modules is served.
SWAGGER_UI_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})
PAGE_CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
# Relative URLs: the page works wherever a proxy mounts /docs/.
START_SCRIPT = """window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", validatorUrl: null});
"""
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>xAPI Learning Record Store: HTTP API</title>
<link rel="stylesheet" href="swagger-ui/swagger-ui.css">
<link rel="icon" href="swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<noscript>This page needs JavaScript; the OpenAPI document itself is <a href="openapi.json">openapi.json</a>.</noscript>
<script src="swagger-ui/swagger-ui-bundle.js"></script>
<script src="swagger-ui/start.js"></script>
</body>
</html>
"""
NOT_INSTALLED_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>xAPI Learning Record Store: HTTP API</title></head>
<body>
<h1>The API documentation viewer is not installed</h1>
<p>This server has no Swagger UI: run <code>make npm</code> (<code>npm ci</code>) in the project directory and
reload. The OpenAPI document itself is at <a href="openapi.json">openapi.json</a>.</p>
</body>
</html>
"""


def register_api_docs(app: Flask, *, swagger_ui_dir: Path = SWAGGER_UI_DIR) -> None:
    """GET /docs/ (the page) and /docs/swagger-ui/<file>; flask-smorest serves /docs/openapi.json."""
    blueprint = Blueprint("api_docs_page", __name__, url_prefix="/docs")

    @blueprint.route("/", methods=["GET"])
    def page():
        installed = all((swagger_ui_dir / name).is_file() for name in SWAGGER_UI_FILES)
        return Response(PAGE if installed else NOT_INSTALLED_PAGE, mimetype="text/html",
                        headers={"Content-Security-Policy": PAGE_CONTENT_SECURITY_POLICY})

    @blueprint.route("/swagger-ui/start.js", methods=["GET"])
    def start_script():
        return Response(START_SCRIPT, mimetype="text/javascript")

    @blueprint.route("/swagger-ui/<name>", methods=["GET"])
    def swagger_ui_file(name: str):
        if name not in SWAGGER_UI_FILES:
            abort(404)
        return send_from_directory(swagger_ui_dir, name, max_age=3600)

    app.register_blueprint(blueprint)
