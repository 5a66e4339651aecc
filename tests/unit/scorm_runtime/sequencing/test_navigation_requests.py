"""NB.2.1 Navigation Request Process and OP.1 on small trees: which requests are valid when, and the SN
exception that explains a refusal."""
from __future__ import annotations

from .trees import flow_course, item, rule, seq, session


def test_start_delivers_first_leaf_then_start_again_is_refused():
    # SN NB.2.1 step 1 / SB.2.5: Start flows from the root to the first deliverable leaf
    s = session(flow_course("a", "b"))
    assert s.navigate("start").delivered == "a"
    assert s.navigate("start").exception == "NB.2.1-1"  # the session has begun


def test_requests_before_the_session_begins_are_refused():
    # SN NB.2.1 steps 3, 4, 8-12: no current activity
    s = session(flow_course("a", "b"))
    for request in ("continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll"):
        assert s.navigate(request).exception == "NB.2.1-2", request
    assert s.navigate("resumeAll").exception == "NB.2.1-3"  # nothing suspended
    assert s.navigate("forward").exception == "NB.2.1-7"
    assert s.navigate("sideways").exception == "NB.2.1-13"


def test_continue_and_previous_follow_flow():
    # SN SB.2.7 / SB.2.8 through SB.2.3 Flow Subprocess
    s = session(flow_course("a", "b", "c"))
    s.navigate("start")
    assert s.navigate("continue").delivered == "b"
    assert s.navigate("continue").delivered == "c"
    assert s.navigate("previous").delivered == "b"


def test_continue_past_the_last_leaf_ends_the_session():
    # SN SB.2.1 step 3.1: the end of the tree ends the sequencing session; the attempt count of the root stays
    s = session(flow_course("a"))
    s.navigate("start")
    outcome = s.navigate("continue")
    assert outcome.end_of_session and outcome.delivered is None and outcome.valid
    assert s.tracking.current is None


def test_continue_refused_when_flow_is_disabled():
    # SN NB.2.1 step 3.2.2: flow false on the parent (the default control mode)
    s = session(item("root", item("a"), item("b")))
    assert s.navigate("start").exception == "SB.2.2-1"  # SB.2.2 step 1: the root's flow is false
    s.navigate("choice", "a")
    assert s.navigate("continue").exception == "NB.2.1-4"


def test_previous_refused_by_forward_only():
    # SN NB.2.1 step 4.2.1: forwardOnly on the parent
    s = session(flow_course("a", "b", controlMode={"forwardOnly": True}))
    s.navigate("start")
    s.navigate("continue")
    assert s.navigate("previous").exception == "NB.2.1-5"


def test_previous_from_first_leaf_reaches_the_beginning():
    # SN SB.2.1 step 4.1: backward from the root's first child meets the beginning of the tree
    s = session(flow_course("a", "b"))
    s.navigate("start")
    outcome = s.navigate("previous")
    assert outcome.exception == "SB.2.1-3" and not outcome.end_of_session


def test_choice_requires_choice_on_the_parent():
    # SN NB.2.1 step 7.1.1: choice false on the target's parent
    s = session(flow_course("a", "b", controlMode={"choice": False}))
    assert s.navigate("choice", "b").exception == "NB.2.1-10"
    assert s.navigate("choice", "zzz").exception == "NB.2.1-11"  # the target does not exist


def test_choice_exit_false_keeps_the_learner_inside_an_active_cluster():
    # SN NB.2.1 step 7.1.1.3: choiceExit false on an active activity the choice would leave
    root = item("root", item("m", item("a"), item("b"), sequencing=seq(controlMode={"choiceExit": False})),
                item("c"))
    s = session(root)
    assert s.navigate("choice", "a").delivered == "a"
    assert s.navigate("choice", "b").delivered == "b"  # staying inside m is fine
    assert s.navigate("choice", "c").exception == "NB.2.1-8"


def test_exit_then_exit_again_is_refused():
    # SN NB.2.1 step 8: Exit needs an active current activity
    s = session(flow_course("a", "b"))
    s.navigate("start")
    assert s.navigate("exit").valid
    assert s.navigate("exit").exception == "NB.2.1-12"


def test_suspend_all_then_resume_all_returns_to_the_same_activity():
    # SN TB.2.3 Suspend All and SB.2.6 Resume All
    s = session(flow_course("a", "b", "c"))
    s.navigate("start")
    s.navigate("continue")
    outcome = s.navigate("suspendAll")
    assert outcome.end_of_session and s.tracking.suspended_activity == "b"
    attempts = s.tracking.state("b").attempt_count
    assert s.navigate("resumeAll").delivered == "b"
    assert s.tracking.state("b").attempt_count == attempts  # resuming continues the attempt (DB.2)
    assert s.tracking.suspended_activity is None


def test_exit_all_ends_the_root_attempt_and_start_begins_a_new_one():
    # SN TB.2.3 Exit All, then DB.2: a new attempt on the root
    s = session(flow_course("a"))
    s.navigate("start")
    assert s.navigate("exitAll").end_of_session
    assert not s.tracking.state("root").active
    assert s.navigate("start").delivered == "a"
    assert s.tracking.state("root").attempt_count == 2


def test_abandon_leaves_no_completion():
    # SN TB.2.3 Abandon: the attempt is not ended by UP.4, so no completion is set
    s = session(flow_course("a", "b"))
    s.navigate("start")
    assert s.navigate("abandon").valid
    assert s.tracking.state("a").completion is None and not s.tracking.state("a").active


def test_abandon_all_ends_the_session():
    s = session(flow_course("a", "b"))
    s.navigate("start")
    assert s.navigate("abandonAll").end_of_session


def test_jump_bypasses_flow_rules_but_not_disabled():
    # 4th ed NB.2.1 Jump / SB.2.13: jump needs a session and an existing target; DB.1.1 still applies
    root = item("root", item("a"), item("b", sequencing=seq(sequencingRules={"preConditionRules": [
        rule("disabled", "always")]})), item("c"), sequencing=seq(controlMode={"choice": False, "flow": True}))
    s = session(root)
    assert s.navigate("jump", "c").exception == "SB.2.13-1"
    s.navigate("start")
    assert s.navigate("jump", "c").delivered == "c"
    assert s.navigate("jump", "b").exception == "DB.1.1-3"
    assert s.navigate("jump", "nope").exception == "NB.2.1-11"


def test_launch_resumes_a_suspended_session_else_starts():
    s = session(flow_course("a", "b"))
    assert s.launch().delivered == "a"
    s.navigate("continue")
    s.navigate("suspendAll")
    assert s.launch().delivered == "b"
    assert s.launch(target="a").delivered == "a"


def test_a_sco_that_exits_with_suspend_is_resumed_not_restarted():
    # RTE 4.2.8 cmi.exit "suspend" -> Activity is Suspended; UP.4 leaves its status alone; DB.2 resumes it
    s = session(item("root", item("a"), item("b")))
    s.navigate("choice", "a")
    s.report_attempt("a", {"exit": "suspend", "completion_status": "incomplete"})
    s.navigate("choice", "b")
    assert s.tracking.state("a").suspended and s.tracking.state("a").completion is False
    assert s.navigate("choice", "a").delivered == "a"
    assert s.tracking.state("a").attempt_count == 1 and not s.tracking.state("a").suspended
    s.report_attempt("a", {"exit": "", "completion_status": "completed"})
    s.navigate("choice", "b")
    assert s.navigate("choice", "a").delivered == "a"
    assert s.tracking.state("a").attempt_count == 2


def test_launch_after_an_unterminated_launch_exits_the_activity_first():
    # SN TB.2.3 Exit then a new session: the activity left active is exited (UP.4) before Start
    s = session(flow_course("a", "b"))
    s.launch()
    assert s.launch().delivered == "a"  # no flow request: a new session starts over from the root
    assert s.tracking.state("a").attempt_count == 2  # not suspended (cmi.exit): a new attempt (DB.2)
    assert s.tracking.state("root").attempt_count == 1  # the course attempt goes on
    assert sum(s.tracking.state(leaf).active for leaf in ("a", "b")) == 1


def test_launch_after_suspend_all_between_deliveries_resumes_the_cluster():
    root = item("root", item("m", item("a"), item("b"), sequencing=seq(controlMode={"flow": True})), item("c"))
    s = session(root)
    s.navigate("choice", "a")
    s.navigate("exit")
    assert s.navigate("suspendAll").end_of_session and s.tracking.suspended_activity == "m"
    assert s.launch().delivered == "a"


def test_adl_nav_request_values_parse_to_navigation_requests():
    # SCORM RTE 4.4.1 adl.nav.request
    from scorm_runtime.sequencing import parse_adl_nav_request
    assert parse_adl_nav_request("continue") == ("continue", None)
    assert parse_adl_nav_request("suspendAll") == ("suspendAll", None)
    assert parse_adl_nav_request("{target=item_2}choice") == ("choice", "item_2")
    assert parse_adl_nav_request("{target=item_2}jump") == ("jump", "item_2")
    assert parse_adl_nav_request("_none_") == (None, None)
    assert parse_adl_nav_request("{target=}choice") == (None, None)
    assert parse_adl_nav_request("sideways") == (None, None)
