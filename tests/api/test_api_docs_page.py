"""The API documentation page /docs/ (issue 10, client findings): pinned Swagger UI from our own origin."""
from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from lrs.api.api_docs import SWAGGER_UI_DIR, register_api_docs

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_loads_only_scripts_and_styles_from_our_origin(app):
    response = app.test_client().get("/docs/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "http" not in page.replace('href="openapi.json"', "")  # no absolute URL: nothing from a CDN
    assert '<script src="swagger-ui/swagger-ui-bundle.js">' in page
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_swagger_ui_files_come_from_the_pinned_npm_package(app):
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    assert json.loads((SWAGGER_UI_DIR / "package.json").read_text())["version"] == pinned, "run `make npm`"
    client = app.test_client()
    for name, mimetype in [("swagger-ui-bundle.js", "text/javascript"), ("swagger-ui.css", "text/css"),
                           ("start.js", "text/javascript")]:
        response = client.get(f"/docs/swagger-ui/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == mimetype  # nosniff: a script must be served as one
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/docs/swagger-ui/swagger-ui-bundle.js").data == (SWAGGER_UI_DIR / "swagger-ui-bundle.js").read_bytes()


def test_nothing_else_under_node_modules_is_served(app):
    client = app.test_client()
    for name in ["package.json", "index.html", "oauth2-redirect.html", "..%2Fpackage.json", "../tincanjs/package.json",
                 "%2E%2E/%2E%2E/package.json"]:
        assert client.get(f"/docs/swagger-ui/{name}").status_code == 404, name


def test_without_node_modules_the_page_says_how_to_install_the_viewer(tmp_path):
    bare = Flask(__name__)
    register_api_docs(bare, swagger_ui_dir=tmp_path / "node_modules" / "swagger-ui-dist")
    response = bare.test_client().get("/docs/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "make npm" in page and 'href="openapi.json"' in page and "<script" not in page
    assert bare.test_client().get("/docs/swagger-ui/swagger-ui-bundle.js").status_code == 404


def test_the_openapi_document_is_still_served(app):
    response = app.test_client().get("/docs/openapi.json")
    assert response.status_code == 200
    assert "/xapi/statements" in response.get_json()["paths"]
