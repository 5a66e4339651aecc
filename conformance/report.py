"""The requirement matrix report: which MUSTs are proved by a passing test, failing, or not tested.

Tests cite what they prove in a comment or docstring, e.g. `# xAPI-Communication 2.1.1.s2.b3`; a
citation of a numbered bullet (s<N>.b<N>, ranges like b1-b3 allowed) ties the test to that requirement.

A citation is a claim; only a test outcome proves it. So a requirement counts as covered only when a
citing test passed in the JUnit results. The report lists apart the MUSTs that rest on a citation
alone (every citing test was skipped, deselected or not run) and the citations of rules that bind
another party or do not apply here: a test cannot prove those, so such a citation points at the wrong
sentence.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path

import orjson

REQUIREMENTS = Path(__file__).with_name("requirements")
# A citation names a document, then anchors separated by commas or semicolons; a bare "bN" continues
# the previous anchor's section: "xAPI-Communication 2.2.s7, 3.1.s4.b5, b9-b12" cites 2.2.s7, 3.1.s4.b5
# and 3.1.s4.b9 to b12.
_ANCHOR = r"(?:\d+\.)*\d+\.s\d+(?:\.b\d+|\.\d+)*(?:-b\d+)?"
_CITATION = re.compile(rf"(xAPI-(?:Communication|Data|About)) ({_ANCHOR}(?:[,;]\s*(?:{_ANCHOR}|b\d+(?:-b\d+)?))*)"
                       # xAPI 2.0 deltas: change-log rows (s22, x1, s1-s3) or section-slug ids.
                       r"|(xAPI-2\.0) ([0-9a-z][\w.]*(?:-[\w.]+)*)")


@dataclass
class RequirementStatus:
    requirement: dict
    tests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    not_applicable: str | None = None

    @property
    def status(self) -> str:
        if self.requirement["applies"] != "lrs":
            return "not binding"
        if self.not_applicable:
            return "n/a"
        if not self.tests:
            return "missing"
        if self.failed:
            return "failing"
        return "covered" if self.passed else "cited"


NOT_APPLICABLE = REQUIREMENTS / "not-applicable.json"


def load_not_applicable() -> dict[str, str]:
    """Requirement id -> why it does not bind this LRS (a client's rule, OAuth 1.0, ...)."""
    return orjson.loads(NOT_APPLICABLE.read_bytes()) if NOT_APPLICABLE.exists() else {}


def load_requirements() -> list[dict]:
    requirements = []
    for path in sorted(REQUIREMENTS.glob("xapi-*.json")):
        requirements.extend(orjson.loads(path.read_bytes()))
    return requirements


def _expand(document: str, citation: str) -> list[str]:
    """'2.1.1.s2.b2-b4' -> the three bullet ids; '3.1.s4.b5, b9; 2.2.s7' -> three."""
    anchors: list[str] = []
    for part in re.split(r"[,;]", citation):
        part = part.strip()
        if part.startswith("b") and anchors:
            part = anchors[-1].rsplit(".b", 1)[0] + "." + part
        anchors.append(part)
    return [requirement for anchor in anchors for requirement in _expand_range(document, anchor)]


def _expand_range(document: str, anchor: str) -> list[str]:
    match = re.fullmatch(r"(.*\.b)(\d+)-b(\d+)", anchor)
    if not match:
        return [f"{document} {anchor}"]
    prefix, first, last = match.group(1), int(match.group(2)), int(match.group(3))
    return [f"{document} {prefix}{number}" for number in range(first, last + 1)]


def _comments_by_line(source: str) -> dict[int, str]:
    return {token.start[0]: token.string for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type == tokenize.COMMENT}


def citations_in_tests(tests_root: Path) -> dict[str, list[str]]:
    """Requirement id -> test node ids (path::function) whose comments or docstring cite it; other
    strings in a test (data it sends, source it writes) are not citations."""
    cited: dict[str, list[str]] = {}
    for path in sorted(tests_root.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        comments = _comments_by_line(source)
        relative = path.relative_to(tests_root.parent).as_posix()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                text = "\n".join([ast.get_docstring(node) or ""] + [
                    comments[line] for line in range(node.lineno, node.end_lineno + 1) if line in comments])
                for match in _CITATION.finditer(text):
                    if match.group(3):
                        cited.setdefault(f"xAPI-2.0 {match.group(4).rstrip('.')}", []).append(
                            f"{relative}::{node.name}")
                        continue
                    for requirement_id in _expand(match.group(1), match.group(2)):
                        cited.setdefault(requirement_id, []).append(f"{relative}::{node.name}")
    return cited


def outcomes_from_junit(junit_path: Path) -> dict[str, bool]:
    """Test node id (without parameters) -> passed; a parametrised test passes only if every case does."""
    outcomes: dict[str, bool] = {}
    for case in ElementTree.parse(junit_path).iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        name = case.get("name", "").split("[")[0]
        node = f"{module}.py::{name}"
        failed = any(child.tag in ("failure", "error") for child in case)
        skipped = any(child.tag == "skipped" for child in case)
        if skipped and node not in outcomes:
            continue
        outcomes[node] = outcomes.get(node, True) and not failed
    return outcomes


def build_report(tests_root: Path, junit_path: Path | None) -> list[RequirementStatus]:
    cited = citations_in_tests(tests_root)
    outcomes = outcomes_from_junit(junit_path) if junit_path else {}
    not_applicable = load_not_applicable()
    statuses = []
    for requirement in load_requirements():
        if requirement["applies"] != "lrs" and requirement["id"] not in cited:
            continue  # another party's rule matters here only when a test claims to prove it
        status = RequirementStatus(requirement, tests=sorted(set(cited.get(requirement["id"], []))),
                                   not_applicable=not_applicable.get(requirement["id"]))
        for test in status.tests:
            if test in outcomes:
                (status.passed if outcomes[test] else status.failed).append(test)
        statuses.append(status)
    return statuses


def citation_alone(statuses: list[RequirementStatus]) -> list[RequirementStatus]:
    """LRS MUSTs that tests cite but no test outcome proves: every citing test was skipped or not run."""
    return [status for status in statuses if status.status == "cited"]


def misdirected_citations(statuses: list[RequirementStatus]) -> list[RequirementStatus]:
    """Cited rules that no LRS test can prove: another party's rule, or one that does not apply here."""
    return [status for status in statuses if status.status in ("not binding", "n/a") and status.tests]


def _lines(status: RequirementStatus, tests: list[str]) -> list[str]:
    requirement = status.requirement
    lines = [f"{status.status:11} {requirement['id']:38} {requirement['level']:9} {requirement['text'][:90]}"]
    if status.not_applicable:
        lines.append(f"{'':11} {'':38} -- {status.not_applicable}")
    lines.extend(f"{'':11} {'':38} -> {test}" for test in tests)
    return lines


def render(statuses: list[RequirementStatus], *, show: set[str]) -> str:
    counts: dict[str, int] = {}
    lines = []
    for status in statuses:
        counts[status.status] = counts.get(status.status, 0) + 1
        if status.status in show:
            lines.extend(_lines(status, status.failed or status.tests[:3]))
    alone = citation_alone(statuses)
    if alone and not any(status.passed or status.failed for status in statuses):
        lines.append(f"{len(alone)} MUSTs rest on a citation alone: no --junit results were given")
    elif alone:
        lines.append(f"-- {len(alone)} MUSTs covered by a citation alone (no citing test ran):")
        for status in alone:
            lines.extend(_lines(status, status.tests[:3]))
    misdirected = misdirected_citations(statuses)
    if misdirected:
        lines.append(f"-- {len(misdirected)} citations of rules no LRS test can prove (another party's, or n/a):")
        for status in misdirected:
            lines.extend(_lines(status, status.tests))
    summary = ", ".join(f"{counts.get(name, 0)} {label}" for name, label in (
        ("covered", "covered"), ("cited", "cited (citation alone)"), ("failing", "failing"),
        ("missing", "missing"), ("n/a", "n/a")))
    binding = len(statuses) - counts.get("not binding", 0)
    lines.append(f"{binding} LRS requirements: {summary}")
    return "\n".join(lines)
