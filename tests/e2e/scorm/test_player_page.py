"""The player page and the files it loads, without a browser (docs/scorm-player-protocol.md, The launch URL).

A bare Flask app with the player blueprint alone: the page is static and needs no session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from scorm_runtime.player import blueprint
from scorm_runtime.player import routes
from scorm_runtime.player.routes import SCORM_AGAIN_DIR, SCORM_AGAIN_FILES

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(blueprint)
    return app.test_client()


def test_the_page_is_the_same_for_any_session_and_needs_no_token(client):
    # docs/scorm-player-protocol.md: GET /player/{session} answers the same static page for any session
    first = client.get("/player/7d3f0c1e-0000-4000-8000-000000000001")
    second = client.get("/player/another-session")
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "text/html"
    assert first.data == second.data
    page = first.get_data(as_text=True)
    assert '<script src="static/player.js"></script>' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline: the CSP allows none
    assert "http" not in page  # nothing from another origin
    assert '<main id="content"' in page and 'aria-label="Table of contents"' in page


def test_the_page_forbids_everything_it_does_not_need(client):
    # docs/scorm-player-protocol.md: the page's CSP; nosniff; the fragment's token kept out of Referer
    response = client.get("/player/some-session")
    policy = response.headers["Content-Security-Policy"]
    for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-src 'self'",
                      "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'self'"]:
        assert directive in policy
    assert "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_the_content_origin_setting_is_the_only_frame_source():
    # launch-api.md Conventions: package files may be served from a separate origin (a setting)
    policy = routes.content_security_policy("https://content.example.com", "https://lms.example.com")
    assert "frame-src https://content.example.com;" in policy
    assert policy.endswith("frame-ancestors https://lms.example.com")


def test_the_scorm_again_bundles_come_from_the_pinned_npm_package(client):
    # issue 11 Runtime: scorm-again installed by the project's build from package.json and its lock file
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["scorm-again"]
    assert json.loads((SCORM_AGAIN_DIR.parent / "package.json").read_text())["version"] == pinned, "run `make npm`"
    for name in SCORM_AGAIN_FILES.values():
        response = client.get(f"/player/scorm-again/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == "text/javascript"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == (SCORM_AGAIN_DIR / name).read_bytes()
    for name, mimetype in [("player.js", "text/javascript"), ("player.css", "text/css")]:
        response = client.get(f"/player/static/{name}")
        assert response.status_code == 200 and response.mimetype == mimetype, name


def test_nothing_else_under_node_modules_is_served(client):
    for name in ["scorm-again.js", "scorm12.js", "scorm12.min.js.map", "cross-frame-lms.js", "..%2Fpackage.json",
                 "%2E%2E/%2E%2E/package.json", "../../swagger-ui-dist/package.json"]:
        assert client.get(f"/player/scorm-again/{name}").status_code == 404, name


def test_without_node_modules_the_page_says_how_to_install_the_player(client, monkeypatch, tmp_path):
    monkeypatch.setattr(routes, "SCORM_AGAIN_DIR", tmp_path)
    response = client.get("/player/some-session")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "make npm" in page and "<script" not in page
    assert client.get("/player/scorm-again/scorm12.min.js").status_code == 404
