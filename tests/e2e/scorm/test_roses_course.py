"""ADL's Roses course (../shared/fixtures/scorm/RosesOriginal.zip, SCORM 2004 3rd Edition) taken in Chromium as
a learner takes it: its pre-test and post-test scores reach the LRS, and a question left unanswered is a
suspended attempt that resumes where it was left (issue 11, What it must show: Real packages, "bookmarks and
scores reaching the LRS"; the Roses SCOs keep no cmi.location, so their bookmark is the suspended attempt,
RTE 4.2.8 cmi.exit "suspend" and SN DB.2).

The course's own rules decide the walk: the table of contents allows Choice everywhere but inside the
PostTest cluster (choice="false", choiceExit="false"), so the post-test is reached by Continue from the
last lesson (SN SB.2.7, flow), and it is left by closing the tab."""
from __future__ import annotations

import time

import pytest

from tests.e2e.scorm.conftest import PLAYER_TIMEOUT_MS, open_player
from tests.e2e.scorm.test_real_packages import package, verbs, wait_until_initialized

pytestmark = pytest.mark.e2e


def _current(page) -> str:
    return page.locator("#toc-list button[aria-current=true]").inner_text()


def _choose(page, title: str) -> dict:
    """Clicks the table of contents entry; the SCO unloads and the chosen one starts. The server's answer
    to the new session's start (cmi included)."""
    with page.expect_response(lambda response: response.url.endswith("/start"), timeout=PLAYER_TIMEOUT_MS) as started:
        page.locator("#toc-list button", has_text=title).first.click()
    page.wait_for_function("t => document.querySelector('#toc-list button[aria-current=true]')?.innerText === t",
                           arg=title, timeout=PLAYER_TIMEOUT_MS)
    wait_until_initialized(page)
    return started.value.json()


def _scores(statements: list[dict]) -> list[float]:
    return [statement["result"]["score"]["scaled"] for statement in statements
            if statement["verb"]["id"].endswith("/scored")]


def test_roses_scores_reach_the_lrs_and_an_unanswered_question_resumes(lms, learner, context):
    course = lms.import_course(package("RosesOriginal.zip"))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch_course(registration, course)["url"])
    wait_until_initialized(page)
    assert _current(page) == "Introduction to Roses"  # Start: the first leaf (SN SB.2.5)

    # Pre-test question 1, answered right: cmi.score.scaled 1.0, passed.
    _choose(page, "Q1")
    question = page.frame_locator("#sco")
    question.locator("input[name=Q1]").first.check()
    question.locator("input[name=submitButton]").click()

    # Question 2 opened and left unanswered: its unload exits with "suspend".
    first_entry = _choose(page, "Q2")["cmi"].get("cmi.entry")
    assert first_entry == "ab-initio"
    _choose(page, "Color Symbolism")
    again = _choose(page, "Q2")  # the suspended attempt goes on (SN DB.2): no new attempt
    assert again["cmi"].get("cmi.entry") == "resume"

    # The post-test, by flow from the last lesson, all four answers right.
    _choose(page, "Color Symbolism")
    with page.expect_response(lambda response: response.url.endswith("/start"), timeout=PLAYER_TIMEOUT_MS):
        page.get_by_role("button", name="Next item").click()
    page.wait_for_function("() => document.querySelector('#toc-list button[aria-current=true]')?.innerText"
                           " === 'PostTest'", timeout=PLAYER_TIMEOUT_MS)
    wait_until_initialized(page)
    test = page.frame_locator("#sco")
    for name, index in (("Q1", 0), ("Q2", 2), ("Q3", 2), ("Q4", 0)):  # Posttest.html's answer key
        test.locator(f"input[name={name}]").nth(index).check()
    test.locator("input[name=submitButton]").click()
    page.close(run_before_unload=True)  # the post-test's unload completes and terminates it (keepalive)

    deadline = time.monotonic() + PLAYER_TIMEOUT_MS / 1000
    while True:
        statements = lms.statements(registration)
        if len(_scores(statements)) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    seen = verbs(statements)
    assert _scores(statements) == [1.0, 1.0], seen  # pre-test question 1, then the post-test
    assert seen.count("passed") >= 2, seen
    items = {item["title"]: item for item in lms.progress(registration)["items"]}
    assert items["Q1"]["success"] == "passed" and items["Q1"]["score"] == pytest.approx(1.0)
    assert items["PostTest"]["success"] == "passed" and items["PostTest"]["score"] == pytest.approx(1.0)
    assert items["Q2"]["completion"] != "completed"  # left unanswered, still suspended
