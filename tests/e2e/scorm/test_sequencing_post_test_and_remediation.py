"""Rustici's golf "post test rollup" and "simple remediation" courses (SCORM 2004 3rd Edition) through the player
in Chromium (issue 13, Golf sequencing courses): their manifests' rules decide what is delivered and how the course
rolls up, and the registration's progress (GET /api/v1/registrations/{id}) agrees with the course statements.

The SCOs are the packages' own pages (shared/launchpage.html): the learner pages through the content, the quiz
reports with the page's RecordTest(score) (70 passes), and the SCO requests continue through adl.nav.request from
its unload handler (RTE 4.2.8). Post test rollup's pages exit with cmi.exit "suspend", remediation's with ""."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.scorm.conftest import PLAYER_TIMEOUT_MS, open_player
from tests.e2e.scorm.test_sequencing_forced_sequential import (COURSE_TYPE, FIXTURES, VERB, current, delivered,
                                                               read_to_the_end, sco_frame, sco_requests, toc_state)

pytestmark = pytest.mark.e2e

POST_TEST = FIXTURES / "golf_SequencingPostTestRollup_SCORM20043rdEdition.zip"
REMEDIATION = FIXTURES / "golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip"
CONTENT = ["Playing the Game", "Etiquette", "Handicapping", "Having Fun"]
TESTS = ["Playing Quiz", "Etiquette Quiz", "Handicapping Quiz", "Having Fun Quiz"]


def record_test(page, score: int) -> None:
    frame = sco_frame(page)
    frame.wait_for_function("() => typeof RecordTest === 'function'")
    frame.evaluate("(score) => RecordTest(score)", score)


def course_verbs(lms, registration: str) -> list[str]:
    return [statement["verb"]["id"].removeprefix(VERB) for statement in lms.statements(registration)
            if statement["object"].get("definition", {}).get("type") == COURSE_TYPE]


def assert_progress_and_statements_agree(lms, registration: str) -> dict:
    """The course's completion and success in GET /api/v1/registrations/{id} are what its course statements
    last said (issue 13: "The registration's progress and the xAPI statements agree")."""
    progress, verbs = lms.progress(registration), course_verbs(lms, registration)
    assert ("completed" in verbs) == (progress["completion"] == "completed"), (progress, verbs)
    said = [verb for verb in verbs if verb in ("passed", "failed")]
    assert (said[-1] if said else "unknown") == progress["success"], (progress, verbs)
    return progress


def shot(page, tmp_path: Path, name: str) -> None:
    """A screenshot of the player beside the test's files (for a person to look at; nothing reads it)."""
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def test_post_test_rollup_in_the_player(lms, learner, context, tmp_path):
    course = lms.import_course(POST_TEST.read_bytes())
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])  # Start (SN SB.2.5)
    assert current(page) == "Playing the Game"
    sco_frame(page)
    # SN 3.2 precondition "disabled" until the previous SCO's global objective is satisfied (SN 3.10.2 maps)
    assert toc_state(page) == {"Playing the Game": True, "Etiquette": False, "Handicapping": False,
                               "Having Fun": False, "Quiz": False}
    for following in CONTENT[1:] + ["Quiz"]:
        read_to_the_end(page)
        sco_requests(page, "continue")
        delivered(page, following)
    # The content does not roll up (rollupObjectiveSatisfied/rollupProgressCompletion false, SN 3.7.1): a course
    # whose every content SCO is completed and passed is neither completed nor passed yet.
    progress = assert_progress_and_statements_agree(lms, registration)
    assert (progress["completion"], progress["success"]) != ("completed", "passed")
    assert progress["success"] == "unknown"
    assert course_verbs(lms, registration) == []

    record_test(page, 40)  # the quiz failed: only the quiz rolls up (SN RB.1.2, RB.1.3), so the course fails
    sco_frame(page).evaluate("() => doUnload()")  # Terminate, no request: the learner chooses what is next
    page.wait_for_selector("html[data-player-state=terminated]", state="attached", timeout=PLAYER_TIMEOUT_MS)
    progress = assert_progress_and_statements_agree(lms, registration)
    assert (progress["completion"], progress["success"]) == ("completed", "failed")
    assert progress["score"] == pytest.approx(0.4)
    assert course_verbs(lms, registration) == ["completed", "failed"]
    shot(page, tmp_path, "post-test-failed")

    # Choice is allowed at the root: the learner takes the quiz again and passes the post-test
    page.locator("#toc-list button", has_text="Quiz").click()
    delivered(page, "Quiz")
    # The quiz page exited with cmi.exit "suspend": its attempt did not end (RTE 4.2.8), so this delivery
    # resumes it (SN DB.2) although no Suspend All was made (docs/scorm.md, Sequencing)
    assert sco_frame(page).evaluate("() => ScormProcessGetValue('cmi.entry')") == "resume"
    record_test(page, 90)
    sco_requests(page, "continue")  # past the last activity: the sequencing session ends (SN SB.2.1-1)
    page.wait_for_selector("html[data-player-state=finished]", state="attached", timeout=PLAYER_TIMEOUT_MS)
    shot(page, tmp_path, "post-test-passed")

    progress = assert_progress_and_statements_agree(lms, registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert progress["score"] == pytest.approx(0.9)
    assert course_verbs(lms, registration) == ["completed", "failed", "passed"]


def test_simple_remediation_in_the_player(lms, learner, context, tmp_path):
    course = lms.import_course(REMEDIATION.read_bytes())
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    assert current(page) == "Playing the Game"
    sco_frame(page)
    # Flow only: the (invisible) remediation wrapper's controlMode choice="false", so no Choice (NB.2.1-10)
    assert set(toc_state(page).values()) == {False}

    for following in CONTENT[1:] + ["Playing Quiz"]:
        read_to_the_end(page)
        sco_requests(page, "continue")
        delivered(page, following)
    for score, following in ((100, "Etiquette Quiz"), (40, "Handicapping Quiz"), (100, "Having Fun Quiz")):
        record_test(page, score)
        sco_requests(page, "continue")
        delivered(page, following)
    assert assert_progress_and_statements_agree(lms, registration)["success"] != "passed"
    record_test(page, 100)
    # Having Fun Quiz's post-condition exitParent ends the wrapper's attempt; the wrapper's retry rule (not
    # satisfied) starts a new one (SN TB.2.2, SB.2.10), where the satisfied objectives skip their content and
    # tests: the failed Etiquette Quiz sends the learner to Etiquette (remediation).
    sco_requests(page, "continue")
    delivered(page, "Etiquette")
    assert sco_frame(page).evaluate("() => ScormProcessGetValue('cmi.entry')") == "ab-initio"  # a new attempt
    shot(page, tmp_path, "remediation")
    assert assert_progress_and_statements_agree(lms, registration)["success"] != "passed"

    read_to_the_end(page)
    sco_requests(page, "continue")
    delivered(page, "Etiquette Quiz")  # the passed tests are skipped
    record_test(page, 80)
    sco_requests(page, "continue")  # the rest is satisfied and skipped: the flow leaves the tree, the session ends
    page.wait_for_selector("html[data-player-state=finished]", state="attached", timeout=PLAYER_TIMEOUT_MS)
    shot(page, tmp_path, "remediation-passed")

    progress = assert_progress_and_statements_agree(lms, registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert course_verbs(lms, registration)[-1] == "passed"
