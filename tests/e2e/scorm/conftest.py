"""The SCORM player in headless Chromium against the real server (gunicorn on SQLite and PostgreSQL).

The server runs with LRS_PUBLIC_URL set to where it listens, so the launch URLs it hands out (absolute,
launch-api.md Conventions) open in the browser. The LMS side of each test is plain HTTP with a store
credential, as an external LMS integrates (launch-api.md)."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import pytest
import requests

from tests.conftest import run_server, skip_group
from tests.factories import issue_credential

PLAYER_TIMEOUT_MS = 20_000


@pytest.fixture(scope="session")
def scorm_server(database_url, tmp_path_factory):
    """gunicorn (2 workers) whose public URL is the address it listens on."""
    data_dir = tmp_path_factory.mktemp("scorm-server")
    yield from run_server(database_url, public_url=True, data_dir=str(data_dir), content_dir=str(data_dir / "content"))


@dataclass
class Lms:
    """An external LMS: the course and launch API with one store credential (launch-api.md)."""
    base_url: str
    key: str
    secret: str
    store_id: int = 0

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.base_url + path, auth=(self.key, self.secret), timeout=30, **kwargs)

    def import_course(self, package: bytes) -> dict:
        response = self._request("POST", "/api/v1/courses", data=package,
                                 headers={"Content-Type": "application/zip"})
        if response.status_code == 404 and "application/json" not in response.headers.get("Content-Type", ""):
            skip_group("SCORM browser tests", "the server has no /api/v1/courses (the course API is not built)")
        assert response.status_code == 201, (response.status_code, response.text[:2000])
        return response.json()

    def register(self, course_id: str, learner: dict) -> str:
        response = self._request("POST", "/api/v1/registrations", json={"course": course_id, "learner": learner})
        assert response.status_code == 201, (response.status_code, response.text[:2000])
        return response.json()["id"]

    def launch(self, registration: str, **body) -> dict:
        response = self._request("POST", f"/api/v1/registrations/{registration}/launch", json=body)
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()

    def launch_course(self, registration: str, course: dict) -> dict:
        """"Continue" (no item), or, where sequencing delivers nothing for it (a 2004 course whose flow is
        off, SCORM 2004 SN SB.2.2), a Choice of the first item (launch-api.md Launch)."""
        response = self._request("POST", f"/api/v1/registrations/{registration}/launch", json={})
        if response.status_code == 409 and course["standard"] == "scorm2004":
            return self.launch(registration, launchable=course["launchables"][0]["id"])
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()

    def progress(self, registration: str) -> dict:
        response = self._request("GET", f"/api/v1/registrations/{registration}")
        assert response.status_code == 200, (response.status_code, response.text[:2000])
        return response.json()

    def statements(self, registration: str) -> list[dict]:
        """Every statement of the registration, oldest first, following `more`."""
        found, path = [], f"/xapi/statements?registration={registration}&ascending=true&limit=100"
        while path:
            response = self._request("GET", path, headers={"X-Experience-API-Version": "1.0.3"})
            assert response.status_code == 200, (response.status_code, response.text[:2000])
            page = response.json()
            found += page["statements"]
            path = page.get("more") or ""
        return found


@pytest.fixture
def lms(app, scorm_server) -> Lms:
    """A fresh store with a credential for it: tests never see each other's courses or statements."""
    issued = issue_credential(app.extensions["lrs"], "scorm-player-test", scopes="all")
    return Lms(scorm_server, issued.key, issued.secret, issued.store_id)


@pytest.fixture
def learner() -> dict:
    name = f"ada-{uuid.uuid4()}"
    return {"objectType": "Agent", "name": "Ada Learner", "account": {"homePage": "https://lms.example.com", "name": name}}


@pytest.fixture
def context(browser):
    """A browser context with dialogs accepted (real courses confirm before they resume or exit)."""
    opened = browser.new_context()
    opened.on("page", lambda page: page.on("dialog", lambda dialog: dialog.accept()))
    yield opened
    opened.close()


def wait_until_stored(app, lms: Lms, registration: str, launchable: str, element: str, value: str,
                      timeout_s: float = PLAYER_TIMEOUT_MS / 1000) -> None:
    """Until the server holds `value` for `element` in the item's attempt: what a closed tab's keepalive
    commit carries arrives after the tab is gone, and a learner who relaunches comes back later than that."""
    runtime = app.extensions["delivery"].runtime
    deadline = time.monotonic() + timeout_s
    while True:
        attempt = runtime.item_record(lms.store_id, registration, launchable).data.get("attempt") or {}
        stored = ((attempt.get("cmi") or {}).get("values") or {}).get(element)
        if stored == value:
            return
        assert time.monotonic() < deadline, f"{element} is {stored!r} on the server, not {value!r}"
        time.sleep(0.05)


def open_player(context, url: str):
    """A new tab on the launch URL, once the player has started its session and loaded the content."""
    page = context.new_page()  # the context accepts its dialogs
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    with page.expect_response(lambda response: response.url.endswith("/start")) as started:
        page.goto(url)
    page.started = started.value.json()  # what the server answered the player's start (the protocol's body)
    try:
        # running, or already past it (a SCO may terminate as soon as it loads)
        page.wait_for_function("() => ['running', 'terminated', 'finished'].includes("
                               "document.documentElement.dataset.playerState)", timeout=PLAYER_TIMEOUT_MS)
    except Exception as error:  # noqa: BLE001 - say what the page showed
        notice = page.locator("#notice").text_content()
        state = page.evaluate("document.documentElement.dataset.playerState")
        raise AssertionError(f"the player did not start ({state}): {notice!r} {problems}") from error
    return page


def sco_log(page) -> list[dict]:
    """The JSON lines the test SCO wrote into its <pre id=log>."""
    text = page.frame_locator("#sco").locator("#log").text_content() or ""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_for_log(page, key: str, timeout_ms: int = PLAYER_TIMEOUT_MS) -> list[dict]:
    """Waits until the SCO logged an entry with `key` (e.g. "done", "ready"); returns the whole log."""
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        try:
            entries = sco_log(page)
        except Exception:  # noqa: BLE001 - the frame is still loading
            entries = []
        if any(key in entry for entry in entries):
            return entries
        page.wait_for_timeout(100)
    raise AssertionError(f"the SCO never logged {key!r}: {sco_log(page)}")


def calls(entries: list[dict]) -> list[tuple]:
    """(call, args, result, error) of each API call the SCO logged."""
    return [(entry["call"], tuple(entry["args"]), entry["result"], entry["error"]) for entry in entries if "call" in entry]


def sco(page):
    return page.frame_locator("#sco")
