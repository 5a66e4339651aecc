"""Real packages from ../shared/fixtures/scorm in Chromium: every golf package and ADL's Roses course
imports, shows its table of contents, launches, and its SCO finds the API and initializes; the golf
run-time packages' bookmarks and scores reach the LRS (issue 11, What it must show: Real packages)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.scorm.conftest import PLAYER_TIMEOUT_MS, open_player

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures" / "scorm"
PACKAGES = sorted(path.name for path in FIXTURES.glob("golf_*.zip")) + ["RosesOriginal.zip"]
VERB = "http://adlnet.gov/expapi/verbs/"
# Rustici's content-packaging examples carry a stub scormfunctions.js (a licence comment) and never call
# the API: they show that a package's structure imports and its files load, nothing more.
NO_API_CALLS = {"golf_ContentPackagingMetadata_SCORM20043rdEdition.zip",
                "golf_ContentPackagingOneFilePerSCO_SCORM12.zip",
                "golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip",
                "golf_ContentPackagingSingleSCO_SCORM12.zip", "golf_ContentPackagingSingleSCO_SCORM20043rdEdition.zip"}
API_INITIALIZED = """() => {
    const api = window.API || window.API_1484_11;
    return !!api && api.isInitialized() && document.documentElement.dataset.playerState === 'running';
}"""


def verbs(statements: list[dict]) -> list[str]:
    return [statement["verb"]["id"].removeprefix(VERB) for statement in statements]


def wait_until_initialized(page) -> None:
    page.wait_for_function(API_INITIALIZED, timeout=PLAYER_TIMEOUT_MS)


def wait_until_running(page, name: str) -> None:
    """The SCO initialized; or, for a package that never calls the API, its launch file rendered."""
    if name not in NO_API_CALLS:
        wait_until_initialized(page)
        return
    # The frame's first body can be the blank document before the launch file's: wait for the file's text
    # (a CI run under load read '' once).
    expect(page.frame_locator("#sco").locator("body")).to_have_text(re.compile(r"\S"), timeout=PLAYER_TIMEOUT_MS)


def package(name: str) -> bytes:
    path = FIXTURES / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: the fixtures live in ../shared beside the clone")
    return path.read_bytes()


@pytest.mark.parametrize("name", PACKAGES)
def test_a_real_package_imports_shows_its_contents_and_its_scos_initialize(lms, learner, context, name):
    course = lms.import_course(package(name))
    launchables = course["launchables"]
    assert launchables
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch_course(registration, course)["url"])
    if len(launchables) > 1:  # issue 11 Runtime: a table of contents where the course has several items
        assert page.get_by_role("navigation", name="Table of contents").is_visible()
        assert page.locator("#toc-list button").all_inner_texts() == [item["title"] for item in launchables]
    else:
        assert page.locator("#toc").is_hidden()
    wait_until_running(page, name)  # the SCO found the API by walking its parents, and initialized

    next_item = page.get_by_role("button", name="Next item")
    navigated = len(launchables) > 1 and next_item.is_enabled()  # sequencing may allow no flow from here
    if navigated:
        first_url = page.url
        next_item.click()  # the frame unloads the SCO (which finishes in its unload handler), then continues
        try:
            page.wait_for_url(lambda url: url != first_url, timeout=PLAYER_TIMEOUT_MS)
        except Exception as error:  # noqa: BLE001 - say what the page showed instead
            raise AssertionError(f"no next item: {page.locator('#status').text_content()!r} "
                                 f"{page.locator('#notice').text_content()!r}") from error
        page.wait_for_selector("html[data-player-state=running]", state="attached", timeout=PLAYER_TIMEOUT_MS)
        wait_until_running(page, name)
        assert page.locator("#toc-list button[aria-current=true]").inner_text() == launchables[1]["title"]

    seen = verbs(lms.statements(registration))
    progress = lms.progress(registration)
    if page.started["content"]["scormType"] == "asset":  # SCORM 2004 SN: delivering an asset completes it
        assert progress["items"][0]["completion"] == "completed"
    else:
        assert "initialized" in seen  # written at the attempt's start
    assert sum(item["attempts"] for item in progress["items"]) >= 1
    if navigated and "terminated" not in seen:
        # Only a SCO that ended its attempt writes terminated; the first one ended with the frame's unload.
        assert [session["state"] for session in progress["sessions"]].count("ended") >= 1


def test_golf_runtime_basic_calls_bookmark_and_score_reach_the_lrs(lms, learner, context):
    course = lms.import_course(package("golf_RuntimeBasicCalls_SCORM20043rdEdition.zip"))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch_course(registration, course)["url"])
    wait_until_initialized(page)
    content = page.frame_locator("#sco")
    for _ in range(2):  # each page change sets the bookmark, cmi.location
        content.locator("#butNext").click()
    content.locator("#butExit").click()  # "save your progress?" accepted: cmi.exit=suspend and suspendAll
    page.wait_for_selector("html[data-player-state=finished]", state="attached", timeout=PLAYER_TIMEOUT_MS)
    assert "suspended" in verbs(lms.statements(registration))

    # The bookmark comes back with the relaunch, and the course offers to resume there.
    page.close()
    page = context.new_page()
    with page.expect_response(lambda response: response.url.endswith("/start")) as started:
        page.goto(lms.launch_course(registration, course)["url"])
    cmi = started.value.json()["cmi"]
    assert (cmi.get("cmi.location"), cmi.get("cmi.entry")) == ("2", "resume")
    wait_until_initialized(page)
    content = page.frame_locator("#sco")
    for _ in range(12):  # from the bookmark to the last page, the assessment
        content.locator("#butNext").click()
    content.frame_locator("#contentFrame").locator("input[value='Submit Answers']").click()  # cmi.score.*
    content.locator("#butExit").click()  # at the end: exit normally, exitAll
    page.wait_for_selector("html[data-player-state=finished]", state="attached", timeout=PLAYER_TIMEOUT_MS)

    statements = lms.statements(registration)
    seen = verbs(statements)
    assert {"resumed", "scored", "terminated"} <= set(seen), seen
    scored = next(statement for statement in statements if statement["verb"]["id"] == VERB + "scored")
    score = scored["result"]["score"]["scaled"]
    outcome = "passed" if score >= 0.7 else "failed"  # the course's own rule: 70% passes
    assert outcome in seen, seen
    progress = lms.progress(registration)
    assert progress["score"] == pytest.approx(score) and progress["success"] == outcome


@pytest.mark.parametrize("name", ["golf_RuntimeMinimumCalls_SCORM12.zip", "golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip"])
def test_golf_runtime_minimum_calls_end_their_sessions_through_the_player(lms, learner, context, name):
    # These SCOs call only Initialize and Finish/Terminate (in their unload handler): what reaches the LRS is
    # the attempt frame and the status the LMS derives.
    course = lms.import_course(package(name))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch_course(registration, course)["url"])
    wait_until_initialized(page)
    page.locator("#toc-list button").nth(2).click()
    try:
        page.wait_for_function("() => document.querySelectorAll('#toc-list button')[2]?.getAttribute("
                               "'aria-current') === 'true'", timeout=PLAYER_TIMEOUT_MS)
    except Exception as error:  # noqa: BLE001 - say what the page showed instead
        raise AssertionError(f"no third item: {page.locator('#status').text_content()!r} "
                             f"{page.locator('#notice').text_content()!r}") from error
    wait_until_initialized(page)
    seen = verbs(lms.statements(registration))
    assert seen.count("initialized") == 2 and seen.count("terminated") == 1, seen
    first = lms.progress(registration)["items"][0]
    assert first["attempts"] == 1 and first["completion"] != "not attempted"


@pytest.mark.parametrize("name", ["golf_RuntimeMinimumCalls_SCORM12.zip", "golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip"])
def test_closing_the_tab_lets_the_sco_finish_in_its_unload_handler(lms, learner, context, name):
    # launch-api.md Session end: the player commits on page unload; a SCO that calls LMSFinish/Terminate in
    # its own unload handler ends its session then (the request outlives the page: fetch keepalive)
    course = lms.import_course(package(name))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch_course(registration, course)["url"])
    wait_until_initialized(page)
    page.close(run_before_unload=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the keepalive request is answered after the page is gone
        sessions = lms.progress(registration)["sessions"]
        seen = verbs(lms.statements(registration))
        if sessions[0]["state"] == "ended" and "terminated" in seen:
            break
        time.sleep(0.2)
    assert sessions[0]["state"] == "ended"
    assert "terminated" in seen, seen
