"""The CMI data the server builds for a launch, from the manifest, the registration and the
previous session of the same attempt (issue 11, launch-api.md "SCORM specifics")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scorm_runtime.rte.derivations import derive_on_commit
from scorm_runtime.rte.elements import CheckContext, Element, template_of
from scorm_runtime.rte.errors import DataModelError
from scorm_runtime.rte.model import CmiState, data_model
from scorm_runtime.rte.types import DEFAULT_LIMITS


@dataclass(frozen=True)
class ObjectiveInput:
    """A manifest objective (imsss:primaryObjective/objective) with the statuses read for it
    through its global objective maps (2004 RTE 4.2.17; SN 3.10 readSatisfiedStatus etc.)."""

    id: str
    success_status: str | None = None  # "passed" | "failed" | "unknown"
    completion_status: str | None = None
    score_scaled: str | None = None
    progress_measure: str | None = None


@dataclass(frozen=True)
class SharedDataInput:
    """A 4th edition adlcp:data/adlcp:map store (CAM 3.4.1.18, RTE 4.3) and its current content."""

    id: str
    store: str | None = None
    readable: bool = True  # readSharedData
    writable: bool = True  # writeSharedData


@dataclass(frozen=True)
class LaunchInputs:
    learner_id: str  # the Agent's account.name, else its IFI value (launch-api.md Learner)
    learner_name: str = ""  # the Agent's name
    entry: str = (
        "ab-initio"  # "ab-initio" | "resume" | "" (from the previous SessionEnd.next_entry)
    )
    credit: str = "credit"  # "credit" | "no-credit"
    mode: str = "normal"  # "normal" | "browse" | "review"
    launch_data: str | None = None  # 1.2 adlcp:datafromlms, 2004 adlcp:dataFromLMS
    mastery_score: str | None = None  # 1.2 adlcp:masteryscore
    scaled_passing_score: str | None = None  # 2004 imsss:minNormalizedMeasure (satisfiedByMeasure)
    max_time_allowed: str | None = None  # 1.2 CMITimespan / 2004 ISO 8601 duration
    time_limit_action: str | None = None
    completion_threshold: str | None = None  # 2004 adlcp:completionThreshold
    objectives: Sequence[ObjectiveInput] = ()  # 2004 manifest objectives
    shared_data: Sequence[SharedDataInput] = ()  # 2004 4th ed adl.data
    comments_from_lms: Sequence[str] = ()
    previous: CmiState | None = field(default=None)  # the attempt so far, when resuming


_LEARNER = {
    "scorm12": {
        "learner_id": "cmi.core.student_id",
        "learner_name": "cmi.core.student_name",
        "entry": "cmi.core.entry",
        "credit": "cmi.core.credit",
        "mode": "cmi.core.lesson_mode",
        "launch_data": "cmi.launch_data",
        "mastery_score": "cmi.student_data.mastery_score",
        "max_time_allowed": "cmi.student_data.max_time_allowed",
        "time_limit_action": "cmi.student_data.time_limit_action",
    },
    "scorm2004": {
        "learner_id": "cmi.learner_id",
        "learner_name": "cmi.learner_name",
        "entry": "cmi.entry",
        "credit": "cmi.credit",
        "mode": "cmi.mode",
        "launch_data": "cmi.launch_data",
        "scaled_passing_score": "cmi.scaled_passing_score",
        "max_time_allowed": "cmi.max_time_allowed",
        "time_limit_action": "cmi.time_limit_action",
        "completion_threshold": "cmi.completion_threshold",
    },
}

# Per-session elements never carried into the next session.
_SESSION_ONLY = {"cmi.core.exit", "cmi.core.session_time", "cmi.exit", "cmi.session_time"}


def _carried(previous: CmiState) -> dict[str, str]:
    """What a resumed session takes from the last one: everything the SCO wrote, and total_time."""
    model = data_model(previous.standard)
    carried: dict[str, str] = {}
    for element, value in previous.values.items():
        parts = element.split(".")
        if element in _SESSION_ONLY or parts[0] == "adl":
            continue
        if parts[-1] == "_count":
            if not template_of(parts).startswith(("cmi.comments_from_lms", "adl.")):
                carried[element] = value
            continue
        spec = model.elements.get(template_of(parts))
        if spec is not None and not spec.lms_set:
            carried[element] = value
    return carried


def _valid(spec: Element, element: str, value: str, values: dict[str, str]) -> bool:
    """A manifest value the data model cannot hold (e.g. masteryscore "80%") is left unset
    rather than handed to the SCO; the manifest parser is where it is reported."""
    if spec.check is None:
        return True
    try:
        spec.check(value, CheckContext(element, (), values, DEFAULT_LIMITS))
    except DataModelError:
        return False
    return True


def initial_state(standard: str, inputs: LaunchInputs) -> CmiState:
    """The CMI data a SCO starts with (issue 11 "Runtime"; 1.2 RTE 3.4.2, 2004 RTE 4.2).

    With entry "resume" and a previous state, the attempt continues: location, suspend_data,
    interactions, objectives, scores, statuses and total_time come back. Otherwise the attempt
    is new and only the launch inputs are set.
    """
    data_model(standard)
    if inputs.previous is not None and inputs.previous.standard != standard:
        raise ValueError("the previous state belongs to another standard")
    values: dict[str, str] = {}
    if inputs.entry == "resume" and inputs.previous is not None:
        values.update(_carried(inputs.previous))
    model = data_model(standard)
    for attribute, element in _LEARNER[standard].items():
        value = getattr(inputs, attribute)
        if value is None:
            continue
        # The learner's id and name are the contract's (launch-api.md Learner), whatever their
        # characters (an account name need not fit 1.2's CMIIdentifier); manifest values are
        # checked.
        if attribute in ("learner_id", "learner_name") or _valid(
            model.elements[element], element, value, values
        ):
            values[element] = value
    if standard == "scorm12":
        values.setdefault("cmi.core.lesson_status", "not attempted")  # 1.2 RTE 3.4.2, p. 3-25
        values.setdefault("cmi.core.total_time", "0000:00:00.00")
        if inputs.comments_from_lms:
            values["cmi.comments_from_lms"] = "\n".join(inputs.comments_from_lms)
        derive_on_commit(standard, values)  # masteryscore against a resumed raw score
        return CmiState(standard, values)
    values.setdefault("cmi.total_time", "PT0H0M0S")
    for index, comment in enumerate(inputs.comments_from_lms):
        values[f"cmi.comments_from_lms.{index}.comment"] = comment
    if inputs.comments_from_lms:
        values["cmi.comments_from_lms._count"] = str(len(inputs.comments_from_lms))
    _seed_objectives(values, inputs.objectives)
    access = []
    for index, store in enumerate(inputs.shared_data):
        values[f"adl.data.{index}.id"] = store.id
        if store.store is not None:
            values[f"adl.data.{index}.store"] = store.store
        access.append(("r" if store.readable else "") + ("w" if store.writable else ""))
    if inputs.shared_data:
        values["adl.data._count"] = str(len(inputs.shared_data))
    derive_on_commit(standard, values)  # RTE 4.2.4.1, 4.2.22: evaluated from the start
    return CmiState(standard, values, tuple(access))


def _seed_objectives(values: dict[str, str], objectives: Sequence[ObjectiveInput]) -> None:
    """2004 RTE 4.2.17: cmi.objectives.n.id for each manifest objective, in manifest order after
    the ones the attempt already has; statuses read through global maps replace the local ones."""
    count = int(values.get("cmi.objectives._count", "0"))
    by_id = {values.get(f"cmi.objectives.{index}.id"): index for index in range(count)}
    for objective in objectives:
        index = by_id.get(objective.id)
        if index is None:
            index = count
            count += 1
            values[f"cmi.objectives.{index}.id"] = objective.id
            by_id[objective.id] = index
        for name, value in (
            ("success_status", objective.success_status),
            ("completion_status", objective.completion_status),
            ("score.scaled", objective.score_scaled),
            ("progress_measure", objective.progress_measure),
        ):
            if value is not None:
                values[f"cmi.objectives.{index}.{name}"] = value
    if count:
        values["cmi.objectives._count"] = str(count)
