"""The requirement matrix reads citations from tests and outcomes from JUnit XML."""
from __future__ import annotations

from pathlib import Path

from conformance.report import build_report, citations_in_tests, load_requirements, outcomes_from_junit


def _write_tests(root: Path) -> Path:
    tests = root / "tests"
    tests.mkdir()
    (tests / "test_sample.py").write_text(
        "def test_put_conflict():  # xAPI-Communication 2.1.1.s2.b2\n    pass\n\n"
        "def test_range():\n    '''xAPI-Communication 1.3.s3.b1-b3'''\n\n"
        "def helper():  # xAPI-Communication 2.1.1.s2.b4\n    pass\n")
    return tests


def test_citations_tie_tests_to_bullets_and_expand_ranges(tmp_path):
    cited = citations_in_tests(_write_tests(tmp_path))
    assert cited["xAPI-Communication 2.1.1.s2.b2"] == ["tests/test_sample.py::test_put_conflict"]
    assert set(cited) >= {"xAPI-Communication 1.3.s3.b1", "xAPI-Communication 1.3.s3.b2",
                          "xAPI-Communication 1.3.s3.b3"}
    assert "xAPI-Communication 2.1.1.s2.b4" not in cited  # not a test function


def test_junit_outcomes_decide_covered_and_failing(tmp_path):
    tests = _write_tests(tmp_path)
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite>'
        '<testcase classname="tests.test_sample" name="test_put_conflict[sqlite]"/>'
        '<testcase classname="tests.test_sample" name="test_range[sqlite]"/>'
        '<testcase classname="tests.test_sample" name="test_range[postgresql]"><failure/></testcase>'
        '</testsuite></testsuites>')
    assert outcomes_from_junit(junit) == {"tests/test_sample.py::test_put_conflict": True,
                                          "tests/test_sample.py::test_range": False}
    statuses = {s.requirement["id"]: s.status for s in build_report(tests, junit)}
    assert statuses["xAPI-Communication 2.1.1.s2.b2"] == "covered"
    assert statuses["xAPI-Communication 1.3.s3.b1"] == "failing"
    assert statuses["xAPI-Communication 2.1.3.s2.b1"] == "missing"


def test_requirements_are_extracted_from_the_specification():
    ids = {requirement["id"] for requirement in load_requirements()}
    assert "xAPI-Communication 2.1.1.s2.b2" in ids and "xAPI-Data 2.3.2.s2.b3" in ids
    assert len(ids) > 150


def test_a_citation_may_list_several_bullets_and_2_0_rows(tmp_path):
    tests_root = tmp_path / "tests"
    tests_root.mkdir()
    (tests_root / "test_cited.py").write_text(
        "def test_one():  # xAPI-Communication 3.1.s4.b5, b9-b10 and xAPI-2.0 s22\n    pass\n")
    cited = citations_in_tests(tests_root)
    assert sorted(cited) == ["xAPI-2.0 s22", "xAPI-Communication 3.1.s4.b10", "xAPI-Communication 3.1.s4.b5",
                             "xAPI-Communication 3.1.s4.b9"]


def test_a_citation_may_list_anchors_of_several_sections(tmp_path):
    tests_root = tmp_path / "tests"
    tests_root.mkdir()
    (tests_root / "test_cited.py").write_text(
        "def test_one():  # xAPI-Communication 2.2.s7, 2.6.s3; 3.1.s4.b1, b4\n    pass\n")
    assert sorted(citations_in_tests(tests_root)) == [
        "xAPI-Communication 2.2.s7", "xAPI-Communication 2.6.s3", "xAPI-Communication 3.1.s4.b1",
        "xAPI-Communication 3.1.s4.b4"]
