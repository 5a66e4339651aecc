"""OP.1 Overall Sequencing Process (SN book, 4th ed): navigation request -> termination -> sequencing ->
delivery, as one call on a registration's tracking model."""
from __future__ import annotations

from dataclasses import dataclass

from .activity_tree import ActivityTree
from .delivery import content_delivery_environment, delivery_request
from .exceptions import MESSAGES, SequencingError
from .navigation import navigation_request
from .sequencing import sequencing_request
from .termination import end_attempt, termination_request, terminate_descendent_attempts
from .tracking import Tracking


@dataclass(slots=True)
class Outcome:
    """What a navigation request did. `exception` is the SN id (e.g. "NB.2.1-2") when it was refused or
    nothing could be delivered; `delivered` the identifier of the activity to launch."""
    tracking: Tracking
    delivered: str | None = None
    launchable: int | None = None
    end_of_session: bool = False
    exception: str | None = None

    @property
    def valid(self) -> bool:
        return self.exception is None

    @property
    def message(self) -> str | None:
        return None if self.exception is None else MESSAGES.get(self.exception, "sequencing exception")

    def to_json(self) -> dict:
        return {"delivered": self.delivered, "launchable": self.launchable, "endOfSession": self.end_of_session,
                "exception": self.exception, "message": self.message}


def overall_sequencing(tree: ActivityTree, tracking: Tracking, request: str,
                       target_id: str | None = None) -> Outcome:
    """OP.1: process one navigation request on `tracking` (changed in place, and returned in the Outcome)."""
    try:
        decision = navigation_request(tree, tracking, request, target_id)
    except SequencingError as refused:
        return Outcome(tracking, exception=refused.code)
    if request in ("start", "resumeAll"):
        tracking.session_ended = False
    pending = decision.sequencing
    try:
        if decision.termination is not None:
            replaced = termination_request(tree, tracking, decision.termination)
            if replaced is not None:
                pending = replaced
        if pending is None:
            return Outcome(tracking)
        result = sequencing_request(tree, tracking, pending, decision.target)
    except SequencingError as failed:
        if failed.end_session:
            end_session(tree, tracking)
            return Outcome(tracking, end_of_session=True)  # flowing off the tree ends the session (SB.2.1-1)
        return Outcome(tracking, exception=failed.code)
    if result.end_session:
        end_session(tree, tracking)
        return Outcome(tracking, end_of_session=True)
    if result.choice_nothing_to_deliver is not None:
        ancestor, target = result.choice_nothing_to_deliver  # SB.2.9 step 12.2
        terminate_descendent_attempts(tree, tracking, ancestor)
        end_attempt(tracking, ancestor)
        tracking.current = target.identifier
        return Outcome(tracking, exception="SB.2.9-9")
    if result.deliver is None:
        return Outcome(tracking)
    try:
        delivery_request(tracking, result.deliver)
        content_delivery_environment(tree, tracking, result.deliver)
    except SequencingError as refused:
        return Outcome(tracking, exception=refused.code)
    return Outcome(tracking, delivered=result.deliver.identifier, launchable=result.deliver.launchable)


def end_session(tree: ActivityTree, tracking: Tracking) -> None:
    """The sequencing session ends: end the open attempts below the root (SB.2.1 step 3.1.1) and leave no
    current activity, so the next session begins with Start or Resume All (NB.2.1)."""
    terminate_descendent_attempts(tree, tracking, tree.root)
    tracking.current = None
    tracking.session_ended = True
