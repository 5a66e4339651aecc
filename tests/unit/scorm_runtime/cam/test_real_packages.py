"""The shared fixture packages (../shared/fixtures/scorm, README there) through parse_package (issue 11, Real packages)."""
from __future__ import annotations

import json

import pytest

from delivery.package import InvalidPackage, ManifestOnly
from scorm_runtime.cam import parse_package

from .packages import FIXTURES, fixture

# name: (standard, edition, title, launchable count, first (id, title), last (id, title))
GOOD = {
    "golf_ContentPackagingSingleSCO_SCORM12.zip":
        ("scorm12", None, "Golf Explained - CP Single SCO", 1, ("item_1", "Golf Explained"), None),
    "golf_ContentPackagingOneFilePerSCO_SCORM12.zip":
        ("scorm12", None, "Golf Explained - CP One File Per SCO", 18, ("playing_playing_item", "How to Play"),
         ("havingfun_quiz_item", "Having Fun Quiz")),
    "golf_RuntimeMinimumCalls_SCORM12.zip":
        ("scorm12", None, "Golf Explained - Minimum Run-time Calls", 18, ("playing_playing_item", "How to Play"),
         ("havingfun_quiz_item", "Having Fun Quiz")),
    "golf_ContentPackagingSingleSCO_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - CP Single SCO", 1, ("item_1", "Golf Explained"), None),
    "golf_ContentPackagingMetadata_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Metadata Example", 1, ("item_1", "Golf Explained"), None),
    "golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - CP One File Per SCO", 18, ("playing_playing_item", "How to Play"),
         ("havingfun_quiz_item", "Having Fun Quiz")),
    "golf_RuntimeMinimumCalls_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Minimum Run-time Calls", 18, ("playing_playing_item", "How to Play"),
         ("havingfun_quiz_item", "Having Fun Quiz")),
    "golf_RuntimeBasicCalls_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Run-time Basic Calls", 1, ("item_1", "Golf Explained"), None),
    "golf_SequencingForcedSequential_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Sequencing Forced Order", 5, ("playing_item", "Playing the Game"),
         ("assessment_item", "Quiz")),
    "golf_SequencingPostTestRollup_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Sequencing Post Test Rollup", 5, ("playing_item", "Playing the Game"),
         ("assessment_item", "Quiz")),
    "golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip":
        ("scorm2004", "3rd", "Golf Explained - Simple Remediation", 8, ("playing_item", "Playing the Game"),
         ("test_4", "Having Fun Quiz")),
    "RosesOriginal.zip":
        ("scorm2004", "3rd", "Roses 101 SCORM 2004 - Original", 13,
         ("ITEM-55AAA6A3545DE7BE0DA3815BE1A68D4F", "Introduction to Roses"),
         ("ITEM-36A7E4A088E3626030E299FFE10F6CEE", "PostTest")),
    "edge_MultipleItemsWithIdentifierRef_SCORM12.zip":
        ("scorm12", None, "Multiple Items With IdentifierRef Test", 3, ("item_1", "Item 1"), ("item_3", "Item 3")),
    "edge_ContentPackagingWithMetadata_SCORM12.zip":
        ("scorm12", None, "SCORM 1.2 With Metadata", 1, ("i1", "SCORM 1.2 With Metadata"), None),
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_real_package_parses_with_standard_edition_title_and_launchables(name):
    # launch-api.md Courses; SCORM CAM 3.4.1.4 schemaversion; 3.4.1.6 default organization; 3.4.1.9 items
    standard, edition, title, count, first, last = GOOD[name]
    course = parse_package(fixture(name))
    assert (course.standard, course.edition, course.title) == (standard, edition, title)
    assert len(course.launchables) == count
    assert [launchable.index for launchable in course.launchables] == list(range(count))
    assert all(launchable.launch_method is None for launchable in course.launchables)
    assert (course.launchables[0].id, course.launchables[0].title) == first
    if last:
        assert (course.launchables[-1].id, course.launchables[-1].title) == last
    json.dumps(course.structure), json.dumps(course.runtime)  # JSON-ready, as ParsedCourse promises


def test_every_golf_package_is_covered():
    assert {path.name for path in FIXTURES.glob("golf_*.zip")} <= set(GOOD)


def test_parent_items_without_resource_are_not_launchable():
    # launch-api.md SCORM specifics: launchables are items whose resource has an href, hidden ones included
    course = parse_package(fixture("golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip"))
    wrapper = next(item for item in course.structure["items"] if item["identifier"] == "content_wrapper")
    assert wrapper["isVisible"] is False and wrapper["launchable"] is None
    assert [child["launchable"] for child in wrapper["items"]] == list(range(8))


def test_one_file_per_sco_packages_are_assets():
    # SCORM CAM 3.4.1.23 adlcp:scormType / adlcp:scormtype
    for name in ("golf_ContentPackagingOneFilePerSCO_SCORM12.zip",
                 "golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip"):
        runtime = parse_package(fixture(name)).runtime
        assert {launchable["scormType"] for launchable in runtime["launchables"]} == {"asset"}
    runtime = parse_package(fixture("golf_RuntimeMinimumCalls_SCORM12.zip")).runtime
    assert {launchable["scormType"] for launchable in runtime["launchables"]} == {"sco"}


def test_forced_sequential_keeps_collection_rules_objectives_and_preconditions():
    # SCORM CAM 5.1.1 <sequencing> with IDRef into <imsss:sequencingCollection>
    course = parse_package(fixture("golf_SequencingForcedSequential_SCORM20043rdEdition.zip"))
    organization = course.structure
    assert organization["objectivesGlobalToSystem"] is False
    assert organization["sequencing"]["controlMode"]["choice"] is True
    assert organization["sequencing"]["controlMode"]["flow"] is True
    etiquette = course.runtime["launchables"][1]
    assert etiquette["id"] == "etuqiette_item"
    sequencing = etiquette["sequencing"]
    assert sequencing["idRef"] == "common_seq_rules"
    # from the collection entry
    assert sequencing["rollupRules"]["objectiveMeasureWeight"] == 0.0
    assert sequencing["deliveryControls"] == {"tracked": True, "completionSetByContent": True,
                                              "objectiveSetByContent": True}
    # from the item itself
    [rule] = sequencing["sequencingRules"]["preConditionRules"]
    assert rule["action"] == "disabled" and rule["conditionCombination"] == "any"
    assert rule["conditions"] == [
        {"condition": "satisfied", "operator": "not", "referencedObjective": "previous_sco_satisfied",
         "measureThreshold": 0.0},
        {"condition": "objectiveStatusKnown", "operator": "not", "referencedObjective": "previous_sco_satisfied",
         "measureThreshold": 0.0}]
    primary, previous = etiquette["objectives"]
    assert primary["id"] == "etiquette_satisfied" and primary["primary"] is True
    assert primary["mapInfo"][0]["targetObjectiveID"] == (
        "com.scorm.golfsamples.sequencing.forcedsequential.etiquette_satisfied")
    assert primary["mapInfo"][0]["writeSatisfiedStatus"] is True
    assert previous == {
        "id": "previous_sco_satisfied", "primary": False, "satisfiedByMeasure": False, "minNormalizedMeasure": 1.0,
        "mapInfo": [{"targetObjectiveID": "com.scorm.golfsamples.sequencing.forcedsequential.playing_satisfied",
                     "readSatisfiedStatus": True, "readNormalizedMeasure": True, "writeSatisfiedStatus": False,
                     "writeNormalizedMeasure": False}],
        "adlseqMapInfo": []}


def test_launch_href_keeps_its_query_and_item_parameters_join_it():
    # SCORM CAM 3.4.3.3 Handling Additional Parameters as Part of URLs
    runtime = parse_package(fixture("golf_SequencingForcedSequential_SCORM20043rdEdition.zip")).runtime
    first = runtime["launchables"][0]
    assert first["href"] == "shared/launchpage.html?content=playing"
    assert first["path"] == "shared/launchpage.html"
    assert first["launchUrl"] == "shared/launchpage.html?content=playing"
    remediation = parse_package(fixture("golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip")).runtime
    quiz = remediation["launchables"][4]
    assert (quiz["parameters"], quiz["launchUrl"]) == ("?content=assessment1", "shared/launchpage.html?content=assessment1")


def test_roses_keeps_rollup_and_objectives_per_question():
    # SCORM CAM 5.1.1; Roses 101 (ADL) is SCORM 2004 3rd Edition with sequencing
    course = parse_package(fixture("RosesOriginal.zip"))
    pretest = next(item for item in course.structure["items"] if item["title"] == "Pretest")
    q1 = pretest["items"][0]
    assert q1["title"] == "Q1"
    assert q1["sequencing"]["rollupRules"]["objectiveMeasureWeight"] == 0.0
    [objective] = q1["sequencing"]["objectives"]
    assert objective["objectiveID"] == "Q1comp" and objective["primary"] is True
    assert objective["mapInfo"][0]["writeNormalizedMeasure"] is True
    assert objective["mapInfo"][0]["readSatisfiedStatus"] is False


def test_scorm12_datafromlms_reaches_runtime():
    # SCORM CAM 3.4.1.14 (adlcp:datafromlms, SCORM 1.2)
    runtime = parse_package(fixture("edge_ContentPackagingWithMetadata_SCORM12.zip")).runtime
    assert runtime["launchables"][0]["dataFromLMS"] == "RANDOM"


# name: (rule, file, words in the message)
BAD = {
    "moodle_badscorm.zip": ("SCORM CAM 3.2", "imsmanifest.xml", "badscorm/imsmanifest.xml"),
    "moodle_invalid.zip": ("SCORM CAM 3.2", "imsmanifest.xml", "no imsmanifest.xml at its root"),
    "moodle_validscorm.zip": ("SCORM CAM 3.2", "imsmanifest.xml", "no root element"),
    "edge_MalformedXml_SCORM12.zip": ("SCORM CAM 3.2", "imsmanifest.xml", "not well-formed"),
    "moodle_singlescobasic_missingorg.zip": ("SCORM CAM 3.4.1.6", "imsmanifest.xml", "no <organization>"),
    "edge_InvalidMissingOrgIdentifier_SCORM20043rdEdition.zip":
        ("SCORM CAM 3.4.1.7", "imsmanifest.xml", "no identifier"),
    "edge_MissingLaunchUrl_SCORM12.zip": ("SCORM CAM 3.4.1.23", "imsmanifest.xml", "has no href"),
    "edge_InvalidFileReferences_SCORM12.zip":
        ("SCORM CAM 3.4.1.23", "content/nonexistent.html", "launch file missing"),
    # manifest-only packages: refused on import for their missing launch file (launch-api.md SCORM specifics)
    "edge_MinimalValid_SCORM20043rdEdition.zip": ("SCORM CAM 3.4.1.23", "index.html", "launch file missing"),
    "edge_AdlAttributes_SCORM20043rdEdition.zip": ("SCORM CAM 3.4.1.23", "index.html", "launch file missing"),
    "edge_ComplexNestedOrganization_SCORM12.zip":
        ("SCORM CAM 3.4.1.23", "content/module1.html", "launch files missing"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_negative_package_is_invalid_naming_rule_and_file(name):
    rule, file, words = BAD[name]
    with pytest.raises(InvalidPackage) as refused:
        parse_package(fixture(name))
    assert (refused.value.rule, refused.value.file) == (rule, file)
    assert words in refused.value.message


def test_every_edge_and_moodle_package_is_covered():
    names = {path.name for path in FIXTURES.glob("*.zip") if path.name.startswith(("edge_", "moodle_"))}
    assert names <= set(BAD) | set(GOOD)


def test_listed_files_missing_are_named_when_launch_files_exist():
    # SCORM CAM 3.4.1.25 <file>: launch-api.md SCORM specifics (listed <file> entries must be in the zip)
    package = fixture("edge_InvalidFileReferences_SCORM12.zip")

    class WithLaunchFiles:
        names = package.names | {"content/nonexistent.html", "content/nonexistent_asset.html"}
        read = staticmethod(package.read)
        open = staticmethod(package.open)

    with pytest.raises(InvalidPackage) as refused:
        parse_package(WithLaunchFiles())
    assert refused.value.rule == "SCORM CAM 3.4.1.25"
    assert refused.value.file == "content/nonexistent.js"
    assert "content/nonexistent.css" in refused.value.message


@pytest.mark.parametrize("name, standard, edition, count", [
    ("edge_MinimalValid_SCORM20043rdEdition.zip", "scorm2004", "3rd", 1),
    ("edge_AdlAttributes_SCORM20043rdEdition.zip", "scorm2004", "3rd", 1),
    ("edge_ComplexNestedOrganization_SCORM12.zip", "scorm12", None, 11),
])
def test_manifest_only_packages_parse_cleanly_without_file_checks(name, standard, edition, count):
    # launch-api.md SCORM specifics: inspect of a bare imsmanifest.xml checks the manifest alone
    bare = ManifestOnly("imsmanifest.xml", fixture(name).read("imsmanifest.xml"))
    for files in (bare, fixture(name)):
        course = parse_package(files, manifest_only=True)
        assert (course.standard, course.edition, len(course.launchables)) == (standard, edition, count)


def test_complex_nested_scorm12_launches_parents_depth_first():
    # SCORM 1.2 items with children may reference resources; launchables come depth-first (launch-api.md)
    course = parse_package(fixture("edge_ComplexNestedOrganization_SCORM12.zip"), manifest_only=True)
    assert [launchable.id for launchable in course.launchables] == [
        "module_1", "chapter_1_1", "section_1_1_1", "topic_1_1_1_1", "topic_1_1_1_2", "section_1_1_2",
        "chapter_1_2", "module_2", "chapter_2_1", "section_2_1_1", "module_3"]
    assert course.title == "Complex Nested Organization Test"  # the default organization, not the alternate


def test_adl_attributes_reach_runtime():
    # SCORM CAM 3.4.1.13 timeLimitAction, 3.4.1.14 dataFromLMS, 3.4.1.15 completionThreshold; adlnav hideLMSUI
    course = parse_package(fixture("edge_AdlAttributes_SCORM20043rdEdition.zip"), manifest_only=True)
    [launchable] = course.runtime["launchables"]
    assert launchable["dataFromLMS"] == "Launch Data"
    assert launchable["timeLimitAction"] == "exit,message"
    assert launchable["completionThreshold"] == {"completedByMeasure": True, "minProgressMeasure": 0.75,
                                                 "progressWeight": 1.0}
    assert launchable["hideLMSUI"] == ["exit", "continue"]
    assert launchable["sequencing"]["controlMode"]["choice"] is False
    assert launchable["scormType"] == "sco"  # no adlcp:scormType declared
