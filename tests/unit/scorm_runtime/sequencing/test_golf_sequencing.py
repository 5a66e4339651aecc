"""The golf sequencing example courses (SCORM 2004 3rd Edition, ../shared/fixtures/scorm/golf_Sequencing*):
their manifests' rules decide navigation and rollup (issue 13, Golf sequencing courses)."""
from __future__ import annotations

from scorm_runtime.sequencing import SequencingSession, Tracking

from .trees import FIXTURES, manifest_tree


def golf(name: str) -> SequencingSession:
    tree, _ = manifest_tree(FIXTURES / f"golf_Sequencing{name}_SCORM20043rdEdition.zip")
    return SequencingSession(tree, Tracking(seed=1))


def test_forced_sequential_refuses_an_out_of_order_choice():
    # SN UP.5 / DB.1.1: the "disabled" precondition reads the previous SCO's global objective
    s = golf("ForcedSequential")
    assert s.launch().delivered == "playing_item"
    outcome = s.navigate("choice", "handicapping_item")
    assert outcome.exception == "DB.1.1-3" and s.tracking.current == "playing_item"
    enabled = {entry["id"]: entry["enabled"] for entry in s.toc()}
    assert enabled["playing_item"] and not enabled["etuqiette_item"] and not enabled["assessment_item"]
    s.report_attempt("playing_item", {"completion_status": "completed", "success_status": "passed"})
    assert s.navigate("choice", "etuqiette_item").delivered == "etuqiette_item"
    assert s.valid_requests()["choice"]["handicapping_item"] is False


def test_forced_sequential_in_order_reaches_the_quiz_and_completes():
    s = golf("ForcedSequential")
    s.launch()
    for _ in range(4):
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "success_status": "passed"})
        s.navigate("continue")
    assert s.tracking.current == "assessment_item"
    s.report_attempt("assessment_item", {"completion_status": "completed", "success_status": "passed"})
    assert s.navigate("continue").end_of_session
    assert s.course_rollup()["completion"] == "completed" and s.course_rollup()["success"] == "passed"


def test_post_test_rollup_passing_the_post_test_completes_the_course():
    # SN RB.1.4.2: content SCOs have rollupObjectiveSatisfied/rollupProgressCompletion false; only the quiz counts
    s = golf("PostTestRollup")
    s.launch()
    for _ in range(4):
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "success_status": "passed"})
        s.navigate("continue")
    assert s.course_rollup()["completion"] == "unknown"  # content alone does not complete the course
    assert s.tracking.current == "assessment_item"
    s.report_attempt("assessment_item", {"completion_status": "completed", "success_status": "passed",
                                         "score_scaled": 0.9})
    rollup = s.course_rollup()
    assert rollup["completion"] == "completed" and rollup["success"] == "passed" and rollup["scaled"] == 0.9


def test_post_test_rollup_failing_the_post_test_fails_the_course():
    s = golf("PostTestRollup")
    s.launch()
    for _ in range(4):
        s.report_attempt(s.tracking.current, {"completion_status": "completed", "success_status": "passed"})
        s.navigate("continue")
    s.report_attempt("assessment_item", {"completion_status": "completed", "success_status": "failed"})
    assert s.course_rollup()["success"] == "failed"


def test_simple_remediation_failing_a_test_sends_the_learner_back_to_its_content():
    # SN TB.2.3: test_4's exitParent, then the wrapper's "not satisfied -> retry" post condition (SB.2.10);
    # content whose global objective is satisfied is skipped (UP.2 skip), so only the failed topic is retaken
    s = golf("SimpleRemediation")
    assert s.launch().delivered == "playing_item"
    walk = []
    for _ in range(8):
        current = s.tracking.current
        summary = {"completion_status": "completed"}
        if current.startswith("test_"):
            summary["success_status"] = "failed" if current == "test_2" else "passed"
        s.report_attempt(current, summary)
        walk.append(s.navigate("continue").delivered)
    assert walk[:8] == ["etuqiette_item", "handicapping_item", "havingfun_item", "test_1", "test_2", "test_3",
                        "test_4", "etuqiette_item"]  # remediation: back to Etiquette only
    assert s.tracking.state("content_wrapper").attempt_count == 2
    s.report_attempt("etuqiette_item", {"completion_status": "completed"})
    assert s.navigate("continue").delivered == "test_2"
    s.report_attempt("test_2", {"completion_status": "completed", "success_status": "passed"})
    assert s.navigate("continue").end_of_session
    assert s.course_rollup()["success"] == "passed" and s.course_rollup()["completion"] == "completed"


def test_simple_remediation_choice_is_refused():
    s = golf("SimpleRemediation")
    s.launch()
    assert s.navigate("choice", "test_1").exception == "NB.2.1-10"


def test_request_valid_and_toc_follow_the_rules():
    # RTE 4.4 adl.nav.request_valid: continue is valid only when flow would deliver something
    s = golf("ForcedSequential")
    assert s.valid_requests()["continue"] is False  # before launch: no session (NB.2.1-2)
    s.launch()
    valid = s.valid_requests()
    assert valid["continue"] is False and valid["previous"] is False  # etiquette is disabled until playing passes
    s.report_attempt("playing_item", {"completion_status": "completed", "success_status": "passed"})
    valid = s.valid_requests()
    assert valid["continue"] is True and valid["choice"]["etuqiette_item"] is True
    entry = {e["id"]: e for e in s.toc()}["playing_item"]
    assert entry["current"] and entry["active"] and entry["completion"] == "completed"
    assert entry["success"] == "passed" and entry["launchable"] == 0 and entry["visible"]
    assert set(s.course_rollup()) == {"completion", "success", "scaled", "progressMeasure", "attempts", "seconds",
                                      "sessionEnded", "suspended"}


def test_simple_remediation_with_scos_that_exit_suspend_does_not_retry_the_suspended_wrapper():
    # RTE 4.2.8: cmi.exit "suspend" does not end the SCO's attempt (Activity is Suspended), whatever request
    # follows; SN UP.4 step 2.1: the wrapper whose child is suspended is suspended when its attempt ends;
    # SN TB.2.2 step 1: no post-condition rules for a suspended activity, so the wrapper's retry does not fire
    # and the continue flows off the tree (SB.2.1-1). Only Suspend All (TB.2.3) sets the Suspended Activity.
    s = golf("SimpleRemediation")
    s.launch()
    walk = []
    for _ in range(8):
        current = s.tracking.current
        summary = {"completion_status": "completed", "exit": "suspend"}
        if current.startswith("test_"):
            summary["success_status"] = "failed" if current == "test_2" else "passed"
        s.report_attempt(current, summary)
        outcome = s.navigate("continue")
        walk.append(outcome.delivered)
    assert walk[:7] == ["etuqiette_item", "handicapping_item", "havingfun_item", "test_1", "test_2", "test_3",
                        "test_4"]
    assert walk[7] is None and outcome.end_of_session  # no remediation round
    assert s.tracking.state("content_wrapper").suspended and s.tracking.state("content_wrapper").attempt_count == 1
    assert s.tracking.suspended_activity is None  # not resumable: no Suspend All was made
    assert s.course_rollup()["success"] != "passed"
    # a SCO attempt that exited with suspend resumes when it is delivered again (SN DB.2: no new attempt)
    assert s.tracking.state("test_2").suspended and s.tracking.state("test_2").attempt_count == 1
