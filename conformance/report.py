"""The requirement matrix report: which MUSTs are proved by a passing test, failing, or not tested.

Tests cite what they prove in a comment or docstring, e.g. `# xAPI-Communication 2.1.1.s2.b3`; a
citation of a numbered bullet (s<N>.b<N>, ranges like b1-b3 allowed) ties the test to that requirement.
"""
from __future__ import annotations

import ast
import re
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
        if self.not_applicable and not self.tests:
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


def citations_in_tests(tests_root: Path) -> dict[str, list[str]]:
    """Requirement id -> test node ids (path::function) whose source cites it."""
    cited: dict[str, list[str]] = {}
    for path in sorted(tests_root.rglob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        relative = path.relative_to(tests_root.parent).as_posix()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                text = "\n".join(lines[node.lineno - 1:node.end_lineno])
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
        if requirement["applies"] != "lrs":
            continue
        status = RequirementStatus(requirement, tests=sorted(set(cited.get(requirement["id"], []))),
                                   not_applicable=not_applicable.get(requirement["id"]))
        for test in status.tests:
            if test in outcomes:
                (status.passed if outcomes[test] else status.failed).append(test)
        statuses.append(status)
    return statuses


def render(statuses: list[RequirementStatus], *, show: set[str]) -> str:
    counts: dict[str, int] = {}
    lines = []
    for status in statuses:
        counts[status.status] = counts.get(status.status, 0) + 1
        if status.status in show:
            requirement = status.requirement
            lines.append(f"{status.status:8} {requirement['id']:38} {requirement['level']:9} "
                         f"{requirement['text'][:90]}")
            if status.status == "n/a":
                lines.append(f"{'':8} {'':38} -- {status.not_applicable}")
            for test in status.failed or status.tests[:3]:
                lines.append(f"{'':8} {'':38} -> {test}")
    summary = ", ".join(f"{counts.get(name, 0)} {name}" for name in ("covered", "cited", "failing", "missing", "n/a"))
    lines.append(f"{len(statuses)} LRS requirements: {summary}")
    return "\n".join(lines)
