"""Selection and randomization (SN book SR.1 Select Children Process, SR.2 Randomize Children Process).

The Available Children of a cluster are a pure function of (registration seed, activity, attempt the order is
for), so every look-ahead sees the order that delivery will store, and an order stays stable within an attempt
and across launches. Timing `once` draws for the first attempt only; `onEachNewAttempt` draws for every attempt;
`never` keeps the manifest's children and order."""
from __future__ import annotations

import random

from .activity_tree import Activity
from .tracking import Tracking


def _randomized(activity: Activity) -> bool:
    controls = activity.sequencing["randomizationControls"]
    selects = controls["selectionTiming"] != "never" and controls["selectCount"] is not None
    reorders = controls["randomizationTiming"] != "never" and controls["reorderChildren"]
    return selects or reorders


def _attempt_for(tracking: Tracking, activity: Activity) -> int:
    """The attempt whose children a flow into the activity sees: the current one, else the next one."""
    state = tracking.activities.get(activity.identifier)
    if state is None:
        return 1
    return state.attempt_count if (state.active or state.suspended) else state.attempt_count + 1


def draw_order(tracking: Tracking, activity: Activity, attempt: int) -> list[str]:
    """SR.1 then SR.2 for one attempt, reproducibly."""
    controls = activity.sequencing["randomizationControls"]
    children = [child.identifier for child in activity.children]
    selection_timing, count = controls["selectionTiming"], controls["selectCount"]
    if selection_timing != "never" and count is not None and count < len(children):
        draw = attempt if selection_timing == "onEachNewAttempt" else 1
        chosen = set(random.Random(f"{tracking.seed}:select:{activity.identifier}:{draw}").sample(children, count))
        children = [child for child in children if child in chosen]  # SR.1 keeps the selected children's order
    timing = controls["randomizationTiming"]
    if timing != "never" and controls["reorderChildren"]:
        draw = attempt if timing == "onEachNewAttempt" else 1
        random.Random(f"{tracking.seed}:reorder:{activity.identifier}:{draw}").shuffle(children)
    return children


def available_children(tracking: Tracking, activity: Activity) -> tuple[Activity, ...] | list[Activity]:
    """The Available Children of a cluster (SN 4.2 Activity State: Available Children)."""
    if not activity.children or not _randomized(activity):
        return activity.children
    attempt = _attempt_for(tracking, activity)
    state = tracking.activities.get(activity.identifier)
    if state is not None and state.order is not None and state.order_attempt == attempt:
        order = state.order
    else:
        order = draw_order(tracking, activity, attempt)
    by_id = activity.child_index
    return [activity.children[by_id[identifier]] for identifier in order if identifier in by_id]


def fix_order(tracking: Tracking, activity: Activity) -> None:
    """Store the Available Children as a new attempt on the cluster begins (DB.2), so they stay stable."""
    if activity.children and _randomized(activity):
        state = tracking.state(activity.identifier)
        attempt = state.attempt_count
        if state.order is None or state.order_attempt != attempt:
            state.order = draw_order(tracking, activity, attempt)
            state.order_attempt = attempt
