"""The Choice look-ahead for every activity of the tree in one walk: what look_ahead.choice_refusal answers for
each target (NB.2.1 Choice, SB.2.9 steps 1-12, DB.1.1), with each per-activity predicate evaluated once.

choice_refusal(target) re-runs the whole request per target: the path from the root for SB.2.9 steps 1-2
(availability, hiddenFromChoice) and for DB.1.1 (UP.5 Check Activity on every activity of the path), the
walk from the current activity to the common ancestor for NB.2.1 step 7 and SB.2.9's choiceExit checks, and
the walk down from the common ancestor for SB.2.4 and preventActivation. Every one of these is a prefix of
the tree path of the target or of the current activity's path to the root, so here each is a running value:
down the tree in preorder (path values), or along the current activity's path (first index at which a check
fails). Exceptions are raised in the same order as choice_refusal, so the first refusal is the same one;
tests/unit/scorm_runtime/sequencing/test_choice_pass.py compares the two on random trees and states.

Nothing here changes the tracking model (SN 5.3: a look-ahead only validates)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from . import rules
from .activity_tree import Activity, ActivityTree
from .exceptions import SequencingError
from .randomization import available_children
from .sequencing import BACKWARD, FORWARD, _choice_flow, flow
from .tracking import Tracking


@dataclass(frozen=True, slots=True)
class ChoicePass:
    """Per activity identifier: the Choice refusal (None: a Choice would deliver something), whether it or an
    ancestor is hidden from choice, whether UP.5 forbids it (own rules and limits), and whether it or an
    ancestor does (DB.1.1 step 3), and whether it is one of its parent's Available Children."""
    refusals: Mapping[str, str | None]
    path_hidden: Mapping[str, bool]
    disabled: Mapping[str, bool]
    path_disabled: Mapping[str, bool]
    available: Mapping[str, bool]


_NOT_FOUND = object()


def choice_pass(tree: ActivityTree, tracking: Tracking) -> ChoicePass:
    """Every activity's Choice answer from the tracking state as it is (look_ahead caches it per state)."""
    return _Pass(tree, tracking).run()


class _Pass:
    """One walk: the running values of the current activity's path first, then the tree's path values in
    preorder, then each target's answer from them."""

    def __init__(self, tree: ActivityTree, tracking: Tracking):
        self.tree, self.tracking = tree, tracking
        self.current = tree.get(tracking.current)
        self.path = self.current.path_to_root() if self.current is not None else []  # current ... root
        self.index_on_path = {id(node): index for index, node in enumerate(self.path)}
        self._stops: dict[int, bool] = {}
        self._flows: dict[int, object] = {}
        self._considered: dict[tuple[int, str], object] = {}
        self._down: dict[tuple[int, int, bool], str | None] = {}

    # --- per-activity predicates, each evaluated at most once ---------------------------------------------
    def _active(self, activity: Activity) -> bool:
        state = self.tracking.activities.get(activity.identifier)
        return bool(state and state.active)

    def _stops_forward(self, activity: Activity) -> bool:
        found = self._stops.get(id(activity))
        if found is None:
            found = self._stops[id(activity)] = rules.stops_forward_traversal(self.tracking, activity)
        return found

    def _prevents_activation(self, activity: Activity) -> bool:
        """SB.2.9 _check_prevent_activation, for an activity that is not the common ancestor."""
        return not self._active(activity) and \
            activity.sequencing["constrainedChoiceConsiderations"]["preventActivation"]

    def _first_on_path(self, failing) -> int:
        """The index on the current activity's path (0 = the current activity) of the first activity for which
        `failing` holds; len(path) when none does."""
        for index, node in enumerate(self.path):
            if failing(node):
                return index
        return len(self.path)

    def run(self) -> ChoicePass:
        tracking, current, path = self.tracking, self.current, self.path
        # NB.2.1 step 7: an active activity left by the choice whose choiceExit is false (first such index)
        self.blocked_exit = self._first_on_path(lambda node: self._active(node) and not node.control["choiceExit"])
        self.current_exit_blocked = current is not None and self._active(current) and \
            not current.control["choiceExit"]
        # SB.2.9 steps 9-10: the first activity, the root excepted, of the current path with choiceExit false
        self.no_choice_exit = self._first_on_path(lambda node: node.parent is not None and
                                                  not node.control["choiceExit"])
        # SB.2.9 step 10: the deepest ancestor of the current activity with constrainChoice (index >= 1)
        self.constraining = next((index for index, node in enumerate(path) if index >= 1 and
                                  node.sequencing["constrainedChoiceConsiderations"]["constrainChoice"]),
                                 len(path))
        path_hidden, disabled, path_disabled, available = {}, {}, {}, {}
        path_available: dict[str, bool] = {}
        ancestor_index: dict[str, int] = {}
        self.children_of = children_of = {}
        for activity in self.tree.preorder:  # the path values, down the tree
            identifier, parent = activity.identifier, activity.parent
            if activity.children:
                children = available_children(tracking, activity)
                children_of[id(activity)] = (children, {id(child): n for n, child in enumerate(children)})
            own_disabled = disabled[identifier] = rules.check_activity(tracking, activity)
            own_hidden = rules.is_hidden_from_choice(tracking, activity)
            if parent is None:
                available[identifier] = path_available[identifier] = True
                path_hidden[identifier] = own_hidden
                path_disabled[identifier] = own_disabled
            else:
                in_parent = available[identifier] = id(activity) in children_of[id(parent)][1]
                path_available[identifier] = path_available[parent.identifier] and in_parent
                path_hidden[identifier] = path_hidden[parent.identifier] or own_hidden
                path_disabled[identifier] = path_disabled[parent.identifier] or own_disabled
            if current is not None:
                on_path = self.index_on_path.get(id(activity))
                ancestor_index[identifier] = on_path if on_path is not None else ancestor_index[parent.identifier]
        self.path_disabled = path_disabled
        self._siblings_of_current()
        refusals = {activity.identifier: self._refusal(activity, path_available[activity.identifier],
                                                       path_hidden[activity.identifier],
                                                       ancestor_index.get(activity.identifier))
                    for activity in self.tree.preorder}
        return ChoicePass(refusals, path_hidden, disabled, path_disabled, available)

    # --- one target ---------------------------------------------------------------------------------------
    def _refusal(self, target: Activity, path_available: bool, path_hidden: bool,
                 ancestor_index: int | None) -> str | None:
        current = self.current
        parent = target.parent
        # NB.2.1 step 7 (Choice)
        if parent is not None and not parent.control["choice"]:
            return "NB.2.1-10"
        if current is not None and (self.blocked_exit < ancestor_index or self.current_exit_blocked):
            return "NB.2.1-8"
        # SB.2.9 steps 1-4 (step 4, the parent's choice control, is NB.2.1-10 above)
        if not path_available:
            return "SB.2.9-2"
        if path_hidden:
            return "SB.2.9-3"
        try:
            self._check_choice(target, ancestor_index)
        except SequencingError as refused:
            return refused.code
        # SB.2.9 step 12: a cluster is entered by a flow; then DB.1.1
        leaf = target
        if not target.is_leaf:
            leaf = self._flows.get(id(target), _NOT_FOUND)
            if leaf is _NOT_FOUND:
                try:
                    leaf = flow(self.tracking, target, FORWARD, True)
                except SequencingError:
                    leaf = None
                self._flows[id(target)] = leaf
            if leaf is None:
                return "SB.2.9-9"
        if self.path_disabled[leaf.identifier]:
            return "DB.1.1-3"
        return None

    def _siblings_of_current(self) -> None:
        """For SB.2.9 step 7 (a sibling of the current activity): the current activity's position among its
        parent's Available Children and the first sibling from there on whose precondition stops forward
        traversal (SB.2.4 step 1.1)."""
        current = self.current
        self.current_position = self.first_stop = None
        if current is None or current.parent is None:
            return
        siblings, positions = self.children_of[id(current.parent)]
        self.current_position = positions.get(id(current))
        if self.current_position is not None:
            self.first_stop = next((n for n in range(self.current_position, len(siblings))
                                    if self._stops_forward(siblings[n])), len(siblings))

    def _check_choice(self, target: Activity, ancestor_index: int | None) -> None:
        """SB.2.9 steps 5-11, as sequencing.check_choice orders them."""
        current = self.current
        if current is target:
            return
        if current is not None and current.parent is target.parent and current.parent is not None:
            if self.current_position is None:
                raise SequencingError("SB.2.9-2")  # the current activity is not an available child
            end = self.children_of[id(current.parent)][1][id(target)]
            if end > self.current_position:
                if self.first_stop < end:
                    raise SequencingError("SB.2.4-1")
            elif current.parent.control["forwardOnly"]:
                raise SequencingError("SB.2.4-2")
            return
        if current is None or ancestor_index == 0:
            ancestor = self.tree.root if current is None else current
            if target is ancestor:
                if self._stops_forward(target):
                    raise SequencingError("SB.2.4-1")
                return
            found = self._down_from(ancestor, target.parent, True)
            if found is not None:
                raise SequencingError(found)
            return
        if self.path[ancestor_index] is target:  # the target is an ancestor of the current activity
            if self.no_choice_exit < ancestor_index:
                raise SequencingError("SB.2.9-7")
            return
        # _choose_across_branches
        if self.no_choice_exit < ancestor_index:
            raise SequencingError("SB.2.9-7")
        ancestor = self.path[ancestor_index]
        forward = target.order > current.order
        if self.constraining < ancestor_index:
            constrained = self.path[self.constraining]
            considered = self._choice_flow(constrained, FORWARD if forward else BACKWARD)
            if target is not considered and target is not constrained and not considered.is_ancestor_of(target):
                raise SequencingError("SB.2.9-8")
        found = self._down_from(ancestor, target.parent, forward)
        if found is not None:
            raise SequencingError(found)

    def _choice_flow(self, activity: Activity, direction: str) -> Activity:
        key = (id(activity), direction)
        found = self._considered.get(key)
        if found is None:
            try:
                found = _choice_flow(self.tracking, activity, direction)
            except SequencingError as refused:
                found = refused
            self._considered[key] = found
        if isinstance(found, SequencingError):
            raise SequencingError(found.code)
        return found

    def _down_from(self, ancestor: Activity, last: Activity, forward: bool) -> str | None:
        """The first refusal of SB.2.4 (forward only: stopForwardTraversal) and preventActivation on the path
        from `ancestor` down to `last` inclusive; the ancestor itself is not checked for preventActivation."""
        chain, node = [], last
        while True:
            key = (id(ancestor), id(node), forward)
            if key in self._down:
                found = self._down[key]
                break
            chain.append(node)
            if node is ancestor:
                found = None
                break
            node = node.parent
        for node in reversed(chain):
            if found is None:
                if forward and self._stops_forward(node):
                    found = "SB.2.4-1"
                elif node is not ancestor and self._prevents_activation(node):
                    found = "SB.2.9-6"
            self._down[(id(ancestor), id(node), forward)] = found
        return found

