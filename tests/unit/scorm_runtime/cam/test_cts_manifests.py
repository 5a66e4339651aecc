"""The 126 manifests of ADL's SCORM 2004 4th Edition LMS test packages parse with manifest_only=True and keep their
sequencing data for the sequencing engine (issue 11, Real packages; launch-api.md, `lrs courses inspect`)."""
from __future__ import annotations

import json
import zipfile

import pytest

from delivery.package import ManifestOnly
from scorm_runtime.cam import parse_package

from .packages import FIXTURES

BUNDLE = FIXTURES / "adl_cts4ed_lms_manifests_shared.zip"


def _manifests() -> dict[str, bytes]:
    with zipfile.ZipFile(BUNDLE) as bundle:
        return {name.split("/")[0]: bundle.read(name) for name in bundle.namelist()
                if name.endswith("/imsmanifest.xml")}


MANIFESTS = _manifests()


def inspect(package: str):
    return parse_package(ManifestOnly("imsmanifest.xml", MANIFESTS[package]), manifest_only=True)


def find(items: list[dict], identifier: str) -> dict:
    stack = list(items)
    while stack:
        item = stack.pop()
        if item["identifier"] == identifier:
            return item
        stack.extend(item["items"])
    raise KeyError(identifier)


def test_bundle_holds_126_manifests():
    assert len(MANIFESTS) == 126


@pytest.mark.parametrize("package", sorted(MANIFESTS))
def test_cts_manifest_parses_as_2004_4th_edition(package):
    # SCORM CAM 3.4.1.4 schemaversion "2004 4th Edition"; launch-api.md `inspect` checks the manifest alone
    course = inspect(package)
    assert (course.standard, course.edition) == ("scorm2004", "4th")
    assert course.launchables and course.title.startswith("LMS Test Content Package")
    assert len({launchable.id for launchable in course.launchables}) == len(course.launchables)
    json.dumps(course.structure)


def test_xml_base_is_applied_to_launch_and_item_parameters_are_kept():
    # SCORM CAM 3.4.3.1 (xml:base) and 3.4.3.3 (parameters): DDMa's SEQ01 has xml:base="resources/"
    first = inspect("LMSTestPackage_DDMa").runtime["launchables"][0]
    assert first["href"] == "resources/SequencingTest.htm"
    assert first["parameters"] == "?tc=DDM&act=1a"
    assert first["launchUrl"] == "resources/SequencingTest.htm?tc=DDM&act=1a"


def test_adl_data_maps_of_4th_edition_are_kept():
    # SCORM CAM 3.4.1.18 <adlcp:data>, 3.4.1.19 <adlcp:map>
    first, second = inspect("LMSTestPackage_DDMa").runtime["launchables"]
    assert [entry["targetID"] for entry in first["data"]] == ["tarID_1", "tarID_2", "tarID_3", "tarID_4"]
    assert first["data"][0] == {"targetID": "tarID_1", "readSharedData": True, "writeSharedData": True}
    assert second["data"][0] == {"targetID": "tarID_1", "readSharedData": True, "writeSharedData": False}
    assert first["hideLMSUI"] == ["continue", "previous", "suspendAll"]


def test_adlseq_objective_map_extensions_join_their_objective():
    # SCORM CAM 5.1.1: adlseq:objectives extend the imsss objectives of the same activity (4th Edition)
    launchables = inspect("LMSTestPackage_CO-01").runtime["launchables"]
    [objective] = launchables[0]["objectives"]
    assert objective["id"] == "PRIMARYOBJ_1" and objective["primary"] is True
    [extension] = objective["adlseqMapInfo"]
    assert extension["targetObjectiveID"] == "gObj-CO01"
    assert extension["writeCompletionStatus"] is True and extension["readCompletionStatus"] is True
    assert extension["writeProgressMeasure"] is False
    [rule] = launchables[1]["sequencing"]["sequencingRules"]["preConditionRules"]
    assert rule == {"conditionCombination": "all", "action": "skip", "conditions": [
        {"condition": "completed", "operator": "noOp", "referencedObjective": None, "measureThreshold": 0.0}]}


def test_idref_merges_collection_limits_with_local_rules_and_rollup_considerations():
    # SCORM CAM 5.1.1 IDRef into <imsss:sequencingCollection>: local values win attribute by attribute
    course = inspect("LMSTestPackage_RU-07a")
    activity_3 = find(course.structure["items"], "activity_3")["sequencing"]
    assert activity_3["idRef"] == "seqCol-RU07a-1"
    assert activity_3["limitConditions"] == {"attemptLimit": 1, "attemptAbsoluteDurationLimit": None}
    assert activity_3["rollupRules"]["rollupProgressCompletion"] is False
    assert activity_3["rollupConsiderations"]["requiredForSatisfied"] == "ifNotSkipped"
    assert activity_3["rollupConsiderations"]["requiredForCompleted"] == "always"
    cluster = find(course.structure["items"], "activity_2")["sequencing"]
    assert cluster["sequencingRules"]["exitConditionRules"][0]["action"] == "exit"
    post = cluster["sequencingRules"]["postConditionRules"][0]
    assert post["action"] == "retry" and post["conditions"][0]["operator"] == "not"


def test_empty_local_control_mode_keeps_the_collection_choice():
    # SCORM CAM 5.1.1: CTS CM-04a's <sequencing IDRef=...><controlMode/></sequencing> keeps choice="false"
    activity_1 = find(inspect("LMSTestPackage_CM-04a").structure["items"], "activity_1")
    assert activity_1["sequencing"]["controlMode"]["choice"] is False
    assert activity_1["launchable"] is None


def test_measure_objectives_and_duration_limit_reach_runtime():
    # SCORM CAM 5.1.1 objectives and limitConditions; RTE cmi.max_time_allowed comes from the duration limit
    launchables = inspect("LMSTestPackage_CM-01").runtime["launchables"]
    activity_3 = next(launchable for launchable in launchables if launchable["id"] == "activity_3")
    assert activity_3["maxTimeAllowed"] == "P5Y6M4DT12H30M58.55S"
    [objective] = activity_3["objectives"]
    assert objective["satisfiedByMeasure"] is True and objective["minNormalizedMeasure"] == 0.7
    assert objective["id"] is None  # a primary objective without objectiveID


def test_measure_threshold_of_rule_conditions_is_kept():
    # SCORM CAM 5.1.1: imsss:ruleCondition measureThreshold
    course = inspect("LMSTestPackage_MS-01")
    thresholds = []
    stack = [course.structure]
    while stack:
        node = stack.pop()
        if node["sequencing"]:
            thresholds += [(condition["condition"], condition["measureThreshold"])
                           for rule in node["sequencing"]["sequencingRules"]["preConditionRules"]
                           for condition in rule["conditions"]]
        stack.extend(node["items"])
    assert ("objectiveMeasureGreaterThan", 0.4) in thresholds


def test_constrained_choice_considerations_are_kept():
    # SCORM CAM 5.1.1: adlseq:constrainedChoiceConsiderations
    sequencing = inspect("LMSTestPackage_CM-16").structure["sequencing"]
    assert sequencing["constrainedChoiceConsiderations"] == {"preventActivation": False, "constrainChoice": True}
