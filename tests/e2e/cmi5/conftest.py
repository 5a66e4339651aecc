"""cmi5 AUs in headless Chromium against the real server (gunicorn on SQLite and PostgreSQL).

The LMS side is plain HTTP with a store credential, as an external LMS integrates (launch-api.md). The AUs
are test pages built on the `@xapi/cmi5` npm library (`make npm`): one packaged in the course zip and served
by the LRS, one on a second origin (cmi5 14.1: an AU's url may be fully qualified, anywhere)."""
from __future__ import annotations

import functools
import threading
import uuid
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.conftest import run_server, skip_group
from tests.e2e.cmi5.course import CMI5_LIBRARY, CONTENT
from tests.factories import issue_credential

XAPI_VERSION = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(scope="session")
def cmi5_server(database_url, tmp_path_factory):
    """gunicorn (2 workers) whose public URL is the address it listens on, so launch URLs open as handed out."""
    data_dir = tmp_path_factory.mktemp("cmi5-server")
    yield from run_server(database_url, public_url=True, data_dir=str(data_dir), content_dir=str(data_dir / "content"))


class _AuHandler(SimpleHTTPRequestHandler):
    """Serves tests/e2e/cmi5/content, and the library's browser build as /Cmi5.umd.js."""

    def translate_path(self, path: str) -> str:
        if path.split("?", 1)[0] == "/Cmi5.umd.js":
            return str(CMI5_LIBRARY)
        return super().translate_path(path)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def au_origin():
    """A second origin (another loopback port) hosting an AU and the LMS's return page."""
    if not CMI5_LIBRARY.exists():
        skip_group("cmi5 browser tests", f"{CMI5_LIBRARY} is not installed: run `make npm`")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_AuHandler, directory=str(CONTENT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@dataclass
class Lms:
    """An external LMS: the course and launch API and /xapi with one store credential (launch-api.md)."""
    base_url: str
    key: str
    secret: str

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.base_url + path, auth=(self.key, self.secret), timeout=30, **kwargs)

    def import_course(self, package: bytes) -> dict:
        response = self.request("POST", "/api/v1/courses", data=package, headers={"Content-Type": "application/zip"})
        assert response.status_code == 201, (response.status_code, response.text[:2000])
        return response.json()

    def register(self, course_id: str, learner: dict) -> str:
        response = self.request("POST", "/api/v1/registrations", json={"course": course_id, "learner": learner})
        assert response.status_code == 201, (response.status_code, response.text[:2000])
        return response.json()["id"]

    def launch(self, registration_id: str, **body) -> dict:
        response = self.request("POST", f"/api/v1/registrations/{registration_id}/launch", json=body)
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()

    def progress(self, registration_id: str) -> dict:
        response = self.request("GET", f"/api/v1/registrations/{registration_id}")
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()

    def statements(self, query: str = "") -> list[dict]:
        """Every statement of the store the query selects, oldest first, following `more`."""
        found, path = [], f"/xapi/statements?ascending=true&limit=100{'&' + query if query else ''}"
        while path:
            response = self.request("GET", path, headers=XAPI_VERSION)
            assert response.status_code == 200, (response.status_code, response.text[:2000])
            page = response.json()
            found += page["statements"]
            path = page.get("more") or ""
        return found

    def statement_exists(self, statement_id: str) -> bool:
        response = self.request("GET", f"/xapi/statements?statementId={statement_id}", headers=XAPI_VERSION)
        assert response.status_code in (200, 404), (response.status_code, response.text[:500])
        return response.status_code == 200


@pytest.fixture
def lms(app, cmi5_server) -> Lms:
    """A fresh store with a credential for it: tests never see each other's courses or statements."""
    issued = issue_credential(app.extensions["lrs"], "cmi5-browser-test", scopes="all")
    return Lms(cmi5_server, issued.key, issued.secret)


@pytest.fixture
def learner() -> dict:
    """cmi5 needs an Agent with an account (launch-api.md Registrations; cmi5 9.2)."""
    return {"objectType": "Agent", "name": "Ada Learner",
            "account": {"homePage": "https://lms.example.com", "name": f"ada-{uuid.uuid4()}"}}
