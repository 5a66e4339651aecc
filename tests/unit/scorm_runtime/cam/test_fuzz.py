"""Whatever the bytes, parse_package answers a ParsedCourse or InvalidPackage, never another exception
(issue 11, Hostile input: bad input is a clear 400, never a 500)."""
from __future__ import annotations

import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from delivery.package import InvalidPackage, ManifestOnly
from scorm_runtime.cam import parse_package

from .packages import FIXTURES, fixture

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def _seed_manifests() -> list[bytes]:
    seeds = [fixture(name).read("imsmanifest.xml") for name in (
        "golf_SequencingForcedSequential_SCORM20043rdEdition.zip", "golf_RuntimeMinimumCalls_SCORM12.zip",
        "RosesOriginal.zip", "edge_AdlAttributes_SCORM20043rdEdition.zip",
        "edge_ComplexNestedOrganization_SCORM12.zip")]
    with zipfile.ZipFile(FIXTURES / "adl_cts4ed_lms_manifests_shared.zip") as bundle:
        for package in ("LMSTestPackage_RU-07a", "LMSTestPackage_DDMa", "LMSTestPackage_CO-01", "LMSTestPackage_CM-04a"):
            seeds.append(bundle.read(f"{package}/imsmanifest.xml"))
    return seeds


SEEDS = _seed_manifests()


def outcome(manifest: bytes, **options) -> str:
    try:
        course = parse_package(ManifestOnly("imsmanifest.xml", manifest), **options)
    except InvalidPackage as error:
        assert error.message and error.rule.startswith("SCORM CAM ")
        return "invalid"
    json.dumps(course.structure), json.dumps(course.runtime)
    assert [launchable.index for launchable in course.launchables] == list(range(len(course.launchables)))
    return "parsed"


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_only_raise_invalid_package(data):
    outcome(data, manifest_only=True)
    outcome(data)


@FUZZ
@given(seed=st.sampled_from(SEEDS), start=st.integers(0, 10**6), length=st.integers(0, 400),
       insert=st.binary(max_size=40))
def test_byte_mutated_manifests_only_raise_invalid_package(seed, start, length, insert):
    start %= len(seed) + 1
    outcome(seed[:start] + insert + seed[start + length:], manifest_only=True)


ATTRIBUTE_VALUES = st.one_of(
    st.sampled_from(["", "true", "false", "TRUE", "1", "-1", "0.5", "2", "NaN", "1e999", "sco", "asset", "SCO",
                     "../x", "/abs", "http://h/x", "javascript:x", "%ff", "a%20b", "never", "always", "skip",
                     "exit,message", "ifAttempted", "?a=b", "#frag", "&x=1", " "]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))


@FUZZ
@given(seed=st.sampled_from(SEEDS), data=st.data())
def test_tree_mutated_manifests_only_raise_invalid_package(seed, data):
    root = etree.fromstring(seed, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    for _ in range(data.draw(st.integers(1, 6))):
        element = data.draw(st.sampled_from(elements))
        action = data.draw(st.sampled_from(["set", "drop-attribute", "remove", "duplicate", "text", "move"]))
        if action == "set" or (action == "drop-attribute" and not element.attrib):
            names = list(element.attrib) or ["identifier"]
            element.set(data.draw(st.sampled_from(names + ["identifierref", "IDRef", "href", "default"])),
                        data.draw(ATTRIBUTE_VALUES))
        elif action == "drop-attribute":
            del element.attrib[data.draw(st.sampled_from(list(element.attrib)))]
        elif action == "remove" and element.getparent() is not None:
            element.getparent().remove(element)
        elif action == "duplicate" and element.getparent() is not None:
            element.getparent().append(etree.fromstring(etree.tostring(element)))
        elif action == "text":
            element.text = data.draw(ATTRIBUTE_VALUES)
        elif action == "move" and element.getparent() is not None:
            target = data.draw(st.sampled_from(elements))
            if element not in target.iterancestors() and target is not element:
                target.append(element)
    try:
        manifest = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    except ValueError:  # text lxml will not serialise (control characters): nothing to parse
        return
    outcome(manifest, manifest_only=True)
