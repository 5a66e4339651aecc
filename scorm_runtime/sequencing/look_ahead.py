"""Navigation look-ahead without changing the tracking model: adl.nav.request_valid (SCORM RTE 4.4, SN 5.3:
"the LMS may evaluate (validate) that request and determine no activity would be identified for delivery")
and the table of contents (visible and enabled per activity).

A look-ahead runs NB.2.1, then the sequencing request process as if the current activity had ended, then
DB.1.1; it does not apply exit or post-condition rules, whose outcome only the real request can know."""
from __future__ import annotations

import threading
from collections import OrderedDict
from types import MappingProxyType
from typing import Mapping

import orjson

from . import objectives
from .activity_tree import ActivityTree
from .choice_pass import ChoicePass, choice_pass
from .delivery import delivery_request
from .exceptions import SequencingError
from .navigation import navigation_request
from .sequencing import BACKWARD, FORWARD, check_choice, flow
from .tracking import Tracking


def choice_refusal(tree: ActivityTree, tracking: Tracking, target_id: str) -> str | None:
    """The SN exception a Choice of the target would meet now, or None when it would deliver something."""
    try:
        decision = navigation_request(tree, tracking, "choice", target_id)
        target = decision.target
        check_choice(tree, tracking, target)
    except SequencingError as refused:
        return refused.code
    try:
        leaf = target if target.is_leaf else flow(tracking, target, FORWARD, True)
    except SequencingError:
        return "SB.2.9-9"  # SB.2.9 step 12: the flow into the chosen cluster delivers nothing
    try:
        delivery_request(tracking, leaf)
    except SequencingError as refused:
        return refused.code
    return None


# One Choice look-ahead pass per tree and tracking state: a request asks for the table of contents and the
# valid requests, each of which needs every activity's Choice refusal (bench scorm, 500 activities). The
# result depends only on the tree and the tracking model (randomization is seeded from it), so a pass is
# kept under the tracking model's JSON; a few are kept, for the requests of other learners in between.
_PASSES_MAX = 32
_PASSES: OrderedDict[tuple[int, bytes], tuple[ActivityTree, ChoicePass]] = OrderedDict()
_PASSES_LOCK = threading.Lock()


def _pass(tree: ActivityTree, tracking: Tracking) -> ChoicePass:
    key = (id(tree), orjson.dumps(tracking.to_json(), option=orjson.OPT_SORT_KEYS))
    with _PASSES_LOCK:
        found = _PASSES.get(key)
        if found is not None and found[0] is tree:
            _PASSES.move_to_end(key)
            return found[1]
    computed = choice_pass(tree, tracking)
    with _PASSES_LOCK:
        _PASSES[key] = (tree, computed)
        while len(_PASSES) > _PASSES_MAX:
            _PASSES.popitem(last=False)
    return computed


def choice_refusals(tree: ActivityTree, tracking: Tracking) -> Mapping[str, str | None]:
    """choice_refusal of every activity of the tree, by identifier, in one walk (choice_pass.py)."""
    return MappingProxyType(_pass(tree, tracking).refusals)


def flow_refusal(tree: ActivityTree, tracking: Tracking, request: str) -> str | None:
    """The SN exception a Continue or Previous would meet now, or None when it would deliver something."""
    try:
        navigation_request(tree, tracking, request)
        current = tree[tracking.current]
        if current.parent is not None and not current.parent.control["flow"]:
            raise SequencingError("SB.2.7-2" if request == "continue" else "SB.2.8-2")
        leaf = flow(tracking, current, FORWARD if request == "continue" else BACKWARD, False)
        delivery_request(tracking, leaf)
    except SequencingError as refused:
        return refused.code
    return None


def valid_requests(tree: ActivityTree, tracking: Tracking) -> dict:
    """adl.nav.request_valid: continue, previous, and choice/jump per activity identifier.

    Jump (SB.2.13, 4th ed) bypasses the sequencing rules: NB.2.1 asks for an Available Child, SB.2.13 for a
    current activity, and DB.1.1 for a leaf with no activity of its path forbidden by UP.5."""
    looked = _pass(tree, tracking)
    choice = {identifier: refusal is None for identifier, refusal in looked.refusals.items()}
    has_current = tracking.current is not None
    jump = {activity.identifier: has_current and activity.is_leaf and looked.available[activity.identifier]
            and not looked.path_disabled[activity.identifier] for activity in tree.preorder}
    return {"continue": flow_refusal(tree, tracking, "continue") is None,
            "previous": flow_refusal(tree, tracking, "previous") is None,
            "choice": choice, "jump": jump}


def toc_choices(tree: ActivityTree, tracking: Tracking) -> dict[str, tuple[int, bool, bool, str | None]]:
    """What the player's table of contents shows of each activity, by identifier: (depth, visible, enabled,
    refusal), as `toc` gives them, without the status words (the player's start asks for these alone; the
    statuses of 500 activities cost as much again as the look-ahead)."""
    looked = _pass(tree, tracking)
    refusals, path_hidden = looked.refusals, looked.path_hidden
    choices = {}
    for activity in tree.preorder:
        identifier = activity.identifier
        if path_hidden[identifier]:
            choices[identifier] = (activity.depth, False, False, "SB.2.9-3")
        else:
            refusal = refusals[identifier]
            choices[identifier] = (activity.depth, activity.is_visible, refusal is None, refusal)
    return choices


def toc(tree: ActivityTree, tracking: Tracking) -> list[dict]:
    """The table of contents in tree order: what the player shows (visible) and lets the learner choose
    (enabled), with each activity's status."""
    entries = []
    looked = _pass(tree, tracking)
    disabled = looked.disabled
    activities = tracking.activities
    choices = toc_choices(tree, tracking)
    for activity in tree.preorder:
        identifier = activity.identifier
        depth, visible, enabled, refusal = choices[identifier]
        state = activities.get(identifier)
        entries.append({
            "id": identifier, "title": activity.title, "depth": depth,
            "parent": activity.parent.identifier if activity.parent else None, "launchable": activity.launchable,
            "visible": visible, "enabled": enabled, "refusal": refusal,
            "disabled": disabled[identifier],
            "current": tracking.current == identifier,
            "active": bool(state and state.active), "suspended": bool(state and state.suspended),
            "attempts": state.attempt_count if state else 0,
            "completion": _completion_word(objectives.completion(tracking, activity), state),
            "success": _success_word(objectives.primary_satisfied(tracking, activity)),
            "scaled": objectives.primary_measure(tracking, activity),
        })
    return entries


def _completion_word(completed: bool | None, state) -> str:
    if completed is None:
        return "unknown" if not (state and state.attempt_count) else "incomplete"
    return "completed" if completed else "incomplete"


def _success_word(satisfied: bool | None) -> str:
    return "unknown" if satisfied is None else ("passed" if satisfied else "failed")
