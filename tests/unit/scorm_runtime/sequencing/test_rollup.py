"""RB.1.x rollup on small trees: measure rollup with weights, objective rollup by rules/measure/defaults,
activity progress rollup, child activity sets and the adlseq required-for considerations; and SR.1/SR.2
randomization kept stable within an attempt; and the tracking model's JSON round trip."""
from __future__ import annotations

import json

from scorm_runtime.sequencing import Tracking

from .trees import item, objective, rollup_rule, seq, session


def rolled(rules_=(), **more):
    return seq(rollupRules={"rules": list(rules_)}, **more)


def test_default_rollup_needs_every_child_satisfied_and_completed():
    # SN 4.6.6 default rules: all satisfied -> satisfied; all known -> not satisfied; same for completion
    s = session(item("root", item("a"), item("b")))
    s.navigate("choice", "a")
    s.report_attempt("a", {"success_status": "passed", "completion_status": "completed"})
    assert s.course_rollup()["success"] == "unknown" and s.course_rollup()["completion"] == "unknown"
    s.navigate("choice", "b")  # activityProgressKnown needs an attempt (RB.1.4.1)
    s.report_attempt("b", {"success_status": "failed", "completion_status": "incomplete"})
    assert s.course_rollup()["success"] == "failed" and s.course_rollup()["completion"] == "incomplete"
    s.report_attempt("b", {"success_status": "passed", "completion_status": "completed"})
    assert s.course_rollup()["success"] == "passed" and s.course_rollup()["completion"] == "completed"


def test_measure_rollup_is_the_weighted_mean():
    # SN RB.1.1a: objectiveMeasureWeight of each tracked child
    root = item("root", item("a", sequencing=seq(rollupRules={"objectiveMeasureWeight": 0.25})),
                item("b", sequencing=seq(rollupRules={"objectiveMeasureWeight": 0.75})))
    s = session(root)
    s.report_attempt("a", {"score_scaled": 1.0})
    s.report_attempt("b", {"score_scaled": 0.5})
    assert abs(s.course_rollup()["scaled"] - 0.625) < 1e-9


def test_objective_rollup_using_measure():
    # SN RB.1.2a: satisfiedByMeasure on the root's primary objective
    root = item("root", item("a"), sequencing=seq(objectives=[objective("p", primary=True, by_measure=True,
                                                                         threshold=0.6)]))
    s = session(root)
    s.report_attempt("a", {"score_scaled": 0.5})
    assert s.course_rollup()["success"] == "failed"
    s.report_attempt("a", {"score_scaled": 0.7})
    assert s.course_rollup()["success"] == "passed"


def test_leaf_satisfied_by_measure_decides_from_the_scaled_score():
    # SN 3.10.1 satisfiedByMeasure on a SCO's primary objective (RTE 4.2.21 scaled passing score)
    root = item("root", item("a", sequencing=seq(objectives=[objective("p", primary=True, by_measure=True,
                                                                        threshold=0.8)])))
    s = session(root)
    s.report_attempt("a", {"success_status": "passed", "score_scaled": 0.5})
    assert {e["id"]: e for e in s.toc()}["a"]["success"] == "failed"


def test_rollup_rules_at_least_count_and_percent():
    # SN RB.1.4 child activity sets atLeastCount / atLeastPercent
    root = item("root", item("a"), item("b"), item("c"),
                sequencing=rolled([rollup_rule("satisfied", "atLeastCount", "satisfied", minimum_count=2),
                                   rollup_rule("completed", "atLeastPercent", "completed", minimum_percent=0.5)]))
    s = session(root)
    s.report_attempt("a", {"success_status": "passed", "completion_status": "completed"})
    assert s.course_rollup()["success"] == "unknown" and s.course_rollup()["completion"] == "unknown"
    s.report_attempt("b", {"success_status": "passed", "completion_status": "completed"})
    assert s.course_rollup()["success"] == "passed" and s.course_rollup()["completion"] == "completed"


def test_rollup_rules_any_and_none():
    root = item("root", item("a"), item("b"),
                sequencing=rolled([rollup_rule("notSatisfied", "any", "not satisfied"),
                                   rollup_rule("incomplete", "none", "completed")]))
    s = session(root)
    s.report_attempt("a", {"success_status": "failed", "completion_status": "incomplete"})
    s.report_attempt("b", {"success_status": "passed", "completion_status": "incomplete"})
    assert s.course_rollup()["success"] == "failed" and s.course_rollup()["completion"] == "incomplete"


def test_children_excluded_from_rollup_do_not_count():
    # SN RB.1.4.2: rollupObjectiveSatisfied / rollupProgressCompletion false
    excluded = seq(rollupRules={"rollupObjectiveSatisfied": False, "rollupProgressCompletion": False,
                                "objectiveMeasureWeight": 0.0})
    s = session(item("root", item("content", sequencing=excluded), item("test")))
    s.report_attempt("test", {"success_status": "passed", "completion_status": "completed"})
    assert s.course_rollup()["success"] == "passed" and s.course_rollup()["completion"] == "completed"


def test_required_for_if_attempted():
    # 4th ed adlseq:rollupConsiderations requiredForSatisfied="ifAttempted"
    optional = seq(rollupConsiderations={"requiredForSatisfied": "ifAttempted",
                                         "requiredForNotSatisfied": "ifAttempted"})
    s = session(item("root", item("a"), item("b", sequencing=optional)))
    s.navigate("choice", "a")
    s.report_attempt("a", {"success_status": "passed"})
    assert s.course_rollup()["success"] == "passed"


def test_completion_by_measure_threshold():
    # 4th ed RB.1.3a / RTE 4.2.4.1: completedByMeasure with minProgressMeasure
    threshold = {"completedByMeasure": True, "minProgressMeasure": 0.5, "progressWeight": 1.0}
    s = session(item("root", item("a", threshold=threshold)))
    s.report_attempt("a", {"progress_measure": 0.6, "completion_status": "incomplete"})
    assert s.course_rollup()["completion"] == "completed"
    assert abs(s.course_rollup()["progressMeasure"] - 0.6) < 1e-9


def test_selection_and_reordering_are_stable_within_an_attempt_and_redrawn_on_each_new_attempt():
    # SN SR.1 / SR.2 with randomizationTiming/selectionTiming onEachNewAttempt
    controls = {"randomizationTiming": "onEachNewAttempt", "selectCount": 3, "reorderChildren": True,
                "selectionTiming": "onEachNewAttempt"}
    root = item("root", *(item(f"q{index}") for index in range(8)),
                sequencing=seq(controlMode={"flow": True}, randomizationControls=controls))
    orders = set()
    for seed in range(6):
        s = session(root, seed=seed)
        delivered = [s.navigate("start").delivered]
        delivered += [s.navigate("continue").delivered for _ in range(2)]
        assert s.navigate("continue").end_of_session  # only 3 selected
        assert len(set(delivered)) == 3
        again = Tracking.from_json(json.loads(json.dumps(s.tracking.to_json())))
        assert again.to_json() == s.tracking.to_json()
        orders.add(tuple(delivered))
    assert len(orders) > 1


def test_randomization_once_keeps_the_order_across_attempts():
    controls = {"randomizationTiming": "once", "reorderChildren": True}
    root = item("root", *(item(f"q{index}") for index in range(6)),
                sequencing=seq(controlMode={"flow": True}, randomizationControls=controls))
    s = session(root, seed=3)
    first = [s.navigate("start").delivered] + [s.navigate("continue").delivered for _ in range(5)]
    s.navigate("exitAll")
    second = [s.navigate("start").delivered] + [s.navigate("continue").delivered for _ in range(5)]
    assert first == second and sorted(first) == [f"q{index}" for index in range(6)]


def test_tracking_round_trips_through_json_mid_session():
    s = session(item("root", item("a"), item("b"), sequencing=seq(controlMode={"flow": True})))
    s.navigate("start")
    s.report_attempt("a", {"success_status": "passed", "score_scaled": 0.0, "progress_measure": 0.0})
    data = json.loads(json.dumps(s.tracking.to_json()))
    restored = Tracking.from_json(data)
    assert restored.to_json() == s.tracking.to_json()
    assert restored.state("a").objectives[""].measure == 0.0 and restored.state("a").progress_measure == 0.0


def test_global_objectives_convert_to_and_from_the_runtime_shape():
    # RTE 4.2.17 / SN 3.10.2: the same shared objective seen by the RTE (cmi.objectives) and by sequencing
    from scorm_runtime.sequencing.objectives import load_rte_global_objectives, rte_global_objectives
    tracking = Tracking(seed=1)
    load_rte_global_objectives(tracking, {"g1": {"success_status": "passed", "score_scaled": "0.5",
                                                 "completion_status": "unknown"}})
    assert tracking.global_objectives["g1"] == {"satisfied": True, "measure": 0.5}
    assert rte_global_objectives(tracking) == {"g1": {"success_status": "passed", "completion_status": "unknown",
                                                      "score_scaled": 0.5}}
