"""What the LMS derives from the data a SCO commits, on every commit and when a session ends.

These work on the mutable working copy of a state's values inside `apply_commit` and
`finish_session`; nothing outside this package calls them with a live state.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from decimal import Decimal, InvalidOperation


def _number(value: str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def completion_status_2004(values: MutableMapping[str, str]) -> str:
    """SCORM 2004 4th ed RTE 4.2.4.1 (Table 4.2.4.1a): with a completion_threshold, progress_measure
    decides (>= threshold: completed, below: incomplete, unset: unknown); without one, the
    SCO's value."""
    threshold = _number(values.get("cmi.completion_threshold"))
    stored = values.get("cmi.completion_status", "unknown")
    if threshold is None:
        return stored
    progress = _number(values.get("cmi.progress_measure"))
    if progress is None:
        return "unknown"
    return "completed" if progress >= threshold else "incomplete"


def success_status_2004(values: MutableMapping[str, str]) -> str:
    """SCORM 2004 4th ed RTE 4.2.22 (success status evaluation, Table 4.2.22.1a): with a
    scaled_passing_score, score.scaled decides (>=: passed, below: failed, unset: unknown)."""
    passing = _number(values.get("cmi.scaled_passing_score"))
    stored = values.get("cmi.success_status", "unknown")
    if passing is None:
        return stored
    scaled = _number(values.get("cmi.score.scaled"))
    if scaled is None:
        return "unknown"
    return "passed" if scaled >= passing else "failed"


def mastery_status_12(values: MutableMapping[str, str]) -> str | None:
    """SCORM 1.2 RTE 3.4.2 cmi.student_data.mastery_score: with credit in normal mode, a raw score
    against the mastery score sets lesson_status to passed or failed; None when it does not
    apply."""
    if values.get("cmi.core.credit", "credit") != "credit":
        return None
    if values.get("cmi.core.lesson_mode", "normal") != "normal":
        return None
    mastery = _number(values.get("cmi.student_data.mastery_score"))
    raw = _number(values.get("cmi.core.score.raw"))
    if mastery is None or raw is None:
        return None
    return "passed" if raw >= mastery else "failed"


def derive_on_commit(standard: str, values: MutableMapping[str, str]) -> None:
    if standard == "scorm12":
        status = mastery_status_12(values)
        if status is not None:
            values["cmi.core.lesson_status"] = status
        return
    completion = completion_status_2004(values)
    if completion != values.get("cmi.completion_status", "unknown"):
        values["cmi.completion_status"] = completion
    success = success_status_2004(values)
    if success != values.get("cmi.success_status", "unknown"):
        values["cmi.success_status"] = success


def derive_on_finish(standard: str, values: MutableMapping[str, str]) -> None:
    """SCORM 1.2 RTE 3.4.2 cmi.core.lesson_status, Additional Behavior Requirements (p. 3-25):
    a status the SCO never set becomes "browsed" in browse mode, else "completed", and then the
    mastery score decides passed or failed. 2004 re-evaluates as on commit."""
    if (
        standard == "scorm12"
        and values.get("cmi.core.lesson_status", "not attempted") == "not attempted"
    ):
        browsing = values.get("cmi.core.lesson_mode") == "browse"
        values["cmi.core.lesson_status"] = "browsed" if browsing else "completed"
    derive_on_commit(standard, values)
