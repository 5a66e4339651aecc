"""The registry picks a package's standard by its root file, cmi5.xml before imsmanifest.xml (launch-api.md,
Courses: "A zip with a cmi5.xml at its root is a cmi5 course, even if it also has an imsmanifest.xml")."""
from __future__ import annotations

import pytest

from delivery.package import InvalidPackage
from delivery.standard import StandardRegistry


class _Named:
    def __init__(self, root_file: str, course_standards: tuple[str, ...]):
        self.root_file = root_file
        self.course_standards = course_standards


SCORM = _Named("imsmanifest.xml", ("scorm12", "scorm2004"))
CMI5 = _Named("cmi5.xml", ("cmi5",))


def test_cmi5_xml_wins_over_imsmanifest_xml_whatever_the_registration_order():
    registry = StandardRegistry([SCORM, CMI5])
    assert registry.for_package(frozenset({"imsmanifest.xml", "cmi5.xml", "a.html"})) == (CMI5, "cmi5.xml")
    assert registry.for_package(frozenset({"imsmanifest.xml"})) == (SCORM, "imsmanifest.xml")


def test_root_files_count_only_at_the_root():
    registry = StandardRegistry([SCORM, CMI5])
    with pytest.raises(InvalidPackage) as refused:
        registry.for_package(frozenset({"course/imsmanifest.xml", "course/cmi5.xml"}))
    assert refused.value.rule == "SCORM CAM 3.4.1.1" and "cmi5.xml or imsmanifest.xml" in refused.value.message


def test_a_course_finds_its_standard_by_its_standard_value():
    registry = StandardRegistry([SCORM, CMI5])
    assert registry.for_course("scorm2004") is SCORM and registry.for_course("cmi5") is CMI5
    with pytest.raises(LookupError):
        registry.for_course("aicc")


def test_a_bare_file_finds_its_standard_by_name():
    registry = StandardRegistry([SCORM])
    assert registry.for_root_file("imsmanifest.xml") is SCORM
    with pytest.raises(InvalidPackage):
        registry.for_root_file("cmi5.xml")
