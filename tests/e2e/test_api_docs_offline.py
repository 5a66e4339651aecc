"""The API docs page renders the operations in Chromium with no network but the LRS (issue 10, client
findings): Swagger UI comes from the pinned npm package on our origin, and its CSP blocks nothing it needs."""
from __future__ import annotations

import pytest

from lrs.api.api_docs import SWAGGER_UI_DIR, SWAGGER_UI_FILES
from tests.conftest import skip_group

pytestmark = pytest.mark.e2e


def test_the_docs_page_shows_the_operations_with_no_network(live_server, browser):
    if not all((SWAGGER_UI_DIR / name).is_file() for name in SWAGGER_UI_FILES):
        skip_group("Browser tests", f"swagger-ui-dist is not installed in {SWAGGER_UI_DIR}: run `make npm`")
    context = browser.new_context()
    left_our_origin, console_errors = [], []

    def only_our_origin(route):  # a closed network: everything but the LRS is unreachable
        if route.request.url.startswith(live_server + "/"):
            route.continue_()
        else:
            left_our_origin.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_our_origin)
    page = context.new_page()
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.goto(f"{live_server}/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(path.replace("\u200b", "") == "/xapi/statements" for path in paths), paths
    assert page.locator(".opblock").count() >= 10
    assert not left_our_origin
    assert not console_errors  # among them any Content-Security-Policy violation
    context.close()
