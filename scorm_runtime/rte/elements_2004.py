"""The SCORM 2004 4th edition run-time data model (RTE 4.2, cmi.*), the inter-SCO shared data
stores (RTE 4.3, adl.data.*) and the navigation request (RTE 4.4, adl.nav.*).

Section numbers follow the 4th edition RTE book: 4.2.1 _version, 4.2.2 comments_from_learner,
4.2.3 comments_from_lms, 4.2.4 completion_status, 4.2.5 completion_threshold, 4.2.6 credit,
4.2.7 entry, 4.2.8 exit, 4.2.9 interactions, 4.2.10 launch_data, 4.2.11 learner_id,
4.2.12 learner_name, 4.2.13 learner_preference, 4.2.14 location, 4.2.15 max_time_allowed,
4.2.16 mode, 4.2.17 objectives, 4.2.18 progress_measure, 4.2.19 scaled_passing_score,
4.2.20 score, 4.2.21 session_time, 4.2.22 success_status, 4.2.23 suspend_data,
4.2.24 time_limit_action, 4.2.25 total_time.
"""

from __future__ import annotations

import re

from scorm_runtime.rte.elements import (
    CheckContext,
    Collection,
    DataModel,
    Element,
    plain,
    ranged,
    vocabulary,
    with_limits,
)
from scorm_runtime.rte.errors import DataModelError, Fault
from scorm_runtime.rte.responses import INTERACTION_TYPES, MAX_CORRECT_PATTERNS, check_response
from scorm_runtime.rte.types import (
    check_characterstring,
    check_language,
    check_localized_string,
    check_long_identifier,
    check_real,
    check_time_2004,
    parse_duration,
)

COMPLETION_STATUS = ("completed", "incomplete", "not attempted", "unknown")
SUCCESS_STATUS = ("passed", "failed", "unknown")
EXIT = ("time-out", "suspend", "logout", "normal", "")
TIME_LIMIT_ACTIONS = ("exit,message", "continue,message", "exit,no message", "continue,no message")
RESULTS = ("correct", "incorrect", "unanticipated", "neutral")
# RTE 4.4.2 adl.nav.request; choice and jump carry a {target=<activity id>} delimiter.
_NAV_REQUEST = re.compile(
    r"continue|previous|exit|exitAll|abandon|abandonAll|suspendAll|_none_|\{target=[^{}\s]+\}(choice|jump)"
)

_string = with_limits(check_characterstring)
_localized = with_limits(check_localized_string)
_identifier = with_limits(check_long_identifier)
_real = plain(check_real)
_time = plain(check_time_2004)
_duration = plain(parse_duration)


def _integer(value: str) -> None:
    if not re.fullmatch(r"-?\d{1,9}", value, re.ASCII):
        raise DataModelError(Fault.TYPE_MISMATCH, f"{value[:40]!r} is not an integer")


def _result(value: str, _context: CheckContext) -> None:
    """RTE 4.2.9 cmi.interactions.n.result: the vocabulary or a real(10,7)."""
    if value not in RESULTS:
        check_real(value)


def _nav_request(value: str, _context: CheckContext) -> None:
    if not _NAV_REQUEST.fullmatch(value):
        raise DataModelError(Fault.TYPE_MISMATCH, f"{value[:60]!r} is not a navigation request")


def _interaction_type(context: CheckContext) -> str:
    """RTE 4.2.9: responses are read by the interaction's type, so it must be set first (408)."""
    interaction_type = context.values.get(f"cmi.interactions.{context.indices[0]}.type")
    if interaction_type is None:
        raise DataModelError(Fault.DEPENDENCY, "cmi.interactions.n.type must be set first")
    return interaction_type


def _learner_response(value: str, context: CheckContext) -> None:
    check_response(_interaction_type(context), value, context.limits, correct=False)


def _correct_pattern(value: str, context: CheckContext) -> None:
    interaction_type = _interaction_type(context)
    limit = MAX_CORRECT_PATTERNS.get(interaction_type)
    if limit is not None and context.indices[1] >= limit:
        # RTE 4.2.9.1: this type has at most `limit` correct response patterns.
        raise DataModelError(
            Fault.GENERAL_SET, f"a {interaction_type} interaction has at most {limit} pattern"
        )
    check_response(interaction_type, value, context.limits, correct=True)


def _objective_id(value: str, context: CheckContext) -> None:
    """RTE 4.2.17: ids are unique within cmi.objectives and never change once set (351)."""
    check_long_identifier(value, context.limits)
    current = context.values.get(context.element)
    if current is not None and current != value:
        raise DataModelError(Fault.GENERAL_SET, "an objective's id cannot be changed once set")
    index = context.indices[0]
    count = int(context.values.get("cmi.objectives._count", "0"))
    for other in range(count):
        if other != index and context.values.get(f"cmi.objectives.{other}.id") == value:
            raise DataModelError(
                Fault.GENERAL_SET, f"objective id {value[:60]!r} is already cmi.objectives.{other}"
            )


def _interaction_objective_id(value: str, context: CheckContext) -> None:
    """RTE 4.2.9: ids are unique within one interaction's objectives (351)."""
    check_long_identifier(value, context.limits)
    interaction, index = context.indices
    count = int(context.values.get(f"cmi.interactions.{interaction}.objectives._count", "0"))
    for other in range(count):
        if (
            other != index
            and context.values.get(f"cmi.interactions.{interaction}.objectives.{other}.id") == value
        ):
            raise DataModelError(
                Fault.GENERAL_SET,
                f"{value[:60]!r} is already objective {other} of this interaction",
            )


def _element(
    template: str,
    access: str,
    check=None,
    section: str = "",
    default: str | None = None,
    lms_set: bool = False,
) -> Element:
    return Element(template, access, check, f"SCORM 2004 4th ed RTE {section}", default, lms_set)  # type: ignore[arg-type]


_ELEMENTS = [
    _element("cmi.comments_from_learner.n.comment", "rw", _localized, "4.2.2"),
    _element("cmi.comments_from_learner.n.location", "rw", _string, "4.2.2"),
    _element("cmi.comments_from_learner.n.timestamp", "rw", _time, "4.2.2"),
    _element("cmi.comments_from_lms.n.comment", "r", _localized, "4.2.3", lms_set=True),
    _element("cmi.comments_from_lms.n.location", "r", _string, "4.2.3", lms_set=True),
    _element("cmi.comments_from_lms.n.timestamp", "r", _time, "4.2.3", lms_set=True),
    _element(
        "cmi.completion_status", "rw", vocabulary(*COMPLETION_STATUS), "4.2.4", default="unknown"
    ),
    _element("cmi.completion_threshold", "r", ranged(check_real, "0", "1"), "4.2.5", lms_set=True),
    _element(
        "cmi.credit",
        "r",
        vocabulary("credit", "no-credit"),
        "4.2.6",
        default="credit",
        lms_set=True,
    ),
    _element(
        "cmi.entry", "r", vocabulary("ab-initio", "resume", ""), "4.2.7", default="", lms_set=True
    ),
    _element("cmi.exit", "w", vocabulary(*EXIT), "4.2.8"),
    _element("cmi.interactions.n.id", "rw", _identifier, "4.2.9"),
    _element("cmi.interactions.n.type", "rw", vocabulary(*INTERACTION_TYPES), "4.2.9"),
    _element("cmi.interactions.n.objectives.n.id", "rw", _interaction_objective_id, "4.2.9"),
    _element("cmi.interactions.n.timestamp", "rw", _time, "4.2.9"),
    _element("cmi.interactions.n.correct_responses.n.pattern", "rw", _correct_pattern, "4.2.9.1"),
    _element("cmi.interactions.n.weighting", "rw", _real, "4.2.9"),
    _element("cmi.interactions.n.learner_response", "rw", _learner_response, "4.2.9.2"),
    _element("cmi.interactions.n.result", "rw", _result, "4.2.9"),
    _element("cmi.interactions.n.latency", "rw", _duration, "4.2.9"),
    _element("cmi.interactions.n.description", "rw", _localized, "4.2.9"),
    _element("cmi.launch_data", "r", _string, "4.2.10", lms_set=True),
    _element("cmi.learner_id", "r", _identifier, "4.2.11", lms_set=True),
    _element("cmi.learner_name", "r", _localized, "4.2.12", lms_set=True),
    _element(
        "cmi.learner_preference.audio_level",
        "rw",
        ranged(check_real, "0", None),
        "4.2.13",
        default="1",
    ),
    _element(
        "cmi.learner_preference.language",
        "rw",
        plain(lambda value: check_language(value, True)),
        "4.2.13",
        default="",
    ),
    _element(
        "cmi.learner_preference.delivery_speed",
        "rw",
        ranged(check_real, "0", None),
        "4.2.13",
        default="1",
    ),
    _element(
        "cmi.learner_preference.audio_captioning",
        "rw",
        ranged(_integer, "-1", "1"),
        "4.2.13",
        default="0",
    ),
    _element("cmi.location", "rw", _string, "4.2.14"),
    _element("cmi.max_time_allowed", "r", _duration, "4.2.15", lms_set=True),
    _element(
        "cmi.mode",
        "r",
        vocabulary("browse", "normal", "review"),
        "4.2.16",
        default="normal",
        lms_set=True,
    ),
    _element("cmi.objectives.n.id", "rw", _objective_id, "4.2.17"),
    _element("cmi.objectives.n.score.scaled", "rw", ranged(check_real, "-1", "1"), "4.2.17"),
    _element("cmi.objectives.n.score.raw", "rw", _real, "4.2.17"),
    _element("cmi.objectives.n.score.min", "rw", _real, "4.2.17"),
    _element("cmi.objectives.n.score.max", "rw", _real, "4.2.17"),
    _element(
        "cmi.objectives.n.success_status",
        "rw",
        vocabulary(*SUCCESS_STATUS),
        "4.2.17",
        default="unknown",
    ),
    _element(
        "cmi.objectives.n.completion_status",
        "rw",
        vocabulary(*COMPLETION_STATUS),
        "4.2.17",
        default="unknown",
    ),
    _element("cmi.objectives.n.progress_measure", "rw", ranged(check_real, "0", "1"), "4.2.17"),
    _element("cmi.objectives.n.description", "rw", _localized, "4.2.17"),
    _element("cmi.progress_measure", "rw", ranged(check_real, "0", "1"), "4.2.18"),
    _element(
        "cmi.scaled_passing_score", "r", ranged(check_real, "-1", "1"), "4.2.19", lms_set=True
    ),
    _element("cmi.score.scaled", "rw", ranged(check_real, "-1", "1"), "4.2.20"),
    _element("cmi.score.raw", "rw", _real, "4.2.20"),
    _element("cmi.score.min", "rw", _real, "4.2.20"),
    _element("cmi.score.max", "rw", _real, "4.2.20"),
    _element("cmi.session_time", "w", _duration, "4.2.21"),
    _element("cmi.success_status", "rw", vocabulary(*SUCCESS_STATUS), "4.2.22", default="unknown"),
    _element("cmi.suspend_data", "rw", _string, "4.2.23"),
    _element(
        "cmi.time_limit_action",
        "r",
        vocabulary(*TIME_LIMIT_ACTIONS),
        "4.2.24",
        default="continue,no message",
        lms_set=True,
    ),
    _element("cmi.total_time", "r", _duration, "4.2.25", default="PT0H0M0S"),
    # RTE 4.3: shared data stores, declared by adlcp:data in the manifest (4th edition).
    _element("adl.data.n.id", "r", _identifier, "4.3", lms_set=True),
    _element("adl.data.n.store", "rw", _string, "4.3", lms_set=True),
    # RTE 4.4: the navigation request the SCO leaves for when it terminates.
    _element("adl.nav.request", "rw", _nav_request, "4.4", default="_none_", lms_set=True),
    _element("adl.nav.request_valid.continue", "r", None, "4.4", default="unknown", lms_set=True),
    _element("adl.nav.request_valid.previous", "r", None, "4.4", default="unknown", lms_set=True),
]

SCORM2004 = DataModel(
    standard="scorm2004",
    version="1.0",
    elements={element.template: element for element in _ELEMENTS},
    children={
        "cmi.comments_from_learner": "comment,location,timestamp",
        "cmi.comments_from_lms": "comment,location,timestamp",
        "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,"
        "learner_response,result,latency,description",
        "cmi.learner_preference": "audio_level,language,delivery_speed,audio_captioning",
        "cmi.objectives": "id,score,success_status,completion_status,progress_measure,description",
        "cmi.objectives.n.score": "scaled,raw,min,max",
        "cmi.score": "scaled,raw,min,max",
        "adl.data": "id,store",
    },
    collections={
        "cmi.comments_from_learner": Collection("cmi.comments_from_learner"),
        "cmi.comments_from_lms": Collection("cmi.comments_from_lms"),
        # RTE 4.2.9 and 4.2.17: a record starts with its id; anything else first is 408.
        "cmi.interactions": Collection("cmi.interactions", first_field="id"),
        "cmi.interactions.n.objectives": Collection(
            "cmi.interactions.n.objectives", first_field="id"
        ),
        "cmi.interactions.n.correct_responses": Collection("cmi.interactions.n.correct_responses"),
        "cmi.objectives": Collection("cmi.objectives", first_field="id"),
        "adl.data": Collection("adl.data"),
    },
)
