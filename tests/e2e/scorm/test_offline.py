"""The player renders and runs with no network but the LRS: scorm-again and the page's own files come
from our origin, and its Content-Security-Policy blocks nothing it needs (issue 11, Runtime; the same
rule as the API docs page, tests/e2e/test_api_docs_offline.py)."""
from __future__ import annotations

import pytest

from tests.e2e.scorm.conftest import sco, wait_for_log
from tests.e2e.scorm.packages import Item, package12, package2004

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_the_player_runs_a_course_with_no_network_but_the_lrs(lms, learner, browser, version):
    build, page_name = (package12, "learner12.html") if version == "1.2" else (package2004, "learner2004.html")
    course = lms.import_course(build("Offline", [Item("one", "One", page_name), Item("two", "Two", page_name)]))
    registration = lms.register(course["id"], learner)
    url = lms.launch(registration)["url"]
    context = browser.new_context()
    left_our_origin, console_errors = [], []

    def only_our_origin(route):  # a closed network: everything but the LRS is unreachable
        if route.request.url.startswith(lms.base_url + "/"):
            route.continue_()
        else:
            left_our_origin.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_our_origin)
    page = context.new_page()
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector("html[data-player-state=running]", state="attached")
    wait_for_log(page, "ready")
    assert page.get_by_role("banner").is_visible() and page.get_by_role("main").is_visible()
    assert page.get_by_role("navigation", name="Table of contents").is_visible()
    sco(page).locator("#answer").click()
    sco(page).locator("#complete").click()
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")
    assert lms.progress(registration)["items"][0]["completion"] == "completed"
    assert not left_our_origin
    assert not console_errors  # among them any Content-Security-Policy violation
    context.close()
