"""SCORM 2004 data shared between the SCOs of a registration: global objectives read and written through
an objective's map info (SCORM 2004 RTE 4.2.17; SN 3.10.3 imsss:mapInfo, adlseq:mapInfo for 4th
Edition), and 4th Edition shared data stores (adl.data, CAM 3.4.1.18 adlcp:data / adlcp:map, RTE 4.3).

Kept in the registration record (delivery.standard.RegistrationRecord.data) as
{"globalObjectives": {TARGET_ID: {"success_status", "score_scaled", "completion_status",
"progress_measure", "score_raw", "score_min", "score_max"}}, "sharedData": {TARGET_ID: STORE}}.
Pure: reads the item's manifest data (cam/ runtime) and flat CMI values."""
from __future__ import annotations

from collections.abc import Mapping

from scorm_runtime import rte

# imsss:mapInfo / adlseq:mapInfo flags and the objective fields they read or write.
_SATISFIED = ("success_status",)
_MEASURE = ("score_scaled",)
_ADLSEQ = {"RawScore": "score_raw", "MinScore": "score_min", "MaxScore": "score_max",
           "CompletionStatus": "completion_status", "ProgressMeasure": "progress_measure"}
# CMI names of each field, under cmi.objectives.n. (and, for the primary objective, under cmi.)
_CMI_FIELD = {"success_status": "success_status", "score_scaled": "score.scaled", "score_raw": "score.raw",
              "score_min": "score.min", "score_max": "score.max", "completion_status": "completion_status",
              "progress_measure": "progress_measure"}
_UNKNOWN = {"success_status": "unknown", "completion_status": "unknown"}


def _maps(objective: dict) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(target, fields read, fields written) for each map of one objective."""
    maps = []
    for info in objective.get("mapInfo") or []:
        reads = (_SATISFIED if info.get("readSatisfiedStatus", True) else ()) + \
                (_MEASURE if info.get("readNormalizedMeasure", True) else ())
        writes = (_SATISFIED if info.get("writeSatisfiedStatus") else ()) + \
                 (_MEASURE if info.get("writeNormalizedMeasure") else ())
        maps.append((info.get("targetObjectiveID"), reads, writes))
    for info in objective.get("adlseqMapInfo") or []:
        reads = tuple(field for name, field in _ADLSEQ.items() if info.get(f"read{name}", True))
        writes = tuple(field for name, field in _ADLSEQ.items() if info.get(f"write{name}"))
        maps.append((info.get("targetObjectiveID"), reads, writes))
    return [(target, reads, writes) for target, reads, writes in maps if target]


def objective_inputs(item: dict, global_objectives: Mapping[str, dict]) -> tuple[rte.ObjectiveInput, ...]:
    """The manifest's objectives for cmi.objectives.n.id, with statuses read through their maps."""
    inputs = []
    for objective in item.get("objectives") or []:
        if not objective.get("id"):
            continue
        read: dict[str, str] = {}
        for target, reads, _ in _maps(objective):
            stored = global_objectives.get(target) or {}
            for field in reads:
                value = stored.get(field)
                if value not in (None, "", _UNKNOWN.get(field)):
                    read.setdefault(field, value)
        inputs.append(rte.ObjectiveInput(id=objective["id"], success_status=read.get("success_status"),
                                         completion_status=read.get("completion_status"),
                                         score_scaled=read.get("score_scaled"),
                                         progress_measure=read.get("progress_measure")))
    return tuple(inputs)


def _objective_values(values: Mapping[str, str], objective: dict) -> dict[str, str]:
    count = int(values.get("cmi.objectives._count") or 0) if str(values.get("cmi.objectives._count") or "0").isdigit() else 0
    index = next((n for n in range(count) if values.get(f"cmi.objectives.{n}.id") == objective["id"]), None)
    found = {}
    for field, name in _CMI_FIELD.items():
        value = values.get(f"cmi.objectives.{index}.{name}") if index is not None else None
        if value in (None, "", _UNKNOWN.get(field)) and objective.get("primary"):
            value = values.get(f"cmi.{name}")  # the primary objective is the activity's own status
        if value not in (None, "", _UNKNOWN.get(field)):
            found[field] = value
    return found


def written_objectives(item: dict, values: Mapping[str, str], global_objectives: Mapping[str, dict]) -> dict:
    """The global objectives after a session, with what the item's maps write."""
    updated = {target: dict(fields) for target, fields in global_objectives.items()}
    for objective in item.get("objectives") or []:
        if not objective.get("id"):
            continue
        current = _objective_values(values, objective)
        for target, _, writes in _maps(objective):
            for field in writes:
                if field in current:
                    updated.setdefault(target, {})[field] = current[field]
    return updated


def shared_inputs(item: dict, shared: Mapping[str, str]) -> tuple[rte.SharedDataInput, ...]:
    return tuple(rte.SharedDataInput(id=entry["targetID"], store=shared.get(entry["targetID"]),
                                     readable=bool(entry.get("readSharedData", True)),
                                     writable=bool(entry.get("writeSharedData", True)))
                 for entry in item.get("data") or [] if entry.get("targetID"))


def written_shared(item: dict, values: Mapping[str, str], shared: Mapping[str, str]) -> dict:
    """The shared data stores after a session: each writable adl.data.n.store the SCO holds."""
    updated = dict(shared)
    writable = {entry["targetID"] for entry in item.get("data") or []
                if entry.get("targetID") and entry.get("writeSharedData", True)}
    count = str(values.get("adl.data._count") or "0")
    for index in range(int(count) if count.isdigit() else 0):
        target = values.get(f"adl.data.{index}.id")
        store = values.get(f"adl.data.{index}.store")
        if target in writable and store is not None:
            updated[target] = store
    return updated
