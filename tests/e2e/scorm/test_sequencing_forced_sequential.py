"""Rustici's golf "forced sequential" course (SCORM 2004 3rd Edition) through the player in Chromium: its
manifest's precondition rules (disabled until the previous SCO's global objective is satisfied) decide what the
table of contents offers and what a Choice may deliver; passing the quiz completes the course (issue 13, Golf
sequencing courses; launch-api.md, SCORM specifics: "2004 runs its sequencing on the server")."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.scorm.conftest import PLAYER_TIMEOUT_MS, open_player

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "scorm"
FORCED = FIXTURES / "golf_SequencingForcedSequential_SCORM20043rdEdition.zip"
TITLES = ["Playing the Game", "Etiquette", "Handicapping", "Having Fun", "Quiz"]
VERB = "http://adlnet.gov/expapi/verbs/"
COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"


def sco_frame(page):
    """The golf SCO's launch page (shared/launchpage.html) inside the player's #sco frame."""
    page.wait_for_function("() => window.API_1484_11 && window.API_1484_11.isInitialized()", timeout=PLAYER_TIMEOUT_MS)
    return next(frame for frame in page.frames if frame.url.split("?")[0].endswith("launchpage.html"))


def toc_state(page) -> dict[str, bool]:
    """Each table-of-contents entry: enabled or not."""
    buttons = page.locator("#toc-list button")
    return {buttons.nth(index).inner_text(): buttons.nth(index).is_enabled() for index in range(buttons.count())}


def current(page) -> str:
    return page.locator("#toc-list button[aria-current=true]").inner_text()


def read_to_the_end(page) -> None:
    """The learner pages through the SCO; its last page sets completed and passed and commits."""
    frame = sco_frame(page)
    frame.wait_for_function("() => typeof doNext === 'function' && typeof pageArray !== 'undefined'")
    frame.evaluate("() => { while (currentPage < pageArray.length - 1) { doNext(); } }")
    page.wait_for_timeout(200)  # the SCO's Commit reaches the server


def sco_requests(page, request: str) -> None:
    """The SCO sets adl.nav.request and terminates from its own unload handler (RTE 4.2.8, SN 4.4.2)."""
    sco_frame(page).evaluate("(request) => { ScormProcessSetValue('adl.nav.request', request); doUnload(); }", request)


def delivered(page, title: str) -> None:
    page.wait_for_function("(title) => document.querySelector('#toc-list button[aria-current=true]')?.textContent"
                           " === title && document.documentElement.dataset.playerState === 'running'", arg=title,
                           timeout=PLAYER_TIMEOUT_MS)


def test_forced_sequential_in_the_player(lms, learner, context):
    course = lms.import_course(FORCED.read_bytes())
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])  # no item: Start (SN SB.2.5)
    assert current(page) == "Playing the Game"
    sco_frame(page)
    # SN 3.2 precondition "disabled": visible in the table of contents, not selectable.
    assert toc_state(page) == {"Playing the Game": True, "Etiquette": False, "Handicapping": False,
                               "Having Fun": False, "Quiz": False}

    read_to_the_end(page)
    sco_requests(page, "continue")  # flow to the next activity, now enabled by the satisfied global objective
    delivered(page, "Etiquette")
    assert toc_state(page)["Having Fun"] is False

    read_to_the_end(page)
    sco_frame(page).evaluate("() => doUnload()")  # Terminate with no request: the learner chooses next
    page.wait_for_selector("html[data-player-state=terminated]", state="attached", timeout=PLAYER_TIMEOUT_MS)
    # A Choice of an item whose previous SCO is not satisfied is refused by the server, naming the rule;
    # the page stays where it is.
    url = page.url
    page.locator("#toc-list button", has_text="Quiz").click()
    page.wait_for_function("() => (document.querySelector('#status')?.textContent || '').includes('DB.1.1-3')",
                           timeout=PLAYER_TIMEOUT_MS)
    assert page.url == url
    page.locator("#toc-list button", has_text="Handicapping").click()  # allowed: Etiquette is satisfied
    delivered(page, "Handicapping")

    read_to_the_end(page)
    sco_requests(page, "continue")
    delivered(page, "Having Fun")
    read_to_the_end(page)
    sco_requests(page, "continue")
    delivered(page, "Quiz")

    frame = sco_frame(page)
    frame.wait_for_function("() => typeof RecordTest === 'function'")
    frame.evaluate("() => RecordTest(100)")  # what the quiz page reports when every answer is right
    sco_requests(page, "continue")  # past the last activity: the sequencing session ends, nothing is delivered
    page.wait_for_selector("html[data-player-state=finished]", state="attached", timeout=PLAYER_TIMEOUT_MS)

    progress = lms.progress(registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    course_verbs = [statement["verb"]["id"].removeprefix(VERB) for statement in lms.statements(registration)
                    if statement["object"].get("definition", {}).get("type") == COURSE_TYPE]
    assert course_verbs == ["completed", "passed"]
