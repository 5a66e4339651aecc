"""SCORM 2004 data shared between a registration's SCOs (scorm_runtime.global_data): global objectives
through map info (SCORM 2004 RTE 4.2.17; SN 3.10.3) and 4th Edition adl.data stores (CAM 3.4.1.18, RTE 4.3)."""
from __future__ import annotations

from scorm_runtime import global_data

ITEM = {
    "objectives": [
        {"id": "primary", "primary": True,
         "mapInfo": [{"targetObjectiveID": "g.primary", "readSatisfiedStatus": True, "readNormalizedMeasure": True,
                      "writeSatisfiedStatus": True, "writeNormalizedMeasure": True}], "adlseqMapInfo": []},
        {"id": "reader", "primary": False,
         "mapInfo": [{"targetObjectiveID": "g.other", "readSatisfiedStatus": True, "readNormalizedMeasure": False,
                      "writeSatisfiedStatus": False, "writeNormalizedMeasure": False}],
         "adlseqMapInfo": [{"targetObjectiveID": "g.other", "readCompletionStatus": True,
                            "writeCompletionStatus": True}]},
    ],
    "data": [{"targetID": "notes", "readSharedData": True, "writeSharedData": True},
             {"targetID": "config", "readSharedData": True, "writeSharedData": False}],
}


def test_objectives_read_their_statuses_through_read_maps():
    inputs = global_data.objective_inputs(ITEM, {
        "g.primary": {"success_status": "failed", "score_scaled": "0.2"},
        "g.other": {"success_status": "passed", "score_scaled": "0.9", "completion_status": "completed"}})
    assert [(i.id, i.success_status, i.score_scaled, i.completion_status) for i in inputs] == [
        ("primary", "failed", "0.2", None),
        ("reader", "passed", None, "completed")]  # readNormalizedMeasure false: no measure read


def test_write_maps_store_the_objective_and_the_primary_falls_back_to_the_activity_status():
    values = {"cmi.objectives._count": "2", "cmi.objectives.0.id": "primary", "cmi.objectives.1.id": "reader",
              "cmi.objectives.1.success_status": "failed", "cmi.objectives.1.completion_status": "incomplete",
              "cmi.success_status": "passed", "cmi.score.scaled": "0.75"}
    written = global_data.written_objectives(ITEM, values, {"g.kept": {"success_status": "passed"}})
    assert written == {"g.kept": {"success_status": "passed"},
                       "g.primary": {"success_status": "passed", "score_scaled": "0.75"},
                       "g.other": {"completion_status": "incomplete"}}  # writeSatisfiedStatus false


def test_shared_data_stores_are_read_and_only_writable_ones_written():
    inputs = global_data.shared_inputs(ITEM, {"notes": "hello"})
    assert [(i.id, i.store, i.readable, i.writable) for i in inputs] == [
        ("notes", "hello", True, True), ("config", None, True, False)]
    values = {"adl.data._count": "2", "adl.data.0.id": "notes", "adl.data.0.store": "new",
              "adl.data.1.id": "config", "adl.data.1.store": "forged"}
    assert global_data.written_shared(ITEM, values, {"notes": "hello"}) == {"notes": "new"}
