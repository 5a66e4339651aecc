"""Objective and attempt progress reads and writes through objective maps (SN book 3.10.2 Objective Map,
4.2.1.4 shared global objectives; 4th ed adlseq:objectives extended map info).

Reads: an objective with a read map takes the shared global objective's value when that value is known, its
local value otherwise. Writes: a known local value is copied to every global objective the map writes."""
from __future__ import annotations

from .activity_tree import Activity
from .tracking import Tracking


def satisfied(tracking: Tracking, activity: Activity, key: str) -> bool | None:
    """Objective Satisfied Status, None when the Objective Progress Status is false."""
    definition = activity.objectives.get(key)
    if definition is None:
        return None
    for mapping in definition.map_info:
        if mapping["readSatisfiedStatus"]:
            value = tracking.global_objectives.get(mapping["targetObjectiveID"], {}).get("satisfied")
            if value is not None:
                return value
    local = tracking.activities.get(activity.identifier)
    state = local.objectives.get(key) if local else None
    return state.satisfied if state else None


def measure(tracking: Tracking, activity: Activity, key: str) -> float | None:
    """Objective Normalized Measure, None when the Objective Measure Status is false."""
    definition = activity.objectives.get(key)
    if definition is None:
        return None
    for mapping in definition.map_info:
        if mapping["readNormalizedMeasure"]:
            value = tracking.global_objectives.get(mapping["targetObjectiveID"], {}).get("measure")
            if value is not None:
                return value
    local = tracking.activities.get(activity.identifier)
    state = local.objectives.get(key) if local else None
    return state.measure if state else None


def completion(tracking: Tracking, activity: Activity) -> bool | None:
    """Attempt Completion Status, None when the Attempt Progress Status is false (4th ed readCompletionStatus)."""
    for mapping in activity.objectives[activity.primary_objective].adl_map_info:
        if mapping.get("readCompletionStatus"):
            value = tracking.global_objectives.get(mapping["targetObjectiveID"], {}).get("completion")
            if value is not None:
                return value
    local = tracking.activities.get(activity.identifier)
    return local.completion if local else None


def progress_measure(tracking: Tracking, activity: Activity) -> float | None:
    """Attempt Completion Amount, None when unknown (4th ed readProgressMeasure)."""
    for mapping in activity.objectives[activity.primary_objective].adl_map_info:
        if mapping.get("readProgressMeasure"):
            value = tracking.global_objectives.get(mapping["targetObjectiveID"], {}).get("progressMeasure")
            if value is not None:
                return value
    local = tracking.activities.get(activity.identifier)
    return local.progress_measure if local else None


def set_objective(tracking: Tracking, activity: Activity, key: str, *, satisfied_status=..., measure_value=...,
                  scores: dict | None = None) -> None:
    """Set a local objective's status and/or measure (Ellipsis leaves a value alone) and write through its maps."""
    definition = activity.objectives.get(key)
    state = tracking.state(activity.identifier).objective(key)
    if satisfied_status is not ...:
        state.satisfied = satisfied_status
    if measure_value is not ...:
        state.measure = measure_value
    if definition is None:
        return
    for mapping in definition.map_info:
        target = mapping["targetObjectiveID"]
        if mapping["writeSatisfiedStatus"] and satisfied_status is not ... and satisfied_status is not None:
            tracking.global_objective(target)["satisfied"] = satisfied_status
        if mapping["writeNormalizedMeasure"] and measure_value is not ... and measure_value is not None:
            tracking.global_objective(target)["measure"] = measure_value
    if scores and definition.primary:
        for mapping in definition.adl_map_info:
            for name, field in (("raw", "writeRawScore"), ("min", "writeMinScore"), ("max", "writeMaxScore")):
                if mapping.get(field) and scores.get(name) is not None:
                    tracking.global_objective(mapping["targetObjectiveID"])[name + "Score"] = scores[name]


def set_completion(tracking: Tracking, activity: Activity, *, completed=..., amount=...) -> None:
    """Set the Attempt Completion Status/Amount and write them through 4th ed writeCompletionStatus maps."""
    state = tracking.state(activity.identifier)
    if completed is not ...:
        state.completion = completed
    if amount is not ...:
        state.progress_measure = amount
    for mapping in activity.objectives[activity.primary_objective].adl_map_info:
        target = mapping["targetObjectiveID"]
        if mapping.get("writeCompletionStatus") and completed is not ... and completed is not None:
            tracking.global_objective(target)["completion"] = completed
        if mapping.get("writeProgressMeasure") and amount is not ... and amount is not None:
            tracking.global_objective(target)["progressMeasure"] = amount


def primary_satisfied(tracking: Tracking, activity: Activity) -> bool | None:
    return satisfied(tracking, activity, activity.primary_objective)


def primary_measure(tracking: Tracking, activity: Activity) -> float | None:
    return measure(tracking, activity, activity.primary_objective)


# The runtime's shape of a global objective (scorm_runtime/global_data.py) <-> the tracking model's.
_RTE_FIELDS = (("measure", "score_scaled"), ("progressMeasure", "progress_measure"), ("rawScore", "score_raw"),
               ("minScore", "score_min"), ("maxScore", "score_max"))


def rte_global_objectives(tracking: Tracking) -> dict[str, dict]:
    """The shared global objectives in global_data.py's shape (success_status, score_scaled, ...), so the RTE
    initialises cmi.objectives from what sequencing knows (RTE 4.2.17)."""
    exported = {}
    for target, values in tracking.global_objectives.items():
        satisfied, completed = values.get("satisfied"), values.get("completion")
        entry = {"success_status": "unknown" if satisfied is None else ("passed" if satisfied else "failed"),
                 "completion_status": "unknown" if completed is None else
                 ("completed" if completed else "incomplete")}
        for name, rte_name in _RTE_FIELDS:
            if values.get(name) is not None:
                entry[rte_name] = values[name]
        exported[target] = entry
    return exported


def load_rte_global_objectives(tracking: Tracking, data: dict[str, dict]) -> None:
    """Take known values from global_data.py's shape into the tracking model (e.g. globals shared with other
    registrations when objectivesGlobalToSystem is true)."""
    for target, values in (data or {}).items():
        entry = tracking.global_objective(target)
        success, completion = values.get("success_status"), values.get("completion_status")
        if success in ("passed", "failed"):
            entry["satisfied"] = success == "passed"
        if completion in ("completed", "incomplete"):
            entry["completion"] = completion == "completed"
        for name, rte_name in _RTE_FIELDS:
            if values.get(rte_name) not in (None, ""):
                entry[name] = float(values[rte_name])
