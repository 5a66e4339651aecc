"""A separate content origin (LRS_CONTENT_URL, launch-api.md Conventions "Content origin"): a SCO served
from it finds window.API only in a same-origin parent (SCORM 1.2 RTE 3.3.6.1, 2004 RTE 3.3.2 API
discovery; launch-api.md Launch: "The player finds the SCO's API where the SCORM API discovery algorithm
looks"), so the player page and its runtime calls are served on the content origin too: this same
server under another host name. On SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest

from tests.unit.delivery.support import CourseClient, make_app, tiny_scorm_zip

CONTENT = "http://content.example.test"


@pytest.fixture(scope="module")
def client(database_url, tmp_path_factory):
    app = make_app(database_url, tmp_path_factory.mktemp("content"), content_url=CONTENT + "/content")
    yield CourseClient(app)
    app.extensions["lrs"].close()


def _launch(client: CourseClient) -> dict:
    course = client.course(tiny_scorm_zip())
    response = client.launch(client.registration(course["id"]))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_player_url_is_on_the_content_origin(client):
    launch = _launch(client)
    pattern = re.escape(CONTENT) + r"/player/[0-9a-f-]{36}#launch=[A-Za-z0-9_-]+"
    assert re.fullmatch(pattern, launch["url"]), launch["url"]


def test_the_player_page_and_its_calls_work_on_the_content_origin(client):
    launch = _launch(client)
    token = launch["url"].split("#launch=", 1)[1]
    page = client.http.get(launch["url"].split("#")[0])  # the full URL: the test client sends its host
    assert page.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    # The SCO is framed from the page's own origin; the runtime calls go back to it (relative URLs).
    assert "'self'" in policy["frame-src"].split() and policy["connect-src"] == "'self'"
    # No cookie: the runtime calls carry the session token in their bodies.
    assert "Set-Cookie" not in page.headers
    started = client.http.post(f"{CONTENT}/player/api/sessions/{launch['session']}/start", json={"launchToken": token})
    assert started.status_code == 200, started.get_json()
    body = started.get_json()
    assert body["content"]["url"].startswith(CONTENT + "/content/")
    assert "Set-Cookie" not in started.headers
    committed = client.http.post(f"{CONTENT}/player/api/sessions/{launch['session']}/commit",
                                 json={"sessionToken": body["sessionToken"], "cmi": {"cmi.core.lesson_location": "p1"}})
    assert committed.status_code == 200 and committed.get_json()["rejected"] == []
    # The SCO itself, on the same origin as the page that frames it.
    sco = client.http.get(body["content"]["url"])
    assert sco.status_code == 200
    assert "frame-ancestors 'self'" in sco.headers["Content-Security-Policy"]


def test_without_a_content_origin_the_player_stays_on_the_public_url(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    try:
        assert _launch(CourseClient(app))["url"].startswith("https://lrs.example.com/player/")
    finally:
        app.extensions["lrs"].close()
