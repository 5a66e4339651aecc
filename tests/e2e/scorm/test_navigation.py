"""The navigation frame: table of contents and previous/next for multi-item courses, and the adl.nav
requests a 2004 SCO makes, sent to the server, which decides what is delivered (issue 11, Navigation;
docs/scorm-player-protocol.md, navigate)."""
from __future__ import annotations

import pytest

from tests.e2e.scorm.conftest import open_player, sco, wait_for_log
from tests.e2e.scorm.packages import Item, package12, package2004

pytestmark = pytest.mark.e2e

ITEMS = [Item("item_1", "First lesson", "learner2004.html"), Item("item_2", "Second lesson", "learner2004.html"),
         Item("item_3", "Third lesson", "learner2004.html")]


def current(page) -> str:
    return page.locator("#toc-list button[aria-current=true]").inner_text()


def delivered(page, title: str) -> None:
    """Waits until the page shows `title` as the current item, with its SCO initialized."""
    page.wait_for_function("(title) => document.querySelector('#toc-list button[aria-current=true]')?.textContent"
                           " === title && document.documentElement.dataset.playerState === 'running'", arg=title)
    wait_for_log(page, "ready")


def test_2004_table_of_contents_previous_next_and_the_scos_navigation_requests(lms, learner, context):
    course = lms.import_course(package2004("Three lessons", ITEMS))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert page.locator("#toc-list button").all_inner_texts() == ["First lesson", "Second lesson", "Third lesson"]
    assert current(page) == "First lesson"
    assert page.get_by_role("navigation", name="Table of contents").is_visible()
    assert page.get_by_role("button", name="Next item").is_enabled()
    assert page.get_by_role("button", name="Previous item").is_disabled()

    sco(page).locator("#nav-continue").click()          # adl.nav.request=continue, then Terminate
    delivered(page, "Second lesson")
    page.get_by_role("button", name="Next item").click()  # the frame's own next, with the SCO still open
    delivered(page, "Third lesson")
    assert page.get_by_role("button", name="Next item").is_disabled()
    page.get_by_role("button", name="Previous item").click()
    delivered(page, "Second lesson")
    page.locator("#toc-list button", has_text="First lesson").click()  # a choice from the table of contents
    delivered(page, "First lesson")
    sco(page).locator("#target").fill("item_3")
    sco(page).locator("#nav-choice").click()             # adl.nav.request={target=item_3}choice
    delivered(page, "Third lesson")
    sco(page).locator("#nav-previous").click()
    delivered(page, "Second lesson")
    sco(page).locator("#nav-exit-all").click()            # nothing is delivered after exitAll
    page.wait_for_selector("html[data-player-state=finished]", state="attached")
    assert page.locator("#status").text_content()
    assert page.locator("#sco").is_hidden()

    progress = lms.progress(registration)
    assert [item["attempts"] for item in progress["items"]] == [2, 3, 2]
    assert all(session["state"] != "open" for session in progress["sessions"])


def test_2004_suspend_all_then_a_launch_with_no_item_resumes_the_suspended_item(lms, learner, context):
    # launch-api.md Launch: SCORM 2004 with neither item nor index is Resume All if an activity is suspended
    course = lms.import_course(package2004("Three lessons", ITEMS))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration, launchable="item_2")["url"])
    wait_for_log(page, "ready")
    assert current(page) == "Second lesson"
    sco(page).locator("#new-location").fill("second-page-4")
    sco(page).locator("#answer").click()
    sco(page).locator("#nav-suspend-all").click()
    page.wait_for_selector("html[data-player-state=finished]", state="attached")
    page.close()

    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert current(page) == "Second lesson"
    assert sco(page).locator("#entry").text_content() == "resume"
    assert sco(page).locator("#location").text_content() == "second-page-4"


def test_12_previous_and_next_follow_the_course_order(lms, learner, context):
    course = lms.import_course(package12("Two lessons", [Item("one", "Lesson one", "learner12.html"),
                                                         Item("two", "Lesson two", "learner12.html")]))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert current(page) == "Lesson one"
    sco(page).locator("#finish").click()                # LMSFinish: the frame offers what comes next
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")
    page.get_by_role("button", name="Next item").click()
    delivered(page, "Lesson two")
    page.get_by_role("button", name="Previous item").click()
    delivered(page, "Lesson one")
    assert len(lms.progress(registration)["sessions"]) == 3


def test_12_prerequisites_keep_an_item_closed_until_they_are_met(lms, learner, context):
    # issue 11 Navigation: 1.2 prerequisites are enforced; the frame offers only what the server allows
    course = lms.import_course(package12("Prerequisites", [
        Item("one", "Lesson one", "learner12.html"),
        Item("two", "Lesson two", "learner12.html", prerequisites="one")]))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert page.locator("#toc-list button", has_text="Lesson two").is_disabled()
    page.wait_for_function("() => document.getElementById('next').disabled")  # request-valid says no
    sco(page).locator("#complete").click()  # lesson one passed: its prerequisite is met
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")
    page.get_by_role("button", name="Next item").wait_for(state="visible")
    page.wait_for_function("() => !document.getElementById('next').disabled")
    page.get_by_role("button", name="Next item").click()
    delivered(page, "Lesson two")
