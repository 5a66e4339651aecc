"""Ending attempts and termination requests: UP.4 End Attempt Process, UP.3 Terminate Descendent Attempts
Process, TB.2.1 Sequencing Exit Action Rules Subprocess, TB.2.2 Sequencing Post Condition Rules Subprocess and
TB.2.3 Termination Request Process (SN book, 4th ed)."""
from __future__ import annotations

from . import objectives, rules
from .activity_tree import Activity, ActivityTree
from .exceptions import SequencingError
from .randomization import available_children
from .rollup import overall_rollup
from .tracking import Tracking

EXIT, EXIT_ALL, ABANDON, ABANDON_ALL, SUSPEND_ALL, EXIT_PARENT = (
    "exit", "exitAll", "abandon", "abandonAll", "suspendAll", "exitParent")


def end_attempt(tracking: Tracking, activity: Activity) -> None:
    """UP.4 End Attempt Process."""
    state = tracking.state(activity.identifier)
    if activity.is_leaf:
        if activity.tracked and not state.suspended:
            controls = activity.sequencing["deliveryControls"]
            # SN 3.13: content that does not set completion/satisfaction is completed/satisfied on exit
            if not controls["completionSetByContent"] and objectives.completion(tracking, activity) is None:
                objectives.set_completion(tracking, activity, completed=True)
            if not controls["objectiveSetByContent"] and objectives.primary_satisfied(tracking, activity) is None:
                objectives.set_objective(tracking, activity, activity.primary_objective, satisfied_status=True)
    else:
        state.suspended = any(tracking.state(child.identifier).suspended
                              for child in available_children(tracking, activity))
    state.active = False
    overall_rollup(tracking, activity)


def terminate_descendent_attempts(tree: ActivityTree, tracking: Tracking, activity: Activity) -> None:
    """UP.3 Terminate Descendent Attempts Process: end the attempts from the current activity up to (not
    including) the common ancestor of the current activity and `activity`."""
    current = tree.get(tracking.current)
    if current is None:
        return
    ancestor = tree.common_ancestor(current, activity)
    node = current
    while node is not None and node is not ancestor:
        if tracking.state(node.identifier).active:
            end_attempt(tracking, node)
        node = node.parent


def exit_action_rules(tree: ActivityTree, tracking: Tracking) -> None:
    """TB.2.1 Sequencing Exit Action Rules Subprocess: the highest ancestor with a firing exit rule ends."""
    current = tree[tracking.current]
    ancestors = current.path_to_root()[1:]
    for activity in reversed(ancestors):  # from the root down to the parent
        if rules.rules_check(tracking, activity, rules.EXIT, ("exit",)):
            terminate_descendent_attempts(tree, tracking, activity)
            end_attempt(tracking, activity)
            tracking.current = activity.identifier
            return


def post_condition_rules(tracking: Tracking, activity: Activity) -> tuple[str | None, str | None]:
    """TB.2.2 Sequencing Post Condition Rules Subprocess -> (termination request, sequencing request)."""
    if tracking.state(activity.identifier).suspended:
        return None, None
    action = rules.rules_check(tracking, activity, rules.POST,
                               ("exitParent", "exitAll", "retry", "retryAll", "continue", "previous"))
    if action in ("retry", "continue", "previous"):
        return None, action
    if action in ("exitParent", "exitAll"):
        return action, None
    if action == "retryAll":
        return EXIT_ALL, "retry"
    return None, None


def termination_request(tree: ActivityTree, tracking: Tracking, request: str) -> str | None:
    """TB.2.3 Termination Request Process -> the sequencing request it asks for (None: keep the pending one)."""
    current = tree.get(tracking.current)
    if current is None:
        raise SequencingError("TB.2.3-1")
    state = tracking.state(current.identifier)
    if request in (EXIT, ABANDON) and not state.active:
        raise SequencingError("TB.2.3-2")
    sequencing_request = None
    if request == EXIT:
        end_attempt(tracking, current)
        exit_action_rules(tree, tracking)
        while True:
            current = tree[tracking.current]
            termination, sequencing_request = post_condition_rules(tracking, current)
            if termination == EXIT_ALL:
                request = EXIT_ALL
                break
            if termination == EXIT_PARENT:
                if current.parent is None:
                    raise SequencingError("TB.2.3-4")
                tracking.current = current.parent.identifier
                end_attempt(tracking, current.parent)
                continue
            if current.parent is None and sequencing_request != "retry":
                return "exit"  # the root was exited: end the sequencing session
            return sequencing_request
    if request == EXIT_ALL:
        current = tree[tracking.current]
        if tracking.state(current.identifier).active:
            end_attempt(tracking, current)
        terminate_descendent_attempts(tree, tracking, tree.root)
        end_attempt(tracking, tree.root)
        tracking.current = tree.root.identifier
        return "retry" if sequencing_request == "retry" else "exit"  # retryAll: exit all, then retry the root
    if request == SUSPEND_ALL:
        if state.active or state.suspended:
            overall_rollup(tracking, current)
            suspended = current
        elif current.parent is not None:
            suspended = current.parent
        else:
            raise SequencingError("TB.2.3-3")
        tracking.suspended_activity = suspended.identifier
        for activity in suspended.path_to_root():
            activity_state = tracking.state(activity.identifier)
            activity_state.active = False
            activity_state.suspended = True
        tracking.current = tree.root.identifier
        return "exit"
    if request == ABANDON:
        state.active = False
        return None
    if request == ABANDON_ALL:
        for activity in current.path_to_root():
            tracking.state(activity.identifier).active = False
        tracking.current = tree.root.identifier
        return "exit"
    raise SequencingError("TB.2.3-7")
