"""UP.2 sequencing rule checks (precondition skip, disabled, hiddenFromChoice, stopForwardTraversal), UP.1 limit
conditions, SB.2.9 choice constraints and TB.2.3 exit/post-condition rules on small trees."""
from __future__ import annotations

from .trees import flow_course, item, objective, rule, seq, session


def pre(*rules_):
    return seq(sequencingRules={"preConditionRules": list(rules_)})


def post(*rules_, **more):
    return seq(sequencingRules={"postConditionRules": list(rules_)}, **more)


def test_skip_precondition_is_passed_over_by_flow():
    # SN UP.2 / SB.2.2 step 2: a skipped activity is traversed past
    root = item("root", item("a"), item("b", sequencing=pre(rule("skip", "always"))), item("c"),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    assert s.navigate("continue").delivered == "c"
    assert s.navigate("previous").delivered == "a"


def test_skip_on_a_satisfied_activity_uses_its_objective_status():
    # SN 3.4.2 condition "satisfied" on the rolled-up objective
    root = item("root", item("a"), item("b", sequencing=pre(rule("skip", "satisfied"))), item("c"),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    assert s.navigate("continue").delivered == "b"  # status unknown: no skip
    s.report_attempt("b", {"success_status": "passed"})
    s.navigate("previous")
    assert s.navigate("continue").delivered == "c"  # now satisfied: skipped


def test_disabled_activity_stops_flow_and_is_refused_by_choice():
    # SN UP.5 Check Activity (disabled): SB.2.2-2 in flow, DB.1.1-3 for choice
    root = item("root", item("a"), item("b", sequencing=pre(rule("disabled", "always"))), item("c"),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    assert s.navigate("choice", "b").exception == "DB.1.1-3"
    assert s.tracking.current == "a" and s.tracking.state("a").active  # refused before terminating a
    assert s.navigate("continue").exception == "SB.2.2-2"


def test_not_satisfied_of_an_unknown_status_does_not_fire():
    # SN 3.4.2: "not" of an unknown value stays unknown, so the rule does not fire
    root = item("root", item("a", sequencing=pre(rule("disabled", "not satisfied"))),
                sequencing=seq(controlMode={"flow": True}))
    assert session(root).navigate("start").delivered == "a"


def test_hidden_from_choice_is_refused_and_not_visible():
    # SN SB.2.9 step 4: hiddenFromChoice on the path to the target
    root = item("root", item("a"), item("b", sequencing=pre(rule("hiddenFromChoice", "always"))))
    s = session(root)
    assert s.navigate("choice", "b").exception == "SB.2.9-3"
    entry = {e["id"]: e for e in s.toc()}["b"]
    assert not entry["visible"] and not entry["enabled"]


def test_stop_forward_traversal_blocks_choosing_past_it():
    # SN SB.2.4 step 1.1: stopForwardTraversal on an activity between the current and the target
    root = item("root", item("a", sequencing=pre(rule("stopForwardTraversal", "always"))), item("b"), item("c"))
    s = session(root)
    s.navigate("choice", "a")
    assert s.navigate("choice", "c").exception == "SB.2.4-1"
    s2 = session(root)
    assert s2.navigate("choice", "c").delivered == "c"  # no current activity: nothing between


def test_forward_only_refuses_choosing_backward_among_siblings():
    # SN SB.2.4 step 2.1.1: backward choice with forwardOnly on the parent
    s = session(flow_course("a", "b", controlMode={"forwardOnly": True}))
    s.navigate("start")
    s.navigate("continue")
    assert s.navigate("choice", "a").exception == "SB.2.4-2"


def test_constrain_choice_allows_only_the_next_activity():
    # 4th ed SB.2.9 step 11.5: constrainChoice on the activity being left
    constrained = seq(constrainedChoiceConsiderations={"constrainChoice": True})
    root = item("root", item("m1", item("a"), sequencing=constrained), item("m2", item("b")),
                item("m3", item("c")))
    s = session(root)
    s.navigate("choice", "a")
    assert s.navigate("choice", "c").exception == "SB.2.9-8"
    assert s.navigate("choice", "b").delivered == "b"


def test_prevent_activation_needs_the_cluster_already_active():
    # 4th ed SB.2.9 step 11.3.2: preventActivation refuses starting a cluster's attempt through choice
    root = item("root", item("a"), item("m", item("b"), item("c"),
                sequencing=seq(constrainedChoiceConsiderations={"preventActivation": True})))
    s = session(root)
    s.navigate("choice", "a")
    assert s.navigate("choice", "b").exception == "SB.2.9-6"


def test_attempt_limit_disables_after_the_limit():
    # SN UP.1: attemptLimit reached once the activity is not active
    root = item("root", item("a", sequencing=seq(limitConditions={"attemptLimit": 1})), item("b"))
    s = session(root)
    assert s.navigate("choice", "a").delivered == "a"
    s.navigate("choice", "b")
    assert s.navigate("choice", "a").exception == "DB.1.1-3"


def test_attempt_absolute_duration_limit():
    # SN UP.1 step 4: attemptAbsoluteDurationLimit reached
    root = item("root", item("a", sequencing=seq(limitConditions={"attemptAbsoluteDurationLimit": "PT1M"})),
                item("b"))
    s = session(root)
    s.navigate("choice", "a")
    s.report_attempt("a", {"session_seconds": 61})
    s.navigate("choice", "b")
    assert s.navigate("choice", "a").exception == "DB.1.1-3"


def test_post_condition_retry_redelivers_a_new_attempt():
    # SN TB.2.2 retry -> SB.2.10 Retry: a new attempt on the same activity
    root = item("root", item("a", sequencing=post(rule("retry", "not satisfied"),
                                                  deliveryControls={"objectiveSetByContent": True})),
                item("b"), sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    s.report_attempt("a", {"success_status": "failed"})
    assert s.navigate("continue").delivered == "a"
    assert s.tracking.state("a").attempt_count == 2
    s.report_attempt("a", {"success_status": "passed"})
    assert s.navigate("continue").delivered == "b"


def test_post_condition_exit_parent_then_parent_continue():
    # SN TB.2.3 step 3.3: exitParent ends the parent's attempt, the parent's post rules run next
    root = item("root",
                item("m", item("a", sequencing=post(rule("exitParent", "always"))), item("skipped"),
                     sequencing=post(rule("continue", "always"), controlMode={"flow": True})),
                item("c"), sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    assert s.navigate("start").delivered == "a"
    assert s.navigate("exit").delivered == "c"
    assert not s.tracking.state("m").active


def test_post_condition_exit_all_ends_the_session():
    # SN TB.2.2 exitAll
    root = item("root", item("a", sequencing=post(rule("exitAll", "always"))), item("b"),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    assert s.navigate("continue").end_of_session


def test_post_condition_retry_all_starts_over():
    # SN TB.2.2 retryAll = Exit All then Retry on the root
    root = item("root", item("a"), item("b", sequencing=post(rule("retryAll", "always"))),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    s.navigate("continue")
    assert s.navigate("continue").delivered == "a"
    assert s.tracking.state("root").attempt_count == 2


def test_post_condition_previous():
    root = item("root", item("a"), item("b", sequencing=post(rule("previous", "always"))),
                sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    s.navigate("continue")
    assert s.navigate("exit").delivered == "a"


def test_exit_condition_rule_on_the_parent_ends_its_attempt():
    # SN TB.2.1 Sequencing Exit Action Rules Subprocess
    root = item("root", item("m", item("a"), item("b"),
                             sequencing=seq(controlMode={"flow": True},
                                            sequencingRules={"exitConditionRules": [rule("exit", "completed")]})),
                item("c"), sequencing=seq(controlMode={"flow": True}))
    s = session(root)
    s.navigate("start")
    s.report_attempt("a", {"completion_status": "completed"})
    assert s.navigate("continue").delivered == "b"
    s.report_attempt("b", {"completion_status": "completed"})
    assert s.navigate("continue").delivered == "c"
    assert not s.tracking.state("m").active


def test_global_objective_read_map_shares_status_between_activities():
    # SN 3.10.2 objective maps: a writes gObj, b's precondition reads it
    a_seq = seq(objectives=[objective("pa", primary=True, maps=[("gObj", "w")])])
    b_seq = seq(objectives=[objective("pb", primary=True), objective("prereq", maps=[("gObj", "r")])],
                sequencingRules={"preConditionRules": [rule("disabled", ("not satisfied", "prereq"),
                                                            ("not objectiveStatusKnown", "prereq"),
                                                            combination="any")]})
    root = item("root", item("a", sequencing=a_seq), item("b", sequencing=b_seq))
    s = session(root)
    assert s.navigate("choice", "b").exception == "DB.1.1-3"
    s.navigate("choice", "a")
    s.report_attempt("a", {"success_status": "passed"})
    assert s.tracking.global_objectives["gObj"]["satisfied"] is True
    assert s.navigate("choice", "b").delivered == "b"


def test_prevent_activation_allows_choosing_the_cluster_itself():
    # 4th ed SB.2.9: preventActivation is checked on the path above the target, not on the target
    root = item("root", item("a"), item("m", item("b"), item("c"),
                sequencing=seq(controlMode={"flow": True},
                               constrainedChoiceConsiderations={"preventActivation": True})))
    s = session(root)
    s.navigate("choice", "a")
    assert s.navigate("choice", "m").delivered == "b"  # flows into m (SB.2.9 step 12)
    assert s.navigate("choice", "c").delivered == "c"  # m is active now


def test_choice_of_a_cluster_with_nothing_to_deliver():
    # SN SB.2.9 step 12.2: the flow into the chosen cluster finds nothing: SB.2.9-9, the target becomes current
    root = item("root", item("a"), item("m", item("b", sequencing=pre(rule("disabled", "always"))),
                                        sequencing=seq(controlMode={"flow": True})))
    s = session(root)
    s.navigate("choice", "a")
    s.navigate("exit")
    outcome = s.navigate("choice", "m")
    assert outcome.exception == "SB.2.9-9" and s.tracking.current == "m"


def test_undefined_sequencing_request():
    from scorm_runtime.sequencing.exceptions import SequencingError
    from scorm_runtime.sequencing.sequencing import sequencing_request
    s = session(flow_course("a"))
    try:
        sequencing_request(s.tree, s.tracking, "sideways")
    except SequencingError as refused:
        assert refused.code == "SB.2.12-1"
    else:
        raise AssertionError("expected SB.2.12-1")
