"""The activity tree (SN book 1.1 Activities, 3.1 Sequencing Definition Model) built from cam's organization.

The tree is static per course: it holds the Sequencing Definition Model of every activity (cam already merged
sequencingCollection/IDRef and filled the defaults, see scorm_runtime/cam/sequencing.py) and never any learner
state; that lives in tracking.Tracking. Build it once per course and reuse it across registrations."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorm_runtime.cam import default_sequencing

PRIMARY = ""  # key of a primary objective whose manifest gives no objectiveID (SN 3.10: every activity has one)


@dataclass(frozen=True, slots=True)
class ObjectiveDefinition:
    """One <imsss:objective>/<imsss:primaryObjective> (SN 3.10 Objective Description)."""
    key: str
    primary: bool
    satisfied_by_measure: bool
    min_normalized_measure: float
    map_info: tuple[dict, ...]
    adl_map_info: tuple[dict, ...]


@dataclass(eq=False, slots=True)
class Activity:
    identifier: str
    title: str
    sequencing: dict
    parent: Activity | None = None
    children: tuple[Activity, ...] = ()
    launchable: int | None = None
    is_visible: bool = True
    completion_threshold: dict | None = None
    objectives: dict[str, ObjectiveDefinition] = field(default_factory=dict)
    primary_objective: str = PRIMARY
    depth: int = 0
    order: int = 0  # position in a preorder walk of the whole tree (SN: "forward preorder traversal")
    child_index: dict[str, int] = field(default_factory=dict)
    attempt_duration_limit: float | None = None  # seconds, from limitConditions@attemptAbsoluteDurationLimit

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def control(self) -> dict:
        return self.sequencing["controlMode"]

    @property
    def tracked(self) -> bool:
        return self.sequencing["deliveryControls"]["tracked"]

    def rules(self, kind: str) -> list[dict]:
        return self.sequencing["sequencingRules"][kind]

    def path_to_root(self) -> list[Activity]:
        """The activity, its parent, ..., the root."""
        path, node = [], self
        while node is not None:
            path.append(node)
            node = node.parent
        return path

    def is_ancestor_of(self, other: Activity) -> bool:
        node = other.parent
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False

    def __repr__(self) -> str:
        return f"<Activity {self.identifier}>"


class ActivityTree:
    """The activity tree of one organization; activities by identifier and in preorder."""

    def __init__(self, root: Activity, *, objectives_global_to_system: bool = True,
                 shared_data_global_to_system: bool = True):
        self.root = root
        self.objectives_global_to_system = objectives_global_to_system
        self.shared_data_global_to_system = shared_data_global_to_system
        self.preorder: list[Activity] = []
        stack = [root]
        while stack:
            activity = stack.pop()
            activity.order = len(self.preorder)
            self.preorder.append(activity)
            stack.extend(reversed(activity.children))
        self.by_id = {activity.identifier: activity for activity in self.preorder}
        self.leaves = [activity for activity in self.preorder if activity.is_leaf]

    def __len__(self) -> int:
        return len(self.preorder)

    def get(self, identifier: str | None) -> Activity | None:
        return None if identifier is None else self.by_id.get(identifier)

    def __getitem__(self, identifier: str) -> Activity:
        return self.by_id[identifier]

    @staticmethod
    def common_ancestor(first: Activity, second: Activity) -> Activity:
        """The nearest activity that is `first` or an ancestor of it and also `second` or an ancestor of it."""
        seen = set(map(id, first.path_to_root()))
        node = second
        while id(node) not in seen:
            node = node.parent
        return node


def build_tree(organization: dict) -> ActivityTree:
    """cam's runtime["organization"] (or structure) -> ActivityTree; the organization is the root activity."""
    root = _activity(organization, None, 0)
    return ActivityTree(root, objectives_global_to_system=organization.get("objectivesGlobalToSystem", True),
                        shared_data_global_to_system=organization.get("sharedDataGlobalToSystem", True))


def _activity(item: dict, parent: Activity | None, depth: int) -> Activity:
    sequencing = item.get("sequencing") or default_sequencing()
    activity = Activity(identifier=item["identifier"], title=item.get("title") or "", sequencing=sequencing,
                        parent=parent, launchable=item.get("launchable"), is_visible=item.get("isVisible", True),
                        completion_threshold=item.get("completionThreshold"), depth=depth)
    _objectives(activity)
    activity.attempt_duration_limit = parse_duration(sequencing["limitConditions"]["attemptAbsoluteDurationLimit"])
    activity.children = tuple(_activity(child, activity, depth + 1) for child in item.get("items") or ())
    activity.child_index = {child.identifier: index for index, child in enumerate(activity.children)}
    return activity


def _objectives(activity: Activity) -> None:
    for objective in activity.sequencing["objectives"]:
        key = objective["objectiveID"] or PRIMARY if objective["primary"] else objective["objectiveID"]
        if key is None:
            continue
        activity.objectives[key] = ObjectiveDefinition(
            key=key, primary=objective["primary"], satisfied_by_measure=objective["satisfiedByMeasure"],
            min_normalized_measure=objective["minNormalizedMeasure"], map_info=tuple(objective["mapInfo"]),
            adl_map_info=tuple(objective.get("adlseqMapInfo") or ()))
        if objective["primary"]:
            activity.primary_objective = key
    if activity.primary_objective not in activity.objectives:
        # SN 3.10.1: an activity without a declared primary objective still has one, contributing to rollup
        activity.objectives[activity.primary_objective] = ObjectiveDefinition(
            key=PRIMARY, primary=True, satisfied_by_measure=False, min_normalized_measure=1.0, map_info=(),
            adl_map_info=())


_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str | None) -> float | None:
    """An xs:duration (SCORM timeinterval) in seconds; None when absent or unreadable (no limit)."""
    if not text:
        return None
    match = _DURATION.match(text.strip())
    if not match or text.strip() in ("P", "PT"):
        return None
    years, months, days, hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    return (((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes) * 60 + seconds
