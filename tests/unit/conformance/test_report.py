"""The requirement matrix reads citations from tests and outcomes from JUnit XML."""
from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from conformance.extract import extract
from conformance.report import (build_report, citation_alone, citations_in_tests, load_requirements,
                                misdirected_citations, outcomes_from_junit, render)


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


def test_a_must_whose_citing_tests_never_ran_rests_on_its_citation_alone(tmp_path):
    tests_root = tmp_path / "tests"
    tests_root.mkdir()
    (tests_root / "test_cited.py").write_text(
        "def test_ran():  # xAPI-Communication 2.1.1.s2.b2\n    pass\n\n"
        "def test_skipped():  # xAPI-Communication 1.3.s3.b1\n    pass\n")
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite>'
                     '<testcase classname="tests.test_cited" name="test_ran"/>'
                     '<testcase classname="tests.test_cited" name="test_skipped"><skipped/></testcase>'
                     '</testsuite></testsuites>')
    statuses = build_report(tests_root, junit)
    assert [s.requirement["id"] for s in citation_alone(statuses)] == ["xAPI-Communication 1.3.s3.b1"]
    report = render(statuses, show=set())
    assert "1 MUSTs covered by a citation alone" in report
    assert "xAPI-Communication 1.3.s3.b1" in report and "-> tests/test_cited.py::test_skipped" in report
    assert "1 covered, 1 cited (citation alone)" in report


def test_citations_of_rules_that_bind_others_or_do_not_apply_are_listed_not_counted(tmp_path):
    # Communication 3.1.s3.b1 binds clients; 4.1.s7.b1 is OAuth 1.0: a passing test proves neither.
    tests_root = tmp_path / "tests"
    tests_root.mkdir()
    (tests_root / "test_cited.py").write_text(
        "def test_misdirected():  # xAPI-Communication 3.1.s3.b1, 4.1.s7.b1\n    pass\n")
    junit = tmp_path / "junit.xml"
    junit.write_text('<testsuites><testsuite><testcase classname="tests.test_cited" name="test_misdirected"/>'
                     '</testsuite></testsuites>')
    statuses = build_report(tests_root, junit)
    by_id = {s.requirement["id"]: s.status for s in statuses}
    assert by_id["xAPI-Communication 3.1.s3.b1"] == "not binding"
    assert by_id["xAPI-Communication 4.1.s7.b1"] == "n/a"
    assert {s.requirement["id"] for s in misdirected_citations(statuses)} == {
        "xAPI-Communication 3.1.s3.b1", "xAPI-Communication 4.1.s7.b1"}
    report = render(statuses, show=set())
    assert "2 citations of rules no LRS test can prove" in report
    assert "0 covered" in report
    binding = sum(1 for s in load_requirements() if s["applies"] == "lrs")
    assert report.splitlines()[-1].startswith(f"{binding} LRS requirements")


def test_sub_bullets_inherit_their_parents_must():  # "The LRS MUST reject Statements" / "where a key ..."
    requirements = {requirement["id"]: requirement for requirement in load_requirements()}
    disallowed = requirements["xAPI-Data 2.2.s4.b1.b7"]
    assert disallowed["level"] == "MUST" and disallowed["applies"] == "lrs"
    assert disallowed["text"] == "The LRS MUST reject Statements where a key or value is not allowed by this specification."
    assert "xAPI-Communication 1.1.s3.b1.b2" not in requirements  # its own MAY wins over the parent's MUST


def test_the_stored_requirements_are_what_the_extractor_reads_from_the_specification():
    specs = Path(__file__).resolve().parents[4] / "shared" / "specs" / "xapi-1.0.3"
    if not specs.exists():
        pytest.skip(f"the xAPI 1.0.3 markdown is not beside the repository ({specs})")
    stored = orjson.loads((Path(__file__).resolve().parents[3] / "conformance" / "requirements" /
                           "xapi-1.0.3.json").read_bytes())
    assert extract(specs) == stored


def test_only_comments_and_docstrings_cite(tmp_path):
    # A test that sends or writes a citation-like string proves nothing about that requirement.
    tests_root = tmp_path / "tests"
    tests_root.mkdir()
    (tests_root / "test_cited.py").write_text(
        "def test_one():  # xAPI-Communication 2.1.1.s2.b2\n"
        "    \"\"\"Also xAPI-Communication 1.3.s3.b1.\"\"\"\n"
        "    source = 'def test_x():  # xAPI-Communication 3.1.s4.b9'\n")
    assert sorted(citations_in_tests(tests_root)) == ["xAPI-Communication 1.3.s3.b1",
                                                      "xAPI-Communication 2.1.1.s2.b2"]
