"""CAM rules and manifest data on small synthetic manifests: each refusal names its rule and file."""
from __future__ import annotations

import pytest

from delivery.package import InvalidPackage, ManifestOnly
from scorm_runtime.cam import parse_package

from .packages import MemoryPackage, one_item_org, scorm12, scorm2004

R1 = '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'


def refused(package, **options) -> InvalidPackage:
    with pytest.raises(InvalidPackage) as error:
        parse_package(package, **options)
    return error.value


# ---- editions (SCORM CAM 3.4.1.4 <schemaversion>) --------------------------------------------------------------

@pytest.mark.parametrize("schemaversion, edition", [
    ("CAM 1.3", "2nd"), ("2004 3rd Edition", "3rd"), ("2004 4th Edition", "4th"),
    # variants authoring tools write
    ("1.3", "2nd"), ("SCORM 2004 4th Edition", "4th"), ("2004 3rd edition", "3rd"), ("2004", None)])
def test_schemaversion_names_the_2004_edition(schemaversion, edition):
    course = parse_package(MemoryPackage(scorm2004(one_item_org(), R1, schemaversion=schemaversion), "index.html"))
    assert (course.standard, course.edition) == ("scorm2004", edition)


def test_scorm12_schemaversion():
    resource = '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"/>'
    course = parse_package(MemoryPackage(scorm12(one_item_org(), resource), "index.html"))
    assert (course.standard, course.edition) == ("scorm12", None)


def test_2004_namespaces_without_schemaversion_are_2004():
    manifest = scorm2004(one_item_org(), R1, schemaversion=None)
    assert "<schemaversion>" not in manifest
    course = parse_package(MemoryPackage(manifest, "index.html"))
    assert (course.standard, course.edition) == ("scorm2004", None)


def test_4th_edition_elements_without_schemaversion_make_it_4th():
    body = '<adlcp:data><adlcp:map targetID="t"/></adlcp:data>'
    course = parse_package(MemoryPackage(scorm2004(one_item_org(body), R1, schemaversion=None), "index.html"))
    assert (course.standard, course.edition) == ("scorm2004", "4th")


def test_manifest_without_metadata_or_2004_namespaces_is_scorm12():
    manifest = ('<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">'
                + one_item_org() + '<resources><resource identifier="r1" type="webcontent" href="a.htm"/>'
                '</resources></manifest>')
    assert parse_package(MemoryPackage(manifest, "a.htm")).standard == "scorm12"


def test_root_element_must_be_manifest():
    # SCORM CAM 3.4.1.1
    error = refused(MemoryPackage("<html><body/></html>"))
    assert (error.rule, error.file) == ("SCORM CAM 3.4.1.1", "imsmanifest.xml")


# ---- organizations (SCORM CAM 3.4.1.6, 3.4.1.7) ----------------------------------------------------------------

TWO_ORGS = ('<organizations {default}>'
            '<organization identifier="a"><title>First</title><item identifier="i1" identifierref="r1">'
            '<title>One</title></item></organization>'
            '<organization identifier="b"><title>Second</title><item identifier="i2" identifierref="r1">'
            '<title>Two</title></item></organization></organizations>')


def test_default_attribute_picks_the_course_organization():
    course = parse_package(MemoryPackage(scorm2004(TWO_ORGS.format(default='default="b"'), R1), "index.html"))
    assert course.title == "Second" and [launchable.id for launchable in course.launchables] == ["i2"]


def test_without_default_the_first_organization_is_the_course():
    course = parse_package(MemoryPackage(scorm2004(TWO_ORGS.format(default=""), R1), "index.html"))
    assert course.title == "First"


def test_default_naming_no_organization_is_invalid():
    error = refused(MemoryPackage(scorm2004(TWO_ORGS.format(default='default="zzz"'), R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.6" and "zzz" in error.message


def test_missing_organizations_element_is_invalid():
    error = refused(MemoryPackage(scorm2004("", R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.6"


def test_organization_without_items_is_invalid():
    organizations = '<organizations default="o"><organization identifier="o"><title>T</title></organization></organizations>'
    error = refused(MemoryPackage(scorm2004(organizations, R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.9" and "no <item>" in error.message


def test_organization_title_defaults_to_its_identifier():
    organizations = ('<organizations default="o"><organization identifier="o"><item identifier="i1" '
                     'identifierref="r1"/></organization></organizations>')
    course = parse_package(MemoryPackage(scorm2004(organizations, R1), "index.html"))
    assert course.title == "o" and course.launchables[0].title == "i1"


def test_titles_collapse_whitespace():
    organizations = ('<organizations><organization identifier="o"><title>\n  My\n    Course </title>'
                     '<item identifier="i1" identifierref="r1"><title> A\tlesson </title></item>'
                     '</organization></organizations>')
    course = parse_package(MemoryPackage(scorm2004(organizations, R1), "index.html"))
    assert (course.title, course.launchables[0].title) == ("My Course", "A lesson")


# ---- items (SCORM CAM 3.4.1.9) ---------------------------------------------------------------------------------

def test_item_pointing_at_no_resource_is_invalid():
    error = refused(MemoryPackage(scorm2004(one_item_org(item_attributes='identifierref="nope"'), R1), "index.html"))
    assert (error.rule, error.file) == ("SCORM CAM 3.4.1.9", "imsmanifest.xml")
    assert "'nope'" in error.message


def test_item_without_identifier_is_invalid():
    organizations = ('<organizations><organization identifier="o"><title>T</title>'
                     '<item identifierref="r1"><title>x</title></item></organization></organizations>')
    assert refused(MemoryPackage(scorm2004(organizations, R1), "index.html")).rule == "SCORM CAM 3.4.1.9"


def test_duplicate_item_identifiers_are_invalid():
    organizations = ('<organizations><organization identifier="o"><title>T</title>'
                     '<item identifier="x" identifierref="r1"/><item identifier="x" identifierref="r1"/>'
                     '</organization></organizations>')
    error = refused(MemoryPackage(scorm2004(organizations, R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.9" and "twice" in error.message


def test_scorm12_organization_with_nothing_to_launch_is_invalid():
    error = refused(MemoryPackage(scorm12(one_item_org(item_attributes=""), "")))
    assert error.rule == "SCORM CAM 3.4.1.9" and "nothing to launch" in error.message


def test_2004_leaf_item_without_resource_is_invalid():
    error = refused(MemoryPackage(scorm2004(one_item_org(item_attributes=""), R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.9" and "references no resource" in error.message


def test_2004_parent_item_with_resource_is_invalid():
    body = '<item identifier="child" identifierref="r1"><title>c</title></item>'
    error = refused(MemoryPackage(scorm2004(one_item_org(body), R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.9" and "only leaf items" in error.message


def test_hidden_items_are_launchable_in_depth_first_order():
    # launch-api.md SCORM specifics: hidden ones (isvisible="false") included, depth-first
    organizations = ('<organizations><organization identifier="o"><title>T</title>'
                     '<item identifier="a"><title>A</title>'
                     '<item identifier="a1" identifierref="r1" isvisible="false"><title>A1</title></item>'
                     '<item identifier="a2" identifierref="r1"><title>A2</title></item></item>'
                     '<item identifier="b" identifierref="r1"><title>B</title></item>'
                     '</organization></organizations>')
    course = parse_package(MemoryPackage(scorm2004(organizations, R1), "index.html"))
    assert [(launchable.id, launchable.index) for launchable in course.launchables] == [("a1", 0), ("a2", 1),
                                                                                        ("b", 2)]
    assert course.structure["items"][0]["items"][0]["isVisible"] is False


# ---- resources, files and hrefs (SCORM CAM 3.4.1.23, 3.4.1.25, 3.4.1.27, 3.4.3.1) --------------------------

def test_bad_scorm_type_is_invalid():
    resource = '<resource identifier="r1" type="webcontent" adlcp:scormType="lesson" href="index.html"/>'
    error = refused(MemoryPackage(scorm2004(one_item_org(), resource), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.23" and "sco or asset" in error.message


@pytest.mark.parametrize("href, words", [
    ("../outside.html", "climbs out"), ("a/../../outside.html", "climbs out"), ("/etc/passwd", "absolute path"),
    ("javascript:alert(1)", "scheme"), ("file:///etc/passwd", "scheme"), ("%2e%2e/x.html", "climbs out")])
def test_launch_href_leaving_the_package_is_invalid(href, words):
    resource = f'<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="{href}"/>'
    error = refused(MemoryPackage(scorm2004(one_item_org(), resource)), manifest_only=True)
    assert error.rule == "SCORM CAM 3.4.1.23" and words in error.message


def test_file_href_leaving_the_package_is_invalid():
    resource = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html">'
                '<file href="../../etc/passwd"/></resource>')
    error = refused(MemoryPackage(scorm2004(one_item_org(), resource)), manifest_only=True)
    assert error.rule == "SCORM CAM 3.4.1.25"


def test_absolute_http_hrefs_are_allowed_and_not_looked_for():
    # launch-api.md SCORM specifics: absolute http(s) hrefs are allowed
    resource = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" '
                'href="https://content.example.com/sco/index.html?x=1"><file href="http://cdn.example.com/a.js"/>'
                '</resource>')
    course = parse_package(MemoryPackage(scorm2004(one_item_org(), resource)))
    launchable = course.runtime["launchables"][0]
    assert launchable["href"] == "https://content.example.com/sco/index.html?x=1"
    assert launchable["path"] is None


def test_xml_base_percent_decoding_query_and_fragment():
    # SCORM CAM 3.4.3.1; launch-api.md: percent-decoded, query and fragment dropped, xml:base applied
    manifest = scorm2004(one_item_org(), (
        '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" xml:base="unit%201/" '
        'href="my%20page.html?lang=en#start"><file href="img/a%2Bb.png"/></resource>')).replace(
        "<resources>", '<resources xml:base="content/">')
    course = parse_package(MemoryPackage(manifest, "content/unit 1/my page.html", "content/unit 1/img/a+b.png"))
    launchable = course.runtime["launchables"][0]
    assert launchable["href"] == "content/unit%201/my%20page.html?lang=en#start"
    assert launchable["path"] == "content/unit 1/my page.html"


def test_files_are_matched_case_sensitively():
    error = refused(MemoryPackage(scorm2004(one_item_org(), R1), "Index.html"))
    assert (error.rule, error.file) == ("SCORM CAM 3.4.1.23", "index.html")


def test_dependency_on_unknown_resource_is_invalid():
    resource = ('<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html">'
                '<dependency identifierref="ghost"/></resource>')
    error = refused(MemoryPackage(scorm2004(one_item_org(), resource), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.27" and "ghost" in error.message


def test_duplicate_resource_identifiers_are_invalid():
    error = refused(MemoryPackage(scorm2004(one_item_org(), R1 + R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.23"


def test_bare_manifest_with_another_name_is_inspected():
    # launch-api.md: `inspect` of a bare manifest file
    course = parse_package(ManifestOnly("course.xml", scorm2004(one_item_org(), R1).encode()), manifest_only=True)
    assert course.launchables[0].id == "i1"


# ---- item data for the run-time ---------------------------------------------------------------------------------

def test_scorm12_item_extensions_reach_runtime():
    # SCORM 1.2 adlcp:masteryscore, maxtimeallowed, timelimitaction, datafromlms, prerequisites (<item>, 3.4.1.9)
    body = ('<adlcp:masteryscore>80</adlcp:masteryscore><adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>'
            '<adlcp:timelimitaction>exit,no message</adlcp:timelimitaction>'
            '<adlcp:datafromlms>mode=quiz</adlcp:datafromlms>'
            '<adlcp:prerequisites type="aicc_script">i0 &amp; i2</adlcp:prerequisites>')
    resource = '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"/>'
    launchable = parse_package(MemoryPackage(scorm12(one_item_org(body), resource), "index.html")
                               ).runtime["launchables"][0]
    assert launchable["masteryScore"] == 80.0
    assert launchable["maxTimeAllowed"] == "00:30:00"
    assert launchable["timeLimitAction"] == "exit,no message"
    assert launchable["dataFromLMS"] == "mode=quiz"
    assert launchable["prerequisites"] == {"type": "aicc_script", "script": "i0 & i2"}


@pytest.mark.parametrize("body, rule", [
    ("<adlcp:masteryscore>eighty</adlcp:masteryscore>", "SCORM CAM 3.4.1.9"),
    ("<adlcp:masteryscore>101</adlcp:masteryscore>", "SCORM CAM 3.4.1.9"),
    ("<adlcp:timelimitaction>explode</adlcp:timelimitaction>", "SCORM CAM 3.4.1.13")])
def test_scorm12_bad_item_values_are_invalid(body, rule):
    resource = '<resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html"/>'
    assert refused(MemoryPackage(scorm12(one_item_org(body), resource), "index.html")).rule == rule


def test_completion_threshold_element_text_of_3rd_edition():
    # SCORM CAM 3.4.1.15 (3rd Edition: a decimal value)
    body = "<adlcp:completionThreshold>0.6</adlcp:completionThreshold>"
    course = parse_package(MemoryPackage(scorm2004(one_item_org(body), R1, schemaversion="2004 3rd Edition"),
                                         "index.html"))
    assert course.runtime["launchables"][0]["completionThreshold"] == {
        "completedByMeasure": True, "minProgressMeasure": 0.6, "progressWeight": 1.0}


def test_completion_threshold_attributes_of_4th_edition_with_defaults():
    body = '<adlcp:completionThreshold progressWeight="0.5"/>'
    course = parse_package(MemoryPackage(scorm2004(one_item_org(body), R1), "index.html"))
    assert course.runtime["launchables"][0]["completionThreshold"] == {
        "completedByMeasure": False, "minProgressMeasure": 1.0, "progressWeight": 0.5}


@pytest.mark.parametrize("body", ['<adlcp:completionThreshold minProgressMeasure="1.5"/>',
                                  "<adlcp:completionThreshold>high</adlcp:completionThreshold>"])
def test_bad_completion_threshold_is_invalid(body):
    error = refused(MemoryPackage(scorm2004(one_item_org(body), R1), "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.15"


def test_adlcp_map_without_target_is_invalid():
    error = refused(MemoryPackage(scorm2004(one_item_org("<adlcp:data><adlcp:map/></adlcp:data>"), R1),
                                  "index.html"))
    assert error.rule == "SCORM CAM 3.4.1.19"


# ---- sequencing (SCORM CAM 5.1.1) -------------------------------------------------------------------------------

FULL_SEQUENCING = """
<imsss:sequencing>
  <imsss:controlMode choice="false" flow="true" forwardOnly="true"/>
  <imsss:sequencingRules>
    <imsss:postConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="always"/></imsss:ruleConditions>
      <imsss:ruleAction action="exitAll"/></imsss:postConditionRule>
  </imsss:sequencingRules>
  <imsss:limitConditions attemptLimit="3"/>
  <imsss:auxiliaryResources><imsss:auxiliaryResource auxiliaryResourceID="glossary" purpose="help"/></imsss:auxiliaryResources>
  <imsss:rollupRules rollupObjectiveSatisfied="false" objectiveMeasureWeight="0.5">
    <imsss:rollupRule childActivitySet="atLeastCount" minimumCount="2">
      <imsss:rollupConditions conditionCombination="all">
        <imsss:rollupCondition operator="not" condition="attempted"/>
      </imsss:rollupConditions>
      <imsss:rollupAction action="incomplete"/>
    </imsss:rollupRule>
  </imsss:rollupRules>
  <imsss:objectives>
    <imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">
      <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
    </imsss:primaryObjective>
  </imsss:objectives>
  <imsss:randomizationControls randomizationTiming="onEachNewAttempt" selectCount="1" reorderChildren="true"/>
  <imsss:deliveryControls tracked="false"/>
</imsss:sequencing>"""


def test_cluster_sequencing_is_read_whole():
    child = '<item identifier="leaf" identifierref="r1"><title>L</title></item>'
    organization = one_item_org(child + FULL_SEQUENCING, item_attributes="")
    course = parse_package(MemoryPackage(scorm2004(organization, R1), "index.html"))
    sequencing = course.structure["items"][0]["sequencing"]
    assert sequencing["controlMode"]["forwardOnly"] is True and sequencing["controlMode"]["choiceExit"] is True
    assert sequencing["sequencingRules"]["postConditionRules"][0]["action"] == "exitAll"
    assert sequencing["limitConditions"]["attemptLimit"] == 3
    assert sequencing["auxiliaryResources"] == [{"auxiliaryResourceID": "glossary", "purpose": "help"}]
    assert sequencing["rollupRules"] == {
        "rollupObjectiveSatisfied": False, "rollupProgressCompletion": True, "objectiveMeasureWeight": 0.5,
        "rules": [{"childActivitySet": "atLeastCount", "minimumCount": 2, "minimumPercent": 0.0,
                   "conditionCombination": "all", "conditions": [{"condition": "attempted", "operator": "not"}],
                   "action": "incomplete"}]}
    assert sequencing["objectives"][0]["minNormalizedMeasure"] == 0.6
    assert sequencing["randomizationControls"] == {"randomizationTiming": "onEachNewAttempt", "selectCount": 1,
                                                   "reorderChildren": True, "selectionTiming": "never"}
    assert sequencing["deliveryControls"]["tracked"] is False
    assert course.runtime["organization"]["items"][0]["sequencing"] == sequencing


def test_idref_to_missing_collection_entry_is_invalid():
    body = '<imsss:sequencing IDRef="nowhere"/>'
    error = refused(MemoryPackage(scorm2004(one_item_org(body), R1), "index.html"))
    assert error.rule == "SCORM CAM 5.1.1" and "nowhere" in error.message


@pytest.mark.parametrize("sequencing", [
    '<imsss:controlMode choice="maybe"/>',
    '<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleConditions><imsss:ruleCondition condition="always"/>'
    '</imsss:ruleConditions><imsss:ruleAction action="jump"/></imsss:preConditionRule></imsss:sequencingRules>',
    '<imsss:sequencingRules><imsss:preConditionRule><imsss:ruleAction action="skip"/></imsss:preConditionRule>'
    '</imsss:sequencingRules>',
    '<imsss:limitConditions attemptLimit="-1"/>',
    '<imsss:objectives><imsss:objective/></imsss:objectives>',
    '<imsss:objectives><imsss:primaryObjective objectiveID="p"/></imsss:objectives>'
    '<adlseq:objectives><adlseq:objective objectiveID="other"><adlseq:mapInfo targetObjectiveID="g"/>'
    '</adlseq:objective></adlseq:objectives>'])
def test_bad_sequencing_values_are_invalid(sequencing):
    body = f"<imsss:sequencing>{sequencing}</imsss:sequencing>"
    error = refused(MemoryPackage(scorm2004(one_item_org(body), R1), "index.html"))
    assert (error.rule, error.file) == ("SCORM CAM 5.1.1", "imsmanifest.xml")


# ---- sub-manifests (IMS CP aggregation; SCORM CAM 3.4.1.9 identifierref) --------------------------------------

SUB_MANIFEST = """<manifest identifier="sub" xml:base="lessons/">
  <organizations default="so"><organization identifier="so"><title>Sub</title>
    <item identifier="s1" identifierref="sr1"><title>Sub lesson</title></item></organization></organizations>
  <resources><resource identifier="sr1" type="webcontent" adlcp:scormType="sco" href="one.html"/></resources>
</manifest>"""


def test_item_referencing_a_sub_manifest_grafts_its_organization():
    organization = one_item_org(item_attributes='identifierref="sub"')
    course = parse_package(MemoryPackage(scorm2004(organization, "", tail=SUB_MANIFEST), "lessons/one.html"))
    assert [launchable.id for launchable in course.launchables] == ["s1"]
    item = course.structure["items"][0]
    assert item["subManifest"] == "sub" and item["items"][0]["resource"]["href"] == "lessons/one.html"


def test_sub_manifest_referencing_itself_is_refused():
    looping = SUB_MANIFEST.replace('identifierref="sr1"', 'identifierref="sub"')
    organization = one_item_org(item_attributes='identifierref="sub"')
    error = refused(MemoryPackage(scorm2004(organization, "", tail=looping)), manifest_only=True)
    assert error.rule == "SCORM CAM 3.4.1.9"
