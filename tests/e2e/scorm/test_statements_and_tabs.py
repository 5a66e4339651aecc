"""What a learner's sessions write to the LRS (ADL's xAPI SCORM Profile, launch-api.md Statements), and a
second tab on the same item ending the first session cleanly (issue 11, Runtime)."""
from __future__ import annotations

import pytest

from tests.e2e.scorm.conftest import open_player, sco, wait_for_log
from tests.e2e.scorm.packages import Item, package12, package2004

pytestmark = pytest.mark.e2e

VERB = "http://adlnet.gov/expapi/verbs/"
VERSIONS = {"1.2": (package12, "learner12.html"), "2004": (package2004, "learner2004.html")}


def verbs(statements: list[dict]) -> list[str]:
    return [statement["verb"]["id"].removeprefix(VERB) for statement in statements]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_suspended_then_completed_attempt_writes_the_profile_statements(lms, learner, context, version):
    build, page_name = VERSIONS[version]
    course = lms.import_course(build(f"Statements {version}", [Item("lesson", "Lesson", page_name)]))
    registration = lms.register(course["id"], learner)

    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    sco(page).locator("#answer").click()
    sco(page).locator("#suspend").click()
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")
    page.close()
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    sco(page).locator("#complete").click()
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")

    statements = lms.statements(registration)
    seen = verbs(statements)
    # Profile: initialized once; a suspended/resumed pair for the session that ended suspended; terminated once.
    assert seen.count("initialized") == 1 and seen.count("terminated") == 1
    assert seen.count("suspended") == 1 and seen.count("resumed") == 1
    assert seen.index("initialized") < seen.index("suspended") < seen.index("resumed") < seen.index("terminated")
    assert {"passed", "scored", "responded"} <= set(seen), seen  # the answer is a responded statement
    if version == "2004":  # 1.2 has no completion_status of its own: lesson_status "passed" is the passed statement
        assert "completed" in seen, seen
    for statement in statements:
        assert statement["context"]["registration"] == registration
        assert statement["actor"]["account"]["name"] == learner["account"]["name"]
    responded = next(statement for statement in statements if statement["verb"]["id"] == VERB + "responded")
    assert responded["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    passed = next(statement for statement in statements if statement["verb"]["id"] == VERB + "passed")
    assert passed["result"]["score"]["scaled"] == pytest.approx(0.9)


def test_opening_the_same_item_in_a_second_tab_ends_the_first_session_cleanly(lms, learner, context):
    course = lms.import_course(package12("Two tabs", [Item("lesson", "Lesson", "learner12.html")]))
    registration = lms.register(course["id"], learner)
    first = open_player(context, lms.launch(registration, launchable="lesson")["url"])
    wait_for_log(first, "ready")
    sco(first).locator("#new-location").fill("first-tab")
    sco(first).locator("#answer").click()
    sco(first).locator("#suspend-no-finish").click()
    sco(first).locator("#commit").click()

    second = open_player(context, lms.launch(registration, launchable="lesson")["url"])
    wait_for_log(second, "ready")
    assert sco(second).locator("#location").text_content() == "first-tab"  # what the first tab committed

    # The first tab's next commit is refused: the page shows why and stops.
    sco(first).locator("#new-location").fill("stale")
    sco(first).locator("#answer").click()
    sco(first).locator("#commit").click()
    first.wait_for_selector("html[data-player-state=ended]", state="attached")
    assert first.locator("#notice").is_visible()
    assert "another window or tab" in first.locator("#notice").text_content()
    assert '"result":"false"' in sco(first).locator("#log").text_content().splitlines()[-1].replace(" ", "")

    # The second tab carries on and its data is the one kept.
    sco(second).locator("#new-location").fill("second-tab")
    sco(second).locator("#answer").click()
    sco(second).locator("#suspend").click()
    second.wait_for_selector("html[data-player-state=terminated]", state="attached")
    assert not second.locator("#notice").is_visible()
    third = open_player(context, lms.launch(registration)["url"])
    wait_for_log(third, "ready")
    assert sco(third).locator("#location").text_content() == "second-tab"
    sessions = lms.progress(registration)["sessions"]
    assert [session["state"] for session in sessions].count("open") == 1
