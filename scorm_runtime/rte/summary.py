"""An attempt's outcome as progress reports it (launch-api.md "Registrations" and "Score")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from scorm_runtime.rte.errors import DataModelError
from scorm_runtime.rte.model import CmiState
from scorm_runtime.rte.types import parse_duration, parse_timespan_12

# launch-api.md "SCORM": a 1.2 lesson_status as (completion, success).
LESSON_STATUS_12 = {
    "passed": ("completed", "passed"),
    "failed": ("completed", "failed"),
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "browsed": ("incomplete", "unknown"),
    "not attempted": ("not attempted", "unknown"),
}


@dataclass(frozen=True)
class ItemSummary:
    completion: str  # "completed" | "incomplete" | "not attempted" | "unknown"
    success: str  # "passed" | "failed" | "unknown"
    score: float | None  # scaled, -1..1
    total_seconds: float
    location: str | None
    suspended: bool  # the last session ended with exit=suspend (entry will be resume)

    @property
    def satisfied(self) -> bool:
        """launch-api.md: completed, or passed or failed (2004 rollup is the sequencer's)."""
        return self.completion == "completed" or self.success in ("passed", "failed")


def _decimal(value: str | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def scaled_score_12(raw: str | None, minimum: str | None, maximum: str | None) -> float | None:
    """launch-api.md "Score": (raw - min) / (max - min), min 0 and max 100 when absent, within
    -1..1."""
    raw_number = _decimal(raw)
    if raw_number is None:
        return None
    low = _decimal(minimum)
    high = _decimal(maximum)
    low = Decimal(0) if low is None else low
    high = Decimal(100) if high is None else high
    if high == low:
        return None
    scaled = (raw_number - low) / (high - low)
    return float(min(Decimal(1), max(Decimal(-1), scaled)))


def _seconds(state: CmiState, element: str) -> float:
    value = state.values.get(element)
    if not value:
        return 0.0
    try:
        parse = parse_timespan_12 if state.standard == "scorm12" else parse_duration
        return parse(value) / 100
    except DataModelError:
        return 0.0


def summary(state: CmiState, suspended: bool | None = None) -> ItemSummary:
    """Completion, success, scaled score, total time, location of an attempt.

    `suspended` defaults to whether entry is "resume", which is what `finish_session` leaves
    after a session that ended suspended."""
    values = state.values
    if state.standard == "scorm12":
        status = values.get("cmi.core.lesson_status", "not attempted")
        completion, success = LESSON_STATUS_12.get(status, ("unknown", "unknown"))
        score = scaled_score_12(
            values.get("cmi.core.score.raw"),
            values.get("cmi.core.score.min"),
            values.get("cmi.core.score.max"),
        )
        return ItemSummary(
            completion=completion,
            success=success,
            score=score,
            total_seconds=_seconds(state, "cmi.core.total_time"),
            location=values.get("cmi.core.lesson_location"),
            suspended=values.get("cmi.core.entry") == "resume" if suspended is None else suspended,
        )
    scaled = _decimal(values.get("cmi.score.scaled"))
    return ItemSummary(
        completion=values.get("cmi.completion_status", "unknown"),
        success=values.get("cmi.success_status", "unknown"),
        score=None if scaled is None else float(max(Decimal(-1), min(Decimal(1), scaled))),
        total_seconds=_seconds(state, "cmi.total_time"),
        location=values.get("cmi.location"),
        suspended=values.get("cmi.entry") == "resume" if suspended is None else suspended,
    )
