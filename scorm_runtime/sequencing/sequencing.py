"""Sequencing request processes (SN book, 4th ed): SB.2.1 Flow Tree Traversal, SB.2.2 Flow Activity Traversal,
SB.2.3 Flow, SB.2.4 Choice Activity Traversal, SB.2.5 Start, SB.2.6 Resume All, SB.2.7 Continue, SB.2.8 Previous,
SB.2.9 Choice (with SB.2.9.1 Choice Flow and SB.2.9.2 Choice Flow Tree Traversal), SB.2.10 Retry, SB.2.11 Exit,
SB.2.13 Jump, and SB.2.12 Sequencing Request Process that dispatches them.

The processes read the tracking model and never change it, so the same code answers look-ahead questions
(adl.nav.request_valid, the table of contents); the two side effects the book puts here (ending attempts when a
flow runs off the tree, and SB.2.9's "nothing to deliver") are returned for the overall process to apply."""
from __future__ import annotations

from dataclasses import dataclass

from . import rules
from .activity_tree import Activity, ActivityTree
from .exceptions import SequencingError
from .randomization import available_children
from .tracking import Tracking

FORWARD, BACKWARD = "forward", "backward"


@dataclass(slots=True)
class SequencingResult:
    deliver: Activity | None = None
    end_session: bool = False
    choice_nothing_to_deliver: tuple[Activity, Activity] | None = None  # (common ancestor, target) for SB.2.9-9


def _available(tracking: Tracking, activity: Activity) -> list[Activity] | tuple[Activity, ...]:
    return available_children(tracking, activity)


def _is_last_in_tree(tracking: Tracking, activity: Activity) -> bool:
    """Last activity of a forward preorder traversal over the available children."""
    if _available(tracking, activity):
        return False
    node = activity
    while node.parent is not None:
        siblings = _available(tracking, node.parent)
        if not siblings or siblings[-1] is not node:
            return False
        node = node.parent
    return True


def flow_tree_traversal(tracking: Tracking, activity: Activity, direction: str, consider_children: bool,
                        previous_direction: str | None = None) -> tuple[Activity, str]:
    """SB.2.1 Flow Tree Traversal Subprocess -> (next activity, direction); raises at the ends of the tree."""
    reversed_direction = False
    while True:
        parent = activity.parent
        if previous_direction == BACKWARD and parent is not None:
            siblings = _available(tracking, parent)
            if siblings and siblings[-1] is activity:
                direction, activity = BACKWARD, siblings[0]  # reversed: leave the forward-only cluster backward
                reversed_direction = True
        previous_direction = None
        if direction == FORWARD:
            if _is_last_in_tree(tracking, activity) or (parent is None and not consider_children):
                raise SequencingError("SB.2.1-1", end_session=True)
            if activity.is_leaf or not consider_children:
                siblings = _available(tracking, parent)
                position = _index(siblings, activity)
                if position == len(siblings) - 1:
                    activity, consider_children = parent, False
                    continue
                return siblings[position + 1], FORWARD
            children = _available(tracking, activity)
            if children:
                return children[0], FORWARD
            raise SequencingError("SB.2.1-2")
        if parent is None:
            raise SequencingError("SB.2.1-3")
        if activity.is_leaf or not consider_children:
            if not reversed_direction and parent.control["forwardOnly"]:
                raise SequencingError("SB.2.1-4")  # only when not leaving the forward-only cluster backward
            siblings = _available(tracking, parent)
            position = _index(siblings, activity)
            if position == 0:
                activity, consider_children, reversed_direction = parent, False, False
                continue
            return siblings[position - 1], BACKWARD
        children = _available(tracking, activity)
        if children:
            if activity.control["forwardOnly"]:
                return children[0], FORWARD
            return children[-1], BACKWARD
        raise SequencingError("SB.2.1-2")


def _index(siblings, activity: Activity) -> int:
    for position, sibling in enumerate(siblings):
        if sibling is activity:
            return position
    raise SequencingError("SB.2.9-2")  # not an available child (selected out)


def flow_activity_traversal(tracking: Tracking, activity: Activity, direction: str,
                            previous_direction: str | None = None) -> Activity:
    """SB.2.2 Flow Activity Traversal Subprocess -> the deliverable leaf; raises when there is none."""
    while True:
        parent = activity.parent
        if parent is not None and not parent.control["flow"]:
            raise SequencingError("SB.2.2-1")
        if rules.is_skipped(tracking, activity):
            following, traversal_direction = flow_tree_traversal(tracking, activity, direction, False,
                                                                 previous_direction)
            if previous_direction == BACKWARD and traversal_direction == BACKWARD:
                activity, direction, previous_direction = following, BACKWARD, None
            else:
                activity = following
            continue
        if rules.check_activity(tracking, activity):
            raise SequencingError("SB.2.2-2")
        if activity.is_leaf:
            return activity
        following, traversal_direction = flow_tree_traversal(tracking, activity, direction, True, None)
        if direction == BACKWARD and traversal_direction == FORWARD:
            activity, direction, previous_direction = following, FORWARD, BACKWARD
        else:
            activity, previous_direction = following, None


def flow(tracking: Tracking, activity: Activity, direction: str, consider_children: bool) -> Activity:
    """SB.2.3 Flow Subprocess."""
    candidate, _ = flow_tree_traversal(tracking, activity, direction, consider_children, None)
    return flow_activity_traversal(tracking, candidate, direction, None)


def choice_activity_traversal(tracking: Tracking, activity: Activity, direction: str) -> None:
    """SB.2.4 Choice Activity Traversal Subprocess: raises when the activity cannot be passed."""
    if direction == FORWARD:
        if rules.stops_forward_traversal(tracking, activity):
            raise SequencingError("SB.2.4-1")
        return
    if activity.parent is None:
        raise SequencingError("SB.2.4-3")
    if activity.parent.control["forwardOnly"]:
        raise SequencingError("SB.2.4-2")


def start(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.5 Start Sequencing Request Process."""
    if tracking.current is not None:
        raise SequencingError("SB.2.5-1")
    if tree.root.is_leaf:
        return SequencingResult(deliver=tree.root)
    return SequencingResult(deliver=flow(tracking, tree.root, FORWARD, True))


def resume_all(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.6 Resume All Sequencing Request Process."""
    if tracking.current is not None:
        raise SequencingError("SB.2.6-1")
    suspended = tree.get(tracking.suspended_activity)
    if suspended is None:
        raise SequencingError("SB.2.6-2")
    return SequencingResult(deliver=suspended)


def continue_(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.7 Continue Sequencing Request Process."""
    current = tree.get(tracking.current)
    if current is None:
        raise SequencingError("SB.2.7-1")
    if current.parent is not None and not current.parent.control["flow"]:
        raise SequencingError("SB.2.7-2")
    return SequencingResult(deliver=flow(tracking, current, FORWARD, False))


def previous(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.8 Previous Sequencing Request Process."""
    current = tree.get(tracking.current)
    if current is None:
        raise SequencingError("SB.2.8-1")
    if current.parent is not None and not current.parent.control["flow"]:
        raise SequencingError("SB.2.8-2")
    return SequencingResult(deliver=flow(tracking, current, BACKWARD, False))


def _choice_flow_tree_traversal(tracking: Tracking, activity: Activity, direction: str) -> Activity | None:
    """SB.2.9.2 Choice Flow Tree Traversal Subprocess: the next/previous sibling, climbing as needed."""
    while activity.parent is not None:
        siblings = _available(tracking, activity.parent)
        position = _index(siblings, activity)
        if direction == FORWARD and position < len(siblings) - 1:
            return siblings[position + 1]
        if direction == BACKWARD and position > 0:
            return siblings[position - 1]
        activity = activity.parent
    return None


def _choice_flow(tracking: Tracking, activity: Activity, direction: str) -> Activity:
    """SB.2.9.1 Choice Flow Subprocess."""
    found = _choice_flow_tree_traversal(tracking, activity, direction)
    return activity if found is None else found


def check_choice(tree: ActivityTree, tracking: Tracking, target: Activity) -> Activity:
    """SB.2.9 steps 1-11: the checks of a choice of `target` from the current state; returns the common ancestor."""
    path = list(reversed(target.path_to_root()))  # root ... target
    for activity in path[1:]:
        if activity.parent is not None and activity not in _available(tracking, activity.parent):
            raise SequencingError("SB.2.9-2")
    for activity in path:
        if rules.is_hidden_from_choice(tracking, activity):
            raise SequencingError("SB.2.9-3")
    if target.parent is not None and not target.parent.control["choice"]:
        raise SequencingError("SB.2.9-4")
    current = tree.get(tracking.current)
    ancestor = tree.common_ancestor(current, target) if current is not None else tree.root
    if current is target:
        return ancestor
    if current is not None and current.parent is target.parent and current.parent is not None:
        _choose_sibling(tracking, current, target)
    elif current is None or ancestor is current:
        below = path[path.index(ancestor):]
        for activity in (below[:-1] if len(below) > 1 else below):  # from the ancestor, without the target
            choice_activity_traversal(tracking, activity, FORWARD)
            _check_prevent_activation(tracking, activity, ancestor)
    elif ancestor is target:
        for activity in current.path_to_root()[:-1]:
            if activity is target:
                break
            if not activity.control["choiceExit"]:
                raise SequencingError("SB.2.9-7")
    else:
        _choose_across_branches(tracking, current, target, ancestor, path)
    return ancestor


def _choose_sibling(tracking: Tracking, current: Activity, target: Activity) -> None:
    siblings = _available(tracking, current.parent)
    start_position, end_position = _index(siblings, current), _index(siblings, target)
    if end_position > start_position:
        for activity in siblings[start_position:end_position]:
            choice_activity_traversal(tracking, activity, FORWARD)
    else:
        choice_activity_traversal(tracking, current, BACKWARD)


def _check_prevent_activation(tracking: Tracking, activity: Activity, ancestor: Activity) -> None:
    state = tracking.activities.get(activity.identifier)
    active = bool(state and state.active)
    if not active and activity is not ancestor and \
            activity.sequencing["constrainedChoiceConsiderations"]["preventActivation"]:
        raise SequencingError("SB.2.9-6")


def _choose_across_branches(tracking: Tracking, current: Activity, target: Activity, ancestor: Activity,
                            path: list[Activity]) -> None:
    constrained = None
    for activity in current.path_to_root():
        if activity is ancestor:
            break
        if not activity.control["choiceExit"]:
            raise SequencingError("SB.2.9-7")
        # the current activity itself constrains nothing: constrainChoice speaks about a cluster's children
        if constrained is None and activity is not current and \
                activity.sequencing["constrainedChoiceConsiderations"]["constrainChoice"]:
            constrained = activity
    forward = target.order > current.order
    if constrained is not None:
        considered = _choice_flow(tracking, constrained, FORWARD if forward else BACKWARD)
        if target is not considered and target is not constrained and not considered.is_ancestor_of(target):
            raise SequencingError("SB.2.9-8")
    below = path[path.index(ancestor):-1]  # from the common ancestor, without the target
    for activity in below:
        if forward:
            choice_activity_traversal(tracking, activity, FORWARD)
        _check_prevent_activation(tracking, activity, ancestor)


def choice(tree: ActivityTree, tracking: Tracking, target: Activity | None) -> SequencingResult:
    """SB.2.9 Choice Sequencing Request Process."""
    if target is None:
        raise SequencingError("SB.2.9-1")
    ancestor = check_choice(tree, tracking, target)
    if target.is_leaf:
        return SequencingResult(deliver=target)
    try:
        return SequencingResult(deliver=flow(tracking, target, FORWARD, True))  # step 12: enter the cluster
    except SequencingError:
        return SequencingResult(choice_nothing_to_deliver=(ancestor, target))


def retry(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.10 Retry Sequencing Request Process."""
    current = tree.get(tracking.current)
    if current is None:
        raise SequencingError("SB.2.10-1")
    state = tracking.state(current.identifier)
    if state.active or state.suspended:
        raise SequencingError("SB.2.10-2")
    if current.is_leaf:
        return SequencingResult(deliver=current)
    try:
        return SequencingResult(deliver=flow(tracking, current, FORWARD, True))
    except SequencingError:
        raise SequencingError("SB.2.10-3") from None


def exit_(tree: ActivityTree, tracking: Tracking) -> SequencingResult:
    """SB.2.11 Exit Sequencing Request Process."""
    current = tree.get(tracking.current)
    if current is None:
        raise SequencingError("SB.2.11-1")
    if tracking.state(current.identifier).active:
        raise SequencingError("SB.2.11-2")
    return SequencingResult(end_session=current.parent is None)


def jump(tree: ActivityTree, tracking: Tracking, target: Activity | None) -> SequencingResult:
    """SB.2.13 Jump Sequencing Request Process (4th ed): deliver the target, bypassing sequencing rules."""
    if tracking.current is None:
        raise SequencingError("SB.2.13-1")
    return SequencingResult(deliver=target)


def sequencing_request(tree: ActivityTree, tracking: Tracking, request: str,
                       target: Activity | None = None) -> SequencingResult:
    """SB.2.12 Sequencing Request Process."""
    if request == "start":
        return start(tree, tracking)
    if request == "resumeAll":
        return resume_all(tree, tracking)
    if request == "exit":
        return exit_(tree, tracking)
    if request == "retry":
        return retry(tree, tracking)
    if request == "continue":
        return continue_(tree, tracking)
    if request == "previous":
        return previous(tree, tracking)
    if request == "choice":
        return choice(tree, tracking, target)
    if request == "jump":
        return jump(tree, tracking, target)
    raise SequencingError("SB.2.12-1")
