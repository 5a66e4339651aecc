"""The seam between the session use cases and the run-time data models (scorm_runtime.rte): the
launch inputs a session starts from (the item's manifest data, the learner, entry, credit and mode),
and the JSON form the attempt's CMI data is stored in (the item record).

Everything the RTE derives (entry, total_time, completion from progress_measure, success from the
scaled passing score, masteryscore) is rte's; this module only feeds it and converts."""
from __future__ import annotations

from dataclasses import dataclass, replace

from scorm_runtime import global_data, rte


@dataclass(frozen=True)
class Rejected:
    element: str
    code: int
    message: str

    def to_json(self) -> dict:
        return {"element": self.element, "code": self.code, "message": self.message}


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def launch_inputs(standard: str, item: dict, *, learner_id: str, learner_name: str, entry: str, credit: str,
                  mode: str, previous: dict | None, shared: dict | None = None) -> rte.LaunchInputs:
    """rte.LaunchInputs from cam/'s runtime data of the item (scorm_runtime.cam.course: masteryScore,
    dataFromLMS, maxTimeAllowed, timeLimitAction, completionThreshold, objectives, data) and, for 2004,
    the registration's global objectives and shared data (`shared`, scorm_runtime.global_data)."""
    threshold = item.get("completionThreshold") or {}
    completion_threshold = None
    if threshold and threshold.get("completedByMeasure"):
        completion_threshold = _text(threshold.get("minProgressMeasure"))
    objectives = [objective for objective in item.get("objectives") or [] if objective.get("id")]
    primary = next((objective for objective in objectives if objective.get("primary")), None)
    passing = None
    if primary and primary.get("satisfiedByMeasure"):
        # SCORM 2004 RTE 4.2.23: cmi.scaled_passing_score from the primary objective's minNormalizedMeasure.
        passing = _text(primary.get("minNormalizedMeasure"))
    return rte.LaunchInputs(
        learner_id=learner_id, learner_name=learner_name, entry=entry, credit=credit, mode=mode,
        launch_data=_text(item.get("dataFromLMS")),
        mastery_score=_text(item.get("masteryScore")) if standard == "scorm12" else None,
        scaled_passing_score=passing,
        max_time_allowed=_text(item.get("maxTimeAllowed")),
        time_limit_action=_text(item.get("timeLimitAction")),
        completion_threshold=completion_threshold if standard == "scorm2004" else None,
        objectives=global_data.objective_inputs(item, (shared or {}).get("globalObjectives") or {})
        if standard == "scorm2004" else (),
        shared_data=global_data.shared_inputs(item, (shared or {}).get("sharedData") or {})
        if standard == "scorm2004" else (),
        previous=rte.CmiState.from_json(previous) if previous else None)


def initial_state(standard: str, inputs: rte.LaunchInputs) -> dict:
    return rte.initial_state(standard, inputs).to_json()


_ENTRY = {"scorm12": "cmi.core.entry", "scorm2004": "cmi.entry"}


def review_state(standard: str, inputs: rte.LaunchInputs) -> dict:
    """A review session's data: the attempt in `inputs.previous` as it stood, carried as a resume carries it,
    with entry "" (1.2 RTE 3.4.2 cmi.core.entry, 2004 RTE 4.2.7: neither a new attempt nor a resume) and the
    inputs' mode and credit (review, no-credit)."""
    state = rte.initial_state(standard, replace(inputs, entry="resume"))
    values = dict(state.values)
    values[_ENTRY[standard]] = ""
    return rte.CmiState(standard, values, state.shared_data_access).to_json()


def apply_commit(state: dict, values: dict[str, str], *, max_characters: int) -> tuple[dict, list[Rejected]]:
    """Validates each element against the data model; rejected elements change nothing. Strings above
    `max_characters` are rejected with the data model's error (1.2: 405, 2004: 406)."""
    result = rte.apply_commit(rte.CmiState.from_json(state), values, rte.Limits(max_characters=max_characters))
    return result.state.to_json(), [Rejected(r.element, r.error_code, r.message) for r in result.rejected]


def finish_session(state: dict, *, suspend: bool = False) -> rte.SessionEnd:
    """session_time into total_time; the attempt ends unless exit is suspend (or `suspend`: suspendAll)."""
    return rte.finish_session(rte.CmiState.from_json(state), "suspend" if suspend else None)


def flat_values(state: dict) -> dict[str, str]:
    """Every element's value, flat ("cmi.core.lesson_status": "passed"): what outcomes.py reads."""
    return dict(state.get("values") or {})


def summary(state: dict) -> rte.ItemSummary:
    return rte.summary(rte.CmiState.from_json(state))


def for_browser(state: dict) -> dict:
    return rte.for_browser(rte.CmiState.from_json(state))
