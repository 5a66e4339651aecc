"""The SCORM 1.2 run-time data model (SCORM 1.2 RTE 3.4: data model elements and their types).

Every element of cmi.* with its access (r/w/rw), type and vocabulary. Lengths follow
`Limits.max_characters`, not the CMIString255/4096 SPMs (issue 11).
"""

from __future__ import annotations

from scorm_runtime.rte.elements import (
    CheckContext,
    Collection,
    DataModel,
    Element,
    blank_or,
    plain,
    ranged,
    vocabulary,
    with_limits,
)
from scorm_runtime.rte.types import (
    check_characterstring,
    check_decimal_12,
    check_identifier_12,
    check_sinteger_12,
    check_time_12,
    parse_timespan_12,
)

RTE = "SCORM 1.2 RTE 3.4.2"

# cmi.core.lesson_status: what a SCO may set; "not attempted" is the LMS's own initial value.
LESSON_STATUS_SET = ("passed", "completed", "failed", "incomplete", "browsed")
# cmi.objectives.n.status also takes "not attempted".
OBJECTIVE_STATUS = (*LESSON_STATUS_SET, "not attempted")
EXIT = ("time-out", "suspend", "logout", "")
INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
)
TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message", "continue,no message")

_string = with_limits(check_characterstring)
_identifier = with_limits(check_identifier_12)
_score = blank_or(ranged(check_decimal_12, "0", "100"))  # CMIDecimal or CMIBlank, 0..100
_timespan = plain(parse_timespan_12)


def _result_check(value: str, _context: CheckContext) -> None:
    """cmi.interactions.n.result: the vocabulary or a CMIDecimal."""
    if value in ("correct", "wrong", "unanticipated", "neutral"):
        return
    check_decimal_12(value)


def _element(
    template: str, access: str, check=None, default: str | None = None, lms_set: bool = False
) -> Element:
    return Element(template, access, check, f"{RTE} ({template})", default, lms_set)  # type: ignore[arg-type]


_ELEMENTS = [
    _element("cmi.core.student_id", "r", _identifier, lms_set=True),
    _element("cmi.core.student_name", "r", _string, lms_set=True),
    _element("cmi.core.lesson_location", "rw", _string),
    _element("cmi.core.credit", "r", vocabulary("credit", "no-credit"), lms_set=True),
    _element("cmi.core.lesson_status", "rw", vocabulary(*LESSON_STATUS_SET)),
    _element("cmi.core.entry", "r", vocabulary("ab-initio", "resume", ""), lms_set=True),
    _element("cmi.core.score.raw", "rw", _score),
    _element("cmi.core.score.min", "rw", _score),
    _element("cmi.core.score.max", "rw", _score),
    _element("cmi.core.total_time", "r", _timespan, default="0000:00:00.00"),
    _element("cmi.core.lesson_mode", "r", vocabulary("browse", "normal", "review"), lms_set=True),
    _element("cmi.core.exit", "w", vocabulary(*EXIT)),
    _element("cmi.core.session_time", "w", _timespan),
    _element("cmi.suspend_data", "rw", _string),
    _element("cmi.launch_data", "r", _string, lms_set=True),
    _element("cmi.comments", "rw", _string),
    _element("cmi.comments_from_lms", "r", _string, lms_set=True),
    _element("cmi.objectives.n.id", "rw", _identifier),
    _element("cmi.objectives.n.score.raw", "rw", _score),
    _element("cmi.objectives.n.score.min", "rw", _score),
    _element("cmi.objectives.n.score.max", "rw", _score),
    _element("cmi.objectives.n.status", "rw", vocabulary(*OBJECTIVE_STATUS)),
    _element(
        "cmi.student_data.mastery_score", "r", ranged(check_decimal_12, "0", "100"), lms_set=True
    ),
    _element("cmi.student_data.max_time_allowed", "r", _timespan, lms_set=True),
    _element(
        "cmi.student_data.time_limit_action", "r", vocabulary(*TIME_LIMIT_ACTIONS), lms_set=True
    ),
    _element("cmi.student_preference.audio", "rw", ranged(check_sinteger_12, "-1", "100")),
    _element("cmi.student_preference.language", "rw", _string),
    _element("cmi.student_preference.speed", "rw", ranged(check_sinteger_12, "-100", "100")),
    _element("cmi.student_preference.text", "rw", ranged(check_sinteger_12, "-1", "1")),
    # Interactions are write-only in 1.2: the SCO records them, it never reads them back.
    _element("cmi.interactions.n.id", "w", _identifier),
    _element("cmi.interactions.n.objectives.n.id", "w", _identifier),
    _element("cmi.interactions.n.time", "w", plain(check_time_12)),
    _element("cmi.interactions.n.type", "w", vocabulary(*INTERACTION_TYPES)),
    # CMIFeedback's per-type formats are not enforced: authoring tools write free text here
    # and scorm-again accepts it, so refusing it would drop what the SCO was told was stored.
    _element("cmi.interactions.n.correct_responses.n.pattern", "w", _string),
    _element("cmi.interactions.n.weighting", "w", plain(check_decimal_12)),
    _element("cmi.interactions.n.student_response", "w", _string),
    _element("cmi.interactions.n.result", "w", _result_check),
    _element("cmi.interactions.n.latency", "w", _timespan),
]


SCORM12 = DataModel(
    standard="scorm12",
    version="3.4",
    elements={element.template: element for element in _ELEMENTS},
    children={
        "cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,"
        "total_time,"
        "lesson_mode,exit,session_time",
        "cmi.core.score": "raw,min,max",
        "cmi.objectives": "id,score,status",
        "cmi.objectives.n.score": "raw,min,max",
        "cmi.student_data": "mastery_score,max_time_allowed,time_limit_action",
        "cmi.student_preference": "audio,language,speed,text",
        "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,"
        "result,latency",
    },
    collections={
        "cmi.objectives": Collection("cmi.objectives"),
        "cmi.interactions": Collection("cmi.interactions"),
        "cmi.interactions.n.objectives": Collection("cmi.interactions.n.objectives"),
        "cmi.interactions.n.correct_responses": Collection("cmi.interactions.n.correct_responses"),
    },
)
