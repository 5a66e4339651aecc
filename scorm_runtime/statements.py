"""SCORM session events -> xAPI statements, as ADL's xAPI SCORM Profile defines them
(../shared/fixtures/profiles/scorm-v1.0.jsonld; launch-api.md, SCORM specifics, Statements).

Pure: no Flask, no SQL, no clock. Every statement carries what the profile's `generalrestrictions`
template asks (an attempt and a course activity in grouping, a timestamp) and the profile version as a
category activity (xAPI Profiles, Structure 2.3: a conforming statement SHOULD name the version).
Statement ids are UUIDv5 of the session id and the event, so a retried write never duplicates.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

PROFILE_ID = "https://w3id.org/xapi/scorm"
PROFILE_VERSION_ID = "https://w3id.org/xapi/scorm/v1.0"

# Templates of the profile, by what they describe (scorm-v1.0.jsonld "templates").
TEMPLATE_INITIALIZATION = "https://w3id.org/xapi/scorm#initialization"
TEMPLATE_TERMINATION = "https://w3id.org/xapi/scorm#termination"
TEMPLATE_SUSPENSION = "https://w3id.org/xapi/scorm#suspension"
TEMPLATE_RESUMPTION = "https://w3id.org/xapi/scorm#resumption"
TEMPLATE_SCO_ACTIVITY = "https://w3id.org/xapi/scorm#scoactivity"
TEMPLATE_COMMENTING = "https://w3id.org/xapi/scorm#commenting"
TEMPLATE_COMPLETING = "https://w3id.org/xapi/scorm#completing"
TEMPLATE_INTERACTION = "https://w3id.org/xapi/scorm#interactionactivity"

VERB_INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
VERB_TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
VERB_SUSPENDED = "http://adlnet.gov/expapi/verbs/suspended"
VERB_RESUMED = "http://adlnet.gov/expapi/verbs/resumed"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_PASSED = "http://adlnet.gov/expapi/verbs/passed"
VERB_FAILED = "http://adlnet.gov/expapi/verbs/failed"
VERB_SCORED = "http://adlnet.gov/expapi/verbs/scored"
VERB_RESPONDED = "http://adlnet.gov/expapi/verbs/responded"
VERB_COMMENTED = "http://adlnet.gov/expapi/verbs/commented"  # ADL vocabulary (adl-v1.0.jsonld)

TYPE_LESSON = "http://adlnet.gov/expapi/activities/lesson"
TYPE_COURSE = "http://adlnet.gov/expapi/activities/course"
TYPE_ATTEMPT = "http://adlnet.gov/expapi/activities/attempt"
TYPE_PROFILE = "http://adlnet.gov/expapi/activities/profile"
TYPE_CMI_INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"

# The profile's state documents (scorm-v1.0.jsonld concepts "StateResource").
ACTIVITY_STATE_ID = "https://w3id.org/xapi/scorm/activity-state"
ATTEMPT_STATE_ID = "https://w3id.org/xapi/scorm/attempt-state"

_DISPLAY_LANGUAGE = "en-US"
_UNKNOWN_LANGUAGE = "und"  # RFC 5646: manifest titles carry no language we can trust
# A fixed namespace for our statement ids: uuid5(namespace, session id + event).
_STATEMENT_NAMESPACE = uuid.UUID("6c0b1f5e-7a4e-5d8e-9a43-5c0a7d5e2f11")

XAPI_INTERACTION_TYPES = frozenset({"true-false", "choice", "fill-in", "long-fill-in", "matching",
                                    "performance", "sequencing", "likert", "numeric", "other"})


@dataclass(frozen=True)
class AttemptContext:
    """Who, where and which attempt: everything a statement of one session shares."""
    learner: dict                 # the registration's xAPI Agent
    registration_id: str
    course_iri: str
    course_title: str
    lesson_iri: str               # the SCO (or asset) activity: `{course IRI}/items/{item id}`
    lesson_title: str
    attempt_id: str               # UUID text, the same for every session of one attempt
    session_id: str               # statement ids derive from it

    @property
    def attempt_iri(self) -> str:
        # xAPI SCORM Profile 5.0: any unique IRI; ADL's examples append attemptId to the SCO IRI.
        return f"{self.lesson_iri}?attemptId={self.attempt_id}"


@dataclass(frozen=True)
class Score:
    scaled: float | None = None
    raw: float | None = None
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Outcome:
    """What the SCO reported about itself, in xAPI terms (None: not known)."""
    completion: bool | None = None
    success: bool | None = None
    score: Score | None = None


@dataclass(frozen=True)
class Interaction:
    """One cmi.interactions.n, values as the SCO wrote them (1.2 or 2004 formats)."""
    index: int
    id: str
    type: str | None = None
    description: str | None = None
    correct_responses: tuple[str, ...] = ()
    learner_response: str | None = None
    result: str | None = None
    latency: str | None = None    # 2004 timeinterval, 1.2 CMITimespan


@dataclass(frozen=True)
class Comment:
    text: str
    key: str                      # stable within the attempt: a retried write keeps its id


@dataclass(frozen=True)
class Snapshot:
    """The parts of a SCO's CMI data that statements are made of, at one moment."""
    version: str                  # "scorm12" | "scorm2004"
    outcome: Outcome = Outcome()
    interactions: tuple[Interaction, ...] = ()
    comments: tuple[Comment, ...] = ()
    session_time: str | None = None  # as the SCO wrote it (1.2 CMITimespan, 2004 timeinterval)


# --- building blocks ------------------------------------------------------------------------------

def statement_id(session_id: str, event: str) -> str:
    return str(uuid.uuid5(_STATEMENT_NAMESPACE, f"{session_id}\n{event}"))


def timestamp(at_ms: int) -> str:
    moment = datetime.fromtimestamp(at_ms / 1000, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at_ms % 1000:03d}Z"


def _verb(verb_id: str) -> dict:
    return {"id": verb_id, "display": {_DISPLAY_LANGUAGE: verb_id.rsplit("/", 1)[-1]}}


def _name(text: str) -> dict:
    return {_UNKNOWN_LANGUAGE: text or "untitled"}


def lesson_activity(ctx: AttemptContext) -> dict:
    return {"objectType": "Activity", "id": ctx.lesson_iri,
            "definition": {"name": _name(ctx.lesson_title), "type": TYPE_LESSON}}


def _context(ctx: AttemptContext, *, parent: bool = False) -> dict:
    activities = {
        # xAPI SCORM Profile 3.2 Context Activities: grouping holds the attempt and the course.
        "grouping": [
            {"objectType": "Activity", "id": ctx.attempt_iri,
             "definition": {"name": _name(f"Attempt of {ctx.lesson_title}"), "type": TYPE_ATTEMPT}},
            {"objectType": "Activity", "id": ctx.course_iri,
             "definition": {"name": _name(ctx.course_title), "type": TYPE_COURSE}},
        ],
        "category": [{"objectType": "Activity", "id": PROFILE_VERSION_ID,
                      "definition": {"type": TYPE_PROFILE}}],
    }
    if parent:
        activities["parent"] = [lesson_activity(ctx)]
    return {"registration": ctx.registration_id, "contextActivities": activities}


def _statement(ctx: AttemptContext, event: str, verb_id: str, at_ms: int, *, obj: dict | None = None,
               result: dict | None = None, parent: bool = False) -> dict:
    statement = {
        "id": statement_id(ctx.session_id, event),
        "actor": ctx.learner,
        "verb": _verb(verb_id),
        "object": obj or lesson_activity(ctx),
        "context": _context(ctx, parent=parent),
        "timestamp": timestamp(at_ms),
    }
    if result:
        statement["result"] = result
    return statement


# --- times and scores -----------------------------------------------------------------------------

_TIMESPAN_12 = re.compile(r"^(\d{2,4}):(\d{2}):(\d{2})(?:\.(\d{1,2}))?$")
_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
                       r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def seconds_of(value: str | None) -> float | None:
    """A 1.2 CMITimespan (HHHH:MM:SS.SS, SCORM 1.2 RTE 3.4.2) or a 2004 timeinterval (ISO 8601 duration,
    SCORM 2004 RTE 4.1.1.7) in seconds; None when it is neither. Years and months count as 365 and 30 days."""
    if not value:
        return None
    match = _TIMESPAN_12.match(value)
    if match:
        hours, minutes, seconds, fraction = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds) + (int(fraction.ljust(2, "0")) / 100
                                                                        if fraction else 0)
    match = _DURATION.match(value)
    if match and value not in ("P", "PT") and not value.endswith("T"):
        years, months, days, hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
        return ((years * 365 + months * 30 + days) * 86400 + hours * 3600 + minutes * 60 + seconds)
    return None


def iso_duration(seconds: float) -> str:
    """xAPI-Data 4.6: an ISO 8601 duration, precise to 0.01 s."""
    hundredths = int(round(max(seconds, 0.0) * 100))
    whole, fraction = divmod(hundredths, 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{secs}.{fraction:02d}".rstrip("0").rstrip(".") if fraction else str(secs)
    return f"PT{hours}H{minutes}M{text}S"


def _score(score: Score | None) -> dict | None:
    """xAPI-Data 2.4.5.1: scaled in -1..1; raw within min..max; max above min. Parts that break these
    are left out rather than making the statement invalid."""
    if score is None:
        return None
    result: dict = {}
    if score.scaled is not None and -1 <= score.scaled <= 1:
        result["scaled"] = score.scaled
    low, high, raw = score.min, score.max, score.raw
    if low is not None and high is not None and not low < high:
        low = high = None
    if low is not None:
        result["min"] = low
    if high is not None:
        result["max"] = high
    if raw is not None and (low is None or raw >= low) and (high is None or raw <= high):
        result["raw"] = raw
    return result if ("scaled" in result or "raw" in result) else None


def _overall_result(outcome: Outcome, session_time: str | None) -> dict:
    """xAPI SCORM Profile 5.0 Terminating/Suspending an attempt: the SCO's overall result."""
    result: dict = {}
    if outcome.success is not None:
        result["success"] = outcome.success
    if outcome.completion is not None:
        result["completion"] = outcome.completion
    score = _score(outcome.score)
    if score:
        result["score"] = score
    seconds = seconds_of(session_time)
    if seconds is not None:
        result["duration"] = iso_duration(seconds)
    return result


# --- the attempt's frame: initialized, suspended, resumed, terminated -------------------------------

def initialized(ctx: AttemptContext, at_ms: int) -> dict:
    """Template `initialization`: once, when the attempt starts (cmi.entry ab-initio)."""
    return _statement(ctx, "initialized", VERB_INITIALIZED, at_ms)


def resumed(ctx: AttemptContext, at_ms: int) -> dict:
    """Template `resumption`: a session takes up a suspended attempt (cmi.entry resume)."""
    return _statement(ctx, "resumed", VERB_RESUMED, at_ms)


def suspended(ctx: AttemptContext, at_ms: int, snapshot: Snapshot) -> dict:
    """Template `suspension`: the session ends with cmi.exit suspend; the attempt goes on."""
    return _statement(ctx, "suspended", VERB_SUSPENDED, at_ms,
                      result=_overall_result(snapshot.outcome, snapshot.session_time) or None)


def terminated(ctx: AttemptContext, at_ms: int, snapshot: Snapshot) -> dict:
    """Template `termination`: the attempt ends."""
    return _statement(ctx, "terminated", VERB_TERMINATED, at_ms,
                      result=_overall_result(snapshot.outcome, snapshot.session_time) or None)


# --- what the SCO reported: completed, passed, failed, scored, responded, commented ------------------

def completed(ctx: AttemptContext, at_ms: int) -> dict:
    """Template `completing` (cmi.completion_status / cmi.core.lesson_status = completed)."""
    return _statement(ctx, "completed", VERB_COMPLETED, at_ms, result={"completion": True})


def passed_or_failed(ctx: AttemptContext, at_ms: int, outcome: Outcome) -> dict:
    """Template `scoactivity` with passed or failed (cmi.success_status, 1.2 lesson_status)."""
    verb_id = VERB_PASSED if outcome.success else VERB_FAILED
    result: dict = {"success": bool(outcome.success)}
    score = _score(outcome.score)
    if score:
        result["score"] = score
    return _statement(ctx, "passed" if outcome.success else "failed", verb_id, at_ms, result=result)


def scored(ctx: AttemptContext, at_ms: int, score: dict) -> dict:
    """Template `scoactivity` with scored (cmi.score.scaled, 1.2 cmi.core.score.raw)."""
    digest = hashlib.sha256(repr(sorted(score.items())).encode()).hexdigest()[:16]
    return _statement(ctx, f"scored:{digest}", VERB_SCORED, at_ms, result={"score": score})


def responded(ctx: AttemptContext, at_ms: int, interaction: Interaction, version: str) -> dict:
    """Template `interactionactivity`: a cmi.interaction activity with the lesson as parent
    (xAPI SCORM Profile 3.2 Activity IRI: `<scoIRI>/interactions/<interaction path>`)."""
    definition: dict = {"type": TYPE_CMI_INTERACTION}
    interaction_type = interaction.type if interaction.type in XAPI_INTERACTION_TYPES else "other"
    definition["interactionType"] = interaction_type
    if interaction.description:
        definition["description"] = {_UNKNOWN_LANGUAGE: _strip_language(interaction.description)}
    patterns = [response_in_xapi(pattern, interaction_type, version) for pattern in interaction.correct_responses]
    if patterns:
        definition["correctResponsesPattern"] = patterns
    activity = {"objectType": "Activity",
                "id": f"{ctx.lesson_iri}/interactions/{quote(interaction.id, safe='')}",
                "definition": definition}
    result: dict = {}
    if interaction.learner_response is not None:
        result["response"] = response_in_xapi(interaction.learner_response, interaction_type, version)
    success = _interaction_success(interaction.result)
    if success is not None:
        result["success"] = success
    seconds = seconds_of(interaction.latency)
    if seconds is not None:
        result["duration"] = iso_duration(seconds)
    digest = hashlib.sha256(repr(interaction).encode()).hexdigest()[:16]
    return _statement(ctx, f"responded:{interaction.index}:{digest}", VERB_RESPONDED, at_ms, obj=activity,
                      result=result or None, parent=True)


def commented(ctx: AttemptContext, at_ms: int, comment: Comment) -> dict:
    """Template `commenting`: the comment is result.response (xAPI SCORM Profile 6.0 Comments From Learner)."""
    return _statement(ctx, f"commented:{comment.key}", VERB_COMMENTED, at_ms,
                      result={"response": _strip_language(comment.text)})


def _interaction_success(result: str | None) -> bool | None:
    if result == "correct":
        return True
    if result in ("wrong", "incorrect"):  # 1.2 "wrong" (RTE 3.4.2 cmi.interactions.n.result), 2004 "incorrect"
        return False
    return None


_LANGUAGE_PREFIX = re.compile(r"^\{lang=[^}]*\}")


def _strip_language(text: str) -> str:
    # SCORM 2004 localized_string_type starts with an optional {lang=...} delimiter (RTE 4.1.1.6).
    return _LANGUAGE_PREFIX.sub("", text, count=1)


def response_in_xapi(value: str, interaction_type: str, version: str) -> str:
    """A SCORM response or correct-response pattern in xAPI's format (xAPI-Data 2.4.4.1.1, response
    patterns). SCORM 2004's characterstrings already use xAPI's [,] [.] [:] delimiters; 1.2 uses bare
    ',' and '.' and t/f for true-false (SCORM 1.2 RTE 3.4.2, CMIFeedback)."""
    if version != "scorm12":
        return value
    if interaction_type == "true-false":
        return {"t": "true", "1": "true", "f": "false", "0": "false"}.get(value.strip().lower(), value)
    if interaction_type in ("choice", "sequencing"):
        items = [part.strip() for part in value.strip().strip("{}").split(",") if part.strip()]
        return "[,]".join(items)
    if interaction_type == "matching":
        pairs = [part.strip() for part in value.strip().strip("{}").split(",") if part.strip()]
        return "[,]".join("[.]".join(side.strip() for side in pair.split(".", 1)) for pair in pairs)
    return value


# --- the statements of one session -------------------------------------------------------------------

def session_end_statements(ctx: AttemptContext, at_ms: int, before: Snapshot, after: Snapshot, *,
                           suspended_: bool) -> list[dict]:
    """What a session that ends writes, in the profile's order (pattern `generalpattern`: middle
    statements, then `suspended` or `terminated`). `before` is the data as the session started;
    only what changed during the session is reported."""
    statements: list[dict] = []
    outcome = after.outcome
    if outcome.completion is True and before.outcome.completion is not True:
        statements.append(completed(ctx, at_ms))
    if outcome.success is not None and outcome.success != before.outcome.success:
        statements.append(passed_or_failed(ctx, at_ms, outcome))
    score = _score(outcome.score)
    if score and score != _score(before.outcome.score):
        statements.append(scored(ctx, at_ms, score))
    previous = {interaction.index: interaction for interaction in before.interactions}
    for interaction in after.interactions:
        if previous.get(interaction.index) == interaction:
            continue
        if interaction.learner_response is None and interaction.result is None:
            continue  # nothing was responded yet
        statements.append(responded(ctx, at_ms, interaction, after.version))
    known_comments = {comment.key: comment for comment in before.comments}
    for comment in after.comments:
        if comment.key in known_comments:
            continue
        text = comment.text
        earlier = None
        if after.version == "scorm12" and before.comments:
            # 1.2 cmi.comments is one string the SCO appends to (SCORM 1.2 RTE 3.4.2): report the new part.
            earlier = before.comments[-1]
        if earlier is not None and text.startswith(earlier.text):
            text = text[len(earlier.text):]
        if _strip_language(text).strip():
            statements.append(commented(ctx, at_ms, Comment(text=text, key=comment.key)))
    statements.append(suspended(ctx, at_ms, after) if suspended_ else terminated(ctx, at_ms, after))
    return statements


# --- the course, as sequencing rolls it up (SCORM 2004) ------------------------------------------------

def course_activity(ctx: AttemptContext) -> dict:
    return {"objectType": "Activity", "id": ctx.course_iri,
            "definition": {"name": _name(ctx.course_title), "type": TYPE_COURSE}}


def course_statements(ctx: AttemptContext, at_ms: int, before: dict, after: dict) -> list[dict]:
    """completed, passed or failed for the course when the root activity's rollup turns so (issue 13,
    Rollup feeds the xAPI statements). `before`/`after`: sequencing.course_rollup.

    ADL's xAPI SCORM Profile has templates for lessons (SCOs) only, and its `generalrestrictions` ask every
    statement that names the profile in category for an attempt in grouping. A course statement belongs to no
    SCO attempt (one in grouping would also break that attempt's `generalpattern`), so it uses the profile's
    verbs and results, the course as object and in grouping, and does not claim the profile in category."""
    statements = []
    context = {"registration": ctx.registration_id,
               "contextActivities": {"grouping": [course_activity(ctx)]}}
    if after["completion"] == "completed" and before["completion"] != "completed":
        statements.append({"id": statement_id(ctx.session_id, "course:completed"), "actor": ctx.learner,
                           "verb": _verb(VERB_COMPLETED), "object": course_activity(ctx), "context": context,
                           "timestamp": timestamp(at_ms), "result": {"completion": True}})
    if after["success"] in ("passed", "failed") and after["success"] != before["success"]:
        success = after["success"] == "passed"
        result: dict = {"success": success}
        if after.get("scaled") is not None:
            result["score"] = {"scaled": after["scaled"]}
        statements.append({"id": statement_id(ctx.session_id, f"course:{after['success']}"), "actor": ctx.learner,
                           "verb": _verb(VERB_PASSED if success else VERB_FAILED), "object": course_activity(ctx),
                           "context": context, "timestamp": timestamp(at_ms), "result": result})
    return statements


# --- the profile's state documents -------------------------------------------------------------------

def activity_state(attempt_iris: list[str]) -> dict:
    """SCORM Activity State (https://w3id.org/xapi/scorm/activity-state): the attempt IRIs, oldest first."""
    return {"attempts": list(attempt_iris)}


def attempt_state(*, credit: str | None, mode: str | None, location: str | None, preferences: dict | None,
                  total_time: str | None, adl_data: list | None = None) -> dict:
    """SCORM Activity Attempt State (https://w3id.org/xapi/scorm/attempt-state)."""
    document: dict = {}
    for name, value in (("credit", credit), ("mode", mode), ("location", location),
                        ("preferences", preferences), ("total_time", total_time), ("adl_data", adl_data)):
        if value not in (None, "", {}, []):
            document[name] = value
    return document
