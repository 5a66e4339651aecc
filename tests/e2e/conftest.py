"""Real browsers for end-to-end tests: Debian's Chromium driven by Python Playwright.

Playwright's own browser download does not work on our machines, so the browser is the system one
(LRS_TEST_CHROMIUM or `chromium` on PATH); without it the browser group is skipped loudly, and under
CI=true that is a failure (.ci/run installs it).
"""
from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import skip_group

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(__file__).with_name("pages")
NODE_MODULES = ROOT / "node_modules"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    return os.environ.get("LRS_TEST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        skip_group("Browser tests", "no Chromium (apt-get install chromium, or set LRS_TEST_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    yield opened
    context.close()


class _ContentHandler(SimpleHTTPRequestHandler):
    """Serves tests/e2e/pages, plus the browser builds of our npm packages under their file names."""

    npm_files = {"/tincan-min.js": NODE_MODULES / "tincanjs" / "build" / "tincan-min.js"}

    def translate_path(self, path: str) -> str:
        mapped = self.npm_files.get(path.split("?", 1)[0])
        return str(mapped) if mapped else super().translate_path(path)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def content_origin():
    """A second origin (another port on loopback) serving course pages, so requests to the LRS are
    cross-origin exactly as for content hosted apart from the LRS."""
    missing = [str(path) for path in _ContentHandler.npm_files.values() if not path.exists()]
    if missing:
        skip_group("Browser tests", f"npm packages not installed ({', '.join(missing)}): run `make npm`")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_ContentHandler, directory=str(PAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
