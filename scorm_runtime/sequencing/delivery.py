"""Delivery: DB.1.1 Delivery Request Process, DB.2 Content Delivery Environment Process and DB.2.1 Clear
Suspended Activity Subprocess (SN book, 4th ed). Beginning an attempt increments the attempt count and starts
fresh attempt progress and local objective information (SN 4.2.1, "for the new attempt")."""
from __future__ import annotations

from . import rules
from .activity_tree import Activity, ActivityTree
from .exceptions import SequencingError
from .randomization import available_children, fix_order
from .termination import terminate_descendent_attempts
from .tracking import Tracking


def delivery_request(tracking: Tracking, activity: Activity) -> None:
    """DB.1.1 Delivery Request Process: raises unless the activity may be delivered."""
    if not activity.is_leaf:
        raise SequencingError("DB.1.1-1")
    for node in reversed(activity.path_to_root()):
        if rules.check_activity(tracking, node):
            raise SequencingError("DB.1.1-3")


def clear_suspended_activity(tree: ActivityTree, tracking: Tracking, activity: Activity) -> None:
    """DB.2.1 Clear Suspended Activity Subprocess."""
    suspended = tree.get(tracking.suspended_activity)
    if suspended is not None:
        ancestor = tree.common_ancestor(activity, suspended)
        node = suspended
        while node is not None and node is not ancestor:
            state = tracking.state(node.identifier)
            if node.is_leaf:
                state.suspended = False
            elif not any(tracking.state(child.identifier).suspended for child in available_children(tracking, node)):
                state.suspended = False
            node = node.parent
        if ancestor is not None and not ancestor.is_leaf and not any(
                tracking.state(child.identifier).suspended for child in available_children(tracking, ancestor)):
            tracking.state(ancestor.identifier).suspended = False
    tracking.suspended_activity = None


def content_delivery_environment(tree: ActivityTree, tracking: Tracking, activity: Activity) -> None:
    """DB.2 Content Delivery Environment Process: begin the attempts on the path and make it current."""
    current = tree.get(tracking.current)
    if current is not None and tracking.state(current.identifier).active:
        raise SequencingError("DB.2-1")
    if activity.identifier != tracking.suspended_activity:
        clear_suspended_activity(tree, tracking, activity)
    terminate_descendent_attempts(tree, tracking, activity)
    for node in reversed(activity.path_to_root()):
        state = tracking.state(node.identifier)
        if state.active:
            continue
        if node.tracked:
            if state.suspended:
                state.suspended = False  # resuming: the attempt goes on
            else:
                state.attempt_count += 1
                _begin_attempt(tracking, node)
                fix_order(tracking, node)
        state.active = True
    tracking.current = activity.identifier
    tracking.suspended_activity = None


def _begin_attempt(tracking: Tracking, activity: Activity) -> None:
    """New attempt: attempt progress and local objectives start unknown; for a cluster whose parent reads only the
    current attempt's information (useCurrentAttempt*Info), so do its descendants' (SN 4.6.1 rollup controls)."""
    state = tracking.state(activity.identifier)
    state.completion = None
    state.progress_measure = None
    state.attempt_duration = 0.0
    for objective in state.objectives.values():
        objective.satisfied = None
        objective.measure = None
    if activity.children:
        control = activity.control
        stack = list(activity.children)
        while stack:
            node = stack.pop()
            node_state = tracking.activities.get(node.identifier)
            if node_state is not None and not node_state.suspended:
                if control["useCurrentAttemptProgressInfo"]:
                    node_state.completion = None
                    node_state.progress_measure = None
                if control["useCurrentAttemptObjectiveInfo"]:
                    for objective in node_state.objectives.values():
                        objective.satisfied = None
                        objective.measure = None
            stack.extend(node.children)
