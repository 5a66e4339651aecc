"""Ending a session: session_time into total_time, the statuses derived, whether the attempt
ends, and the entry the next launch gets."""

from __future__ import annotations

from dataclasses import dataclass

from scorm_runtime.rte.derivations import derive_on_finish
from scorm_runtime.rte.errors import DataModelError
from scorm_runtime.rte.model import CmiState
from scorm_runtime.rte.types import (
    format_duration,
    format_timespan_12,
    parse_duration,
    parse_timespan_12,
)

_ELEMENTS = {
    "scorm12": ("cmi.core.exit", "cmi.core.session_time", "cmi.core.total_time", "cmi.core.entry"),
    "scorm2004": ("cmi.exit", "cmi.session_time", "cmi.total_time", "cmi.entry"),
}


@dataclass(frozen=True)
class SessionEnd:
    state: CmiState  # exit and session_time cleared, total_time and statuses updated
    attempt_ended: bool
    next_entry: str  # cmi.entry / cmi.core.entry for the next launch of this attempt
    session_seconds: float
    exit: str  # the exit value the session ended with


def _centiseconds(standard: str, value: str | None) -> int:
    if not value:
        return 0
    try:
        return parse_timespan_12(value) if standard == "scorm12" else parse_duration(value)
    except DataModelError:
        return 0  # committed values are validated; a stored bad one counts as nothing


def finish_session(state: CmiState, exit_value: str | None = None) -> SessionEnd:
    """End the session that produced `state` (LMSFinish/Terminate, or a closed tab).

    - session_time is added into total_time (1.2 RTE 3.4.2 cmi.core.total_time, CMITimespan;
      2004 RTE 4.2.25 cmi.total_time, ISO 8601 durations);
    - 1.2: an exit other than "suspend" ends the attempt (the next launch is a new attempt);
      2004 RTE 4.2.8: "suspend" keeps the attempt, "normal", "", "time-out" and "logout" end it;
    - next entry: "resume" after a suspend (1.2 RTE 3.4.2 cmi.core.entry, 2004 RTE 4.2.7), else
      "ab-initio" for 2004 (a new attempt) and "" for 1.2 (the SCO was already accessed);
    - exit and session_time are cleared, as they are per session, and entry holds next_entry.
    `exit_value` overrides the committed exit (e.g. adl.nav.request=suspendAll means suspend).
    """
    standard = state.standard
    exit_element, session_element, total_element, entry_element = _ELEMENTS[standard]
    values = dict(state.values)
    exit_now = exit_value if exit_value is not None else values.get(exit_element, "")
    session = _centiseconds(standard, values.get(session_element))
    total = _centiseconds(standard, values.get(total_element)) + session
    values[total_element] = (
        format_timespan_12(total) if standard == "scorm12" else format_duration(total)
    )
    derive_on_finish(standard, values)
    values.pop(exit_element, None)
    values.pop(session_element, None)
    suspended = exit_now == "suspend"
    if suspended:
        next_entry = "resume"
    else:
        next_entry = "" if standard == "scorm12" else "ab-initio"
    values[entry_element] = next_entry  # what the next launch of this attempt starts with
    return SessionEnd(
        state=CmiState(standard, values, state.shared_data_access),
        attempt_ended=not suspended,
        next_entry=next_entry,
        session_seconds=session / 100,
        exit=exit_now,
    )
