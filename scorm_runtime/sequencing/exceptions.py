"""The SN book's exception codes (pseudo-code "Exception: XX.n-m") and what each says, for refusals."""
from __future__ import annotations

MESSAGES = {
    "NB.2.1-1": "the sequencing session has already begun",
    "NB.2.1-2": "the sequencing session has not begun",
    "NB.2.1-3": "there is no suspended activity to resume",
    "NB.2.1-4": "flow is not enabled for the current activity's parent, or the current activity is the root",
    "NB.2.1-5": "flow is disabled or forwardOnly is set on the current activity's parent",
    "NB.2.1-6": "cannot move backward from the root of the activity tree",
    "NB.2.1-7": "forward and backward navigation requests are not supported",
    "NB.2.1-8": "choiceExit is false on an active activity that the choice would leave",
    "NB.2.1-9": "no activities to consider between the current activity and the choice target",
    "NB.2.1-10": "choice is not enabled on the target activity's parent",
    "NB.2.1-11": "the target activity does not exist (or, for a jump, is not available)",
    "NB.2.1-12": "the current activity has already been terminated",
    "NB.2.1-13": "undefined navigation request",
    "TB.2.3-1": "there is no current activity to terminate",
    "TB.2.3-2": "the current activity has already been terminated",
    "TB.2.3-3": "there is nothing to suspend",
    "TB.2.3-4": "an exitParent rule cannot exit the root",
    "TB.2.3-5": "nothing to suspend: the activity path is empty",
    "TB.2.3-6": "nothing to abandon: the activity path is empty",
    "TB.2.3-7": "undefined termination request",
    "SB.2.1-1": "the end of the activity tree has been reached",
    "SB.2.1-2": "the cluster has no available children",
    "SB.2.1-3": "the beginning of the activity tree has been reached",
    "SB.2.1-4": "forwardOnly on the parent prevents moving backward",
    "SB.2.2-1": "flow is not enabled for the activity's parent",
    "SB.2.2-2": "the activity is disabled or its limit conditions are met",
    "SB.2.4-1": "a stopForwardTraversal rule stops the choice",
    "SB.2.4-2": "forwardOnly on the parent prevents moving backward",
    "SB.2.4-3": "cannot move backward from the root",
    "SB.2.5-1": "the sequencing session has already begun",
    "SB.2.6-1": "the sequencing session has already begun",
    "SB.2.6-2": "there is no suspended activity",
    "SB.2.7-1": "the sequencing session has not begun",
    "SB.2.7-2": "flow is not enabled for the current activity's parent",
    "SB.2.8-1": "the sequencing session has not begun",
    "SB.2.8-2": "flow is not enabled for the current activity's parent",
    "SB.2.9-1": "the choice target is not in the activity tree",
    "SB.2.9-2": "the choice target (or an ancestor) was not selected for this attempt",
    "SB.2.9-3": "the choice target (or an ancestor) is hidden from choice",
    "SB.2.9-4": "choice is not enabled on the target activity's parent",
    "SB.2.9-5": "no activity path to the choice target",
    "SB.2.9-6": "preventActivation forbids starting a new attempt through choice",
    "SB.2.9-7": "choiceExit is false on an activity that the choice would leave",
    "SB.2.9-8": "constrainChoice allows only the next or previous activity",
    "SB.2.9-9": "the chosen cluster has nothing to deliver",
    "SB.2.10-1": "the sequencing session has not begun",
    "SB.2.10-2": "the current activity is still active or suspended",
    "SB.2.10-3": "the retried cluster has nothing to deliver",
    "SB.2.11-1": "the sequencing session has not begun",
    "SB.2.11-2": "the current activity is still active",
    "SB.2.12-1": "undefined sequencing request",
    "SB.2.13-1": "the sequencing session has not begun",
    "DB.1.1-1": "only a leaf activity can be delivered",
    "DB.1.1-2": "no activity path to the delivery target",
    "DB.1.1-3": "an activity on the path is disabled or its limit conditions are met",
    "DB.2-1": "the current activity is still active (not terminated)",
}


class SequencingError(Exception):
    """A pseudo-code process returned an exception: `code` is the SN id, e.g. "NB.2.1-2"."""

    def __init__(self, code: str, *, end_session: bool = False):
        super().__init__(f"{code}: {MESSAGES.get(code, 'sequencing exception')}")
        self.code = code
        self.end_session = end_session

    @property
    def message(self) -> str:
        return MESSAGES.get(self.code, "sequencing exception")
