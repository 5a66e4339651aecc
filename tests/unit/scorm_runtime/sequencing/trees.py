"""Small hand-written activity trees for the SN process tests, in cam's organization shape."""
from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from delivery.package import ManifestOnly
from scorm_runtime.cam import default_sequencing, parse_package
from scorm_runtime.sequencing import SequencingSession, Tracking, build_tree

FIXTURES = Path(__file__).parents[4] / ".." / "shared" / "fixtures" / "scorm"


def seq(**overrides) -> dict:
    """A sequencing definition: the defaults with nested overrides, e.g. seq(controlMode={"flow": True})."""
    sequencing = default_sequencing()
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(sequencing.get(key), dict):
            sequencing[key] = {**sequencing[key], **copy.deepcopy(value)}
        else:
            sequencing[key] = copy.deepcopy(value)
    return sequencing


def rule(action: str, *conditions, combination: str = "all") -> dict:
    """A sequencing rule; a condition is "name", "not name" or (name, referencedObjective[, threshold])."""
    parsed = []
    for condition in conditions:
        if isinstance(condition, tuple):
            name, objective, *threshold = condition
        else:
            name, objective, threshold = condition, None, []
        operator = "noOp"
        if name.startswith("not "):
            operator, name = "not", name[4:]
        parsed.append({"condition": name, "operator": operator, "referencedObjective": objective,
                       "measureThreshold": threshold[0] if threshold else 0.0})
    return {"conditionCombination": combination, "conditions": parsed, "action": action}


def rollup_rule(action: str, child_set: str, *conditions, minimum_count=0, minimum_percent=0.0,
                combination: str = "any") -> dict:
    parsed = [{"condition": c[4:], "operator": "not"} if c.startswith("not ") else
              {"condition": c, "operator": "noOp"} for c in conditions]
    return {"childActivitySet": child_set, "minimumCount": minimum_count, "minimumPercent": minimum_percent,
            "conditionCombination": combination, "conditions": parsed, "action": action}


def objective(key, *, primary=False, by_measure=False, threshold=1.0, maps=()) -> dict:
    return {"objectiveID": key, "primary": primary, "satisfiedByMeasure": by_measure,
            "minNormalizedMeasure": threshold, "adlseqMapInfo": [],
            "mapInfo": [{"targetObjectiveID": target, "readSatisfiedStatus": "r" in mode,
                         "readNormalizedMeasure": "r" in mode, "writeSatisfiedStatus": "w" in mode,
                         "writeNormalizedMeasure": "w" in mode} for target, mode in maps]}


def item(identifier: str, *children: dict, sequencing: dict | None = None, visible: bool = True,
         threshold: dict | None = None) -> dict:
    return {"identifier": identifier, "title": identifier.title(), "isVisible": visible,
            "launchable": None, "sequencing": sequencing, "completionThreshold": threshold,
            "items": list(children)}


def tree_of(root: dict):
    """Number the leaves as launchables, in document order, like cam does."""
    counter = iter(range(10_000))

    def number(node):
        if not node["items"]:
            node["launchable"] = next(counter)
        for child in node["items"]:
            number(child)
    root = copy.deepcopy(root)
    number(root)
    return build_tree(root)


def session(root: dict, seed: int = 7) -> SequencingSession:
    return SequencingSession(tree_of(root), Tracking(seed=seed))


def flow_course(*leaves: str, **root_sequencing) -> dict:
    """A root with flow enabled over the given leaves."""
    root_seq = seq(controlMode={"flow": True, **root_sequencing.pop("controlMode", {})}, **root_sequencing)
    return item("root", *(item(leaf) for leaf in leaves), sequencing=root_seq)


def manifest_tree(archive: Path, member: str = "imsmanifest.xml"):
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read(member)
    course = parse_package(ManifestOnly("imsmanifest.xml", data), manifest_only=True)
    return build_tree(course.runtime["organization"]), course
