"""Reading what cam/ kept of a course for run time (ParsedCourse.runtime, stored by delivery as
StoredCourse.runtime): one launchable's launch and data-model values, and the table of contents.

One place knows the shape cam/ writes, so the rest of the runtime reads plain values."""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

_TREES: OrderedDict[str, Any] = OrderedDict()  # course id -> ActivityTree: a course never changes once stored
_TREES_MAX = 256
_TREES_LOCK = Lock()
# course id -> (the course's runtime dict, its items by launchable id): a list of 500 items was made into a map
# on every call, several times a navigation request. Kept while the course's runtime is the same object
# (delivery keeps parsed courses), so a course read afresh is indexed afresh.
_ITEMS: OrderedDict[str, tuple[Any, dict]] = OrderedDict()


def _items(course) -> dict:
    runtime = course.runtime or {}
    with _TREES_LOCK:
        found = _ITEMS.get(course.id)
        if found is not None and found[0] is runtime:
            return found[1]
    items = runtime.get("items") or runtime.get("launchables") or {}
    if isinstance(items, list):
        items = {entry.get("id") or entry.get("identifier"): entry for entry in items if isinstance(entry, dict)}
    with _TREES_LOCK:
        _ITEMS[course.id] = (runtime, items)
        while len(_ITEMS) > _TREES_MAX:
            _ITEMS.popitem(last=False)
    return items


def item_runtime(course, launchable_id: str) -> dict:
    """The runtime data cam/ kept for one launchable: {"href", "parameters", "scormType", "masteryScore",
    "dataFromLMS", "maxTimeAllowed", "timeLimitAction", "prerequisites", "completionThreshold",
    "objectives", ...}; {} when there is none."""
    data = dict(_items(course).get(launchable_id) or {})
    prerequisites = data.get("prerequisites")
    if isinstance(prerequisites, dict):  # {"type": "aicc_script", "script": TEXT}
        data["prerequisites"] = prerequisites.get("script") or ""
    return data


def scorm_type(course, launchable_id: str) -> str:
    item = _items(course).get(launchable_id) or {}
    value = item.get("scormType") or item.get("scormtype")
    return "asset" if str(value or "").lower() == "asset" else "sco"


def depths(course) -> dict[str, int]:
    """The depth of each item in the structure's tree (0 for a child of the organization)."""
    found: dict[str, int] = {}

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, dict):
            identifier = node.get("identifier") or node.get("id")
            children = node.get("items") or node.get("children") or []
            if isinstance(identifier, str) and identifier not in found:
                found[identifier] = depth
            for child in children if isinstance(children, list) else []:
                walk(child, depth + 1)
        elif isinstance(node, list):
            for child in node:
                walk(child, depth)

    structure = course.structure or {}
    organization = structure.get("organization") or structure
    for child in organization.get("items") or organization.get("children") or []:
        walk(child, 0)
    return found


def sequenced(course) -> bool:
    """SCORM 2004 courses run the sequencing engine (launch-api.md, SCORM specifics: "2004 runs its
    sequencing on the server"); 1.2 keeps its prerequisites."""
    return course.standard == "scorm2004" and bool((course.runtime or {}).get("organization"))


def activity_tree(course):
    """The course's activity tree (scorm_runtime.sequencing.build_tree), built once per course: building is
    linear in the items but not free (about 14 ms for 500 activities)."""
    from scorm_runtime.sequencing import build_tree
    with _TREES_LOCK:
        tree = _TREES.get(course.id)
        if tree is not None:
            _TREES.move_to_end(course.id)
            return tree
    tree = build_tree(course.runtime["organization"])
    with _TREES_LOCK:
        _TREES[course.id] = tree
        while len(_TREES) > _TREES_MAX:
            _TREES.popitem(last=False)
    return tree
