"""What a SCO reported, applied to the tracking model before its attempt ends (SCORM RTE 4.2 data model ->
SN 4.2.1 tracking model: cmi.completion_status/progress_measure -> attempt progress, cmi.success_status/
score.scaled -> the primary objective, cmi.objectives.n by id -> the activity's objectives, session time ->
durations)."""
from __future__ import annotations

from . import objectives
from .activity_tree import ActivityTree
from .rollup import overall_rollup
from .tracking import Tracking

_COMPLETION = {"completed": True, "incomplete": False, "not attempted": False, "unknown": None}
_SUCCESS = {"passed": True, "failed": False, "unknown": None}


def report_attempt(tree: ActivityTree, tracking: Tracking, activity_id: str, summary: dict) -> None:
    """Apply a SCO's reported data to its activity, then roll up (RB.1.5) so course progress is current.

    summary keys (all optional): completion_status, success_status, score_scaled, score_raw, score_min,
    score_max, progress_measure, session_seconds, exit (cmi.exit), objectives: [{id, success_status,
    completion_status, score_scaled, progress_measure}]."""
    activity = tree[activity_id]
    if "exit" in summary:
        # RTE 4.2.8 cmi.exit "suspend": the attempt is suspended, so a later delivery resumes it (DB.2)
        tracking.state(activity_id).suspended = summary["exit"] == "suspend"
    seconds = float(summary.get("session_seconds") or 0.0)
    if seconds > 0:
        for node in activity.path_to_root():  # the attempt on every ancestor lasted as long too
            state = tracking.state(node.identifier)
            state.attempt_duration += seconds
            state.activity_duration += seconds
    if not activity.tracked:
        return
    for reported in summary.get("objectives") or ():
        key = reported.get("id")
        if key in activity.objectives and key != activity.primary_objective:
            _apply_objective(tracking, activity, key, reported.get("success_status"), reported.get("score_scaled"))
    primary = activity.objectives[activity.primary_objective]
    if primary.key:  # a named primary objective may also be reported through cmi.objectives
        for reported in summary.get("objectives") or ():
            if reported.get("id") == primary.key:
                _apply_objective(tracking, activity, primary.key, reported.get("success_status"),
                                 reported.get("score_scaled"))
    if "success_status" in summary or "score_scaled" in summary:
        _apply_objective(tracking, activity, activity.primary_objective, summary.get("success_status"),
                         summary.get("score_scaled"),
                         scores={name: summary.get(f"score_{name}") for name in ("raw", "min", "max")})
    amount = summary.get("progress_measure")
    completed = ...
    if "completion_status" in summary:
        completed = _COMPLETION.get(summary["completion_status"])
    threshold = activity.completion_threshold
    if threshold and threshold.get("completedByMeasure") and amount is not None:
        completed = amount >= threshold.get("minProgressMeasure", 1.0)  # RTE 4.2.4.1 completion by measure
    objectives.set_completion(tracking, activity, completed=completed,
                              amount=amount if "progress_measure" in summary else ...)
    if activity.parent is not None:
        overall_rollup(tracking, activity.parent)


def _apply_objective(tracking: Tracking, activity, key: str, success, scaled, scores=None) -> None:
    definition = activity.objectives[key]
    measure = float(scaled) if scaled is not None else None
    satisfied = _SUCCESS.get(success) if success is not None else None
    if definition.satisfied_by_measure:  # SN 3.10.1: the measure decides satisfaction
        satisfied = None if measure is None else measure >= definition.min_normalized_measure
    objectives.set_objective(tracking, activity, key, satisfied_status=satisfied, measure_value=measure,
                             scores=scores)
