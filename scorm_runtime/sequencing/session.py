"""The facade the SCORM runtime calls: one SequencingSession per (course tree, registration tracking).

    tree = build_tree(parsed.runtime["organization"])          # once per course, reusable (cache it)
    session = SequencingSession(tree, Tracking.from_json(saved))  # saved None: a new registration
    outcome = session.launch(target=None)                       # Resume All, else Start; Choice with a target
    session.report_attempt(activity_id, summary)                # what the SCO set, before its request
    outcome = session.navigate("continue")                       # or previous/choice/jump/exit/suspendAll/...
    session.toc(); session.valid_requests(); session.course_rollup()
    saved = session.tracking.to_json()

An Outcome names the activity to deliver (`delivered`, `launchable` = cam's launchable index), or says the
session ended (`end_of_session`), or carries the SN exception id that refused the request (`exception`, with
`message`). The tracking model is changed in place; persist it after every call that returns.
"""
from __future__ import annotations

from . import objectives
from .activity_tree import ActivityTree
from .look_ahead import choice_refusal, toc, valid_requests
from .overall import Outcome, end_session, overall_sequencing
from .reporting import report_attempt
from .tracking import Tracking


def navigate(tree: ActivityTree, tracking: Tracking, request: str, target: str | None = None) -> Outcome:
    """One navigation request through OP.1. A Choice that the look-ahead refuses is refused before the current
    activity is terminated (SN 5.3: the LMS may ignore a request that would deliver nothing)."""
    current = tree.get(tracking.current)
    if request == "choice" and current is not None and tracking.state(current.identifier).active:
        refusal = choice_refusal(tree, tracking, target) if target in tree.by_id else None
        if refusal is not None and refusal != "SB.2.9-9":
            return Outcome(tracking, exception=refusal)
    return overall_sequencing(tree, tracking, request, target)


def launch(tree: ActivityTree, tracking: Tracking, target: str | None = None) -> Outcome:
    """A launch: Choice of the target when one is named; otherwise a new sequencing session, Resume All of a
    suspended one, else Start (launch-api.md: "a launch with no item is Resume All or Start").

    An activity left active by a launch that never terminated is exited first (its exit and post-condition
    rules apply, and may deliver the next activity); a session left open without a current delivery is
    closed by ending the open attempts below the root, so the new session starts from a consistent tree."""
    current = tree.get(tracking.current)
    if target is not None:
        return navigate(tree, tracking, "choice", target)
    if current is not None and tracking.state(current.identifier).active:
        exited = overall_sequencing(tree, tracking, "exit")
        if exited.delivered is not None:
            return exited
    if tracking.current is not None:
        end_session(tree, tracking)
    if tracking.suspended_activity is not None:
        resumed = overall_sequencing(tree, tracking, "resumeAll")
        if resumed.exception != "DB.1.1-1":
            return resumed
        # Suspend All between deliveries suspends a cluster (TB.2.3): resume by choosing it, else start over
        chosen = overall_sequencing(tree, tracking, "choice", tracking.suspended_activity)
        if chosen.delivered is not None:
            return chosen
        end_session(tree, tracking)
    return overall_sequencing(tree, tracking, "start")


def course_rollup(tree: ActivityTree, tracking: Tracking) -> dict:
    """The root activity's rolled-up status, for the registration's progress."""
    root = tree.root
    state = tracking.activities.get(root.identifier)
    completed = objectives.completion(tracking, root)
    satisfied = objectives.primary_satisfied(tracking, root)
    return {"completion": "unknown" if completed is None else ("completed" if completed else "incomplete"),
            "success": "unknown" if satisfied is None else ("passed" if satisfied else "failed"),
            "scaled": objectives.primary_measure(tracking, root),
            "progressMeasure": objectives.progress_measure(tracking, root),
            "attempts": state.attempt_count if state else 0,
            "seconds": state.activity_duration if state else 0.0,
            "sessionEnded": tracking.session_ended,
            "suspended": tracking.suspended_activity is not None}


class SequencingSession:
    """The engine bound to one course tree and one registration's tracking model."""

    def __init__(self, tree: ActivityTree, tracking: Tracking | None = None):
        self.tree = tree
        self.tracking = tracking if tracking is not None else Tracking()

    def launch(self, target: str | None = None) -> Outcome:
        return launch(self.tree, self.tracking, target)

    def navigate(self, request: str, target: str | None = None) -> Outcome:
        return navigate(self.tree, self.tracking, request, target)

    def report_attempt(self, activity_id: str, summary: dict) -> None:
        report_attempt(self.tree, self.tracking, activity_id, summary)

    def toc(self) -> list[dict]:
        return toc(self.tree, self.tracking)

    def valid_requests(self) -> dict:
        return valid_requests(self.tree, self.tracking)

    def course_rollup(self) -> dict:
        return course_rollup(self.tree, self.tracking)
