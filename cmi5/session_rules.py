"""The cmi5 session rules the LRS enforces on the statements an AU sends with its auth-token (cmi5 6.3,
7.1, 9.1-9.7, 10.2, 11.0). Pure: no I/O, no Flask, no SQL.

`check_statements(session, facts, statements)` takes what the session (and its AU in the registration)
has seen so far and a batch in array order. It returns the facts after the whole batch, or raises
`SessionRuleBroken` naming the first statement and the requirement it breaks: the batch is refused whole
(the caller stores nothing and keeps its old facts). "Order" is `timestamp` order (9.3).

Statement kinds (7.1.3): *cmi5 defined* statements carry the cmi5 category activity; *cmi5 allowed*
statements do not, and follow only the rules every AU statement follows (9.3 "cmi5 allowed statements are
NOT subject to the usage rules in this section")."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from lrs.xapi.errors import BadRequest
from lrs.xapi.timestamps import parse_timestamp_ms

from cmi5 import vocabulary as v

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
# cmi5 9.3: the verbs an AU may use in cmi5 defined statements.
AU_DEFINED_VERBS = frozenset({v.INITIALIZED, v.COMPLETED, v.PASSED, v.FAILED, v.TERMINATED})
JUDGED_VERBS = frozenset({v.COMPLETED, v.PASSED, v.FAILED})  # what moveOn and satisfaction count
_LMS_VERB_SECTION = {v.LAUNCHED: "9.3.1", v.ABANDONED: "9.3.6", v.WAIVED: "9.3.7", v.SATISFIED: "9.3.9"}
_DURATION_REQUIRED = {v.TERMINATED: "9.5.4.1 Terminated", v.COMPLETED: "9.5.4.1 Completed",
                      v.PASSED: "9.5.4.1 Passed", v.FAILED: "9.5.4.1 Failed"}
# cmi5 9.7: UTC is written Z or a zero offset.
_UTC_SUFFIX = re.compile(r"(?:[Zz]|[+]00(?::?00)?)$")


class SessionRuleBroken(Exception):
    """A request an AU token may not make: a 403 whose message names the cmi5 section."""

    def __init__(self, section: str, detail: str, position: int | None = None):
        super().__init__(detail)
        self.section = f"cmi5 {section}"
        self.detail = detail
        self.position = position  # the statement's place in the batch, when it was one

    @property
    def message(self) -> str:
        where = f"statement [{self.position}]: " if self.position is not None else ""
        return f"{where}{self.detail} ({self.section})"

    def __str__(self) -> str:
        return self.message


class AuLaunch(Protocol):
    """What the rules read of the AU session (cmi5.au_session.AuSession has it)."""
    registration_id: str
    session_id: str
    activity_id: str
    actor: dict
    launch_mode: str
    mastery_score: float | None
    context_template: dict


@dataclass(frozen=True)
class SessionFacts:
    """What the AU session, and its AU in the registration, have seen so far."""
    preferences_read: bool = False          # cmi5LearnerPreferences read in this session (11.0)
    initialized_ms: int | None = None        # the session's initialized (9.3.2)
    terminated: bool = False                 # the session's terminated was accepted (9.3.8)
    last_ms: int | None = None               # the latest timestamp of the session's AU statements
    defined_verbs: frozenset[str] = frozenset()  # cmi5 defined verbs used in this session (9.3)
    completed: bool = False                  # the AU completed in the registration (9.3)
    passed_ms: int | None = None             # when the AU passed in the registration (9.3)
    passed: bool = False                     # the AU passed in the registration (9.3)

    def session_data(self) -> dict:
        """The per-session part, JSON-ready (the rest lives in the AU's record of the registration)."""
        return {"preferencesRead": self.preferences_read, "initializedMs": self.initialized_ms,
                "terminated": self.terminated, "lastMs": self.last_ms, "definedVerbs": sorted(self.defined_verbs)}

    @classmethod
    def from_data(cls, session_data: dict | None, *, completed: bool, passed: bool,
                  passed_ms: int | None) -> SessionFacts:
        data = session_data or {}
        return cls(preferences_read=bool(data.get("preferencesRead")), initialized_ms=data.get("initializedMs"),
                   terminated=bool(data.get("terminated")), last_ms=data.get("lastMs"),
                   defined_verbs=frozenset(data.get("definedVerbs") or ()), completed=completed,
                   passed=passed, passed_ms=passed_ms)


@dataclass(frozen=True)
class Checked:
    """An accepted batch: the facts after it, and the positions of the cmi5 defined completed, passed and
    failed statements (what satisfaction counts) in array order."""
    facts: SessionFacts
    judged: tuple[int, ...] = field(default=())

    @property
    def terminated(self) -> bool:
        return self.facts.terminated


def check_statements(session: AuLaunch, facts: SessionFacts, statements: list[Any]) -> Checked:
    """Every statement in array order against the facts so far (each accepted one updates them)."""
    judged = []
    for position, statement in enumerate(statements):
        try:
            facts, counted = _check_one(session, facts, statement)
        except SessionRuleBroken as broken:
            broken.position = position
            raise
        if counted:
            judged.append(position)
    return Checked(facts, tuple(judged))


# --- one statement ---------------------------------------------------------------------------------

def _check_one(session: AuLaunch, facts: SessionFacts, statement: Any) -> tuple[SessionFacts, bool]:
    if not isinstance(statement, dict):
        raise SessionRuleBroken("9.0", "a statement must be a JSON object")
    if facts.terminated:
        raise SessionRuleBroken("9.3.8", "the session has terminated: no statement may follow terminated")
    verb = _get(statement, "verb", "id")
    verb = verb if isinstance(verb, str) else None
    if verb == VOIDED:
        raise SessionRuleBroken("6.3", "an AU may not void statements")
    if verb in _LMS_VERB_SECTION:
        raise SessionRuleBroken(_LMS_VERB_SECTION[verb], f"only the LMS may use the verb {verb}")
    if not facts.preferences_read:
        raise SessionRuleBroken("11.0", "the AU must read the cmi5LearnerPreferences Agent Profile document "
                                        "before it sends statements")
    if not isinstance(statement.get("id"), str):
        raise SessionRuleBroken("9.1", "the AU must give every statement an id")
    at_ms = _utc_timestamp_ms(statement.get("timestamp"))
    _check_actor(session, statement.get("actor"))
    context = statement.get("context")
    _check_context(session, context)
    defined = _has_category(context, v.CMI5_CATEGORY)
    if facts.initialized_ms is None:
        if not (defined and verb == v.INITIALIZED):
            raise SessionRuleBroken("9.3", "the first statement of a session must be the cmi5 defined "
                                           "initialized")
    elif at_ms < facts.initialized_ms:
        raise SessionRuleBroken("9.3", "no statement may come before initialized (by timestamp)")
    moves_on = _has_category(context, v.MOVE_ON_CATEGORY)
    if not defined:
        if moves_on:
            raise SessionRuleBroken("9.6.2.2", "only cmi5 defined statements whose result has success or "
                                               "completion carry the moveOn category")
        return replace(facts, last_ms=_latest(facts.last_ms, at_ms)), False
    _check_defined(session, facts, statement, verb, at_ms, moves_on)
    if verb == v.TERMINATED and facts.last_ms is not None and at_ms < facts.last_ms:
        raise SessionRuleBroken("9.3", "terminated must be the last statement of the session (by timestamp)")
    changes = {"last_ms": _latest(facts.last_ms, at_ms), "defined_verbs": facts.defined_verbs | {verb}}
    if verb == v.INITIALIZED:
        changes["initialized_ms"] = at_ms
    elif verb == v.TERMINATED:
        changes["terminated"] = True
    elif verb == v.COMPLETED:
        changes["completed"] = True
    elif verb == v.PASSED:
        changes.update(passed=True, passed_ms=at_ms)
    return replace(facts, **changes), verb in JUDGED_VERBS


def _check_defined(session: AuLaunch, facts: SessionFacts, statement: dict, verb: str, at_ms: int,
                   moves_on: bool) -> None:
    if verb not in AU_DEFINED_VERBS:
        raise SessionRuleBroken("7.1.3", f"a statement with the cmi5 category must use a cmi5 defined verb, "
                                         f"not {verb}")
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType", "Activity") != "Activity" \
            or target.get("id") != session.activity_id:
        raise SessionRuleBroken("9.4", "the object of a cmi5 defined statement must be the launch activityId "
                                       f"{session.activity_id}")
    if verb in facts.defined_verbs:
        raise SessionRuleBroken("9.3", f"the verb {verb} was already used in this session")
    if verb in (v.PASSED, v.FAILED) and facts.defined_verbs & {v.PASSED, v.FAILED}:
        raise SessionRuleBroken("9.3", "a session may hold only one of passed and failed")
    if verb in JUDGED_VERBS and session.launch_mode != "Normal":
        raise SessionRuleBroken("10.2.2", f"an AU launched in {session.launch_mode} mode may not complete, "
                                          "pass or fail")
    if verb == v.COMPLETED and facts.completed:
        raise SessionRuleBroken("9.3.3", "the AU has already completed in this registration")
    if verb == v.PASSED and facts.passed:
        raise SessionRuleBroken("9.3.4", "the AU has already passed in this registration")
    if verb == v.FAILED and facts.passed and (facts.passed_ms is None or at_ms >= facts.passed_ms):
        raise SessionRuleBroken("9.3", "failed may not follow passed in a registration")
    result = statement.get("result")
    result = result if isinstance(result, dict) else {}
    _check_result(session, statement, verb, result)
    has_outcome = "success" in result or "completion" in result
    if has_outcome and not moves_on:
        raise SessionRuleBroken("9.6.2.2", "a cmi5 defined statement whose result has success or completion "
                                           "must carry the moveOn category")
    if moves_on and not has_outcome:
        raise SessionRuleBroken("9.6.2.2", "the moveOn category is only for cmi5 defined statements whose "
                                           "result has success or completion")


def _check_result(session: AuLaunch, statement: dict, verb: str, result: dict) -> None:
    score = result.get("score")
    if "score" in result and verb not in (v.PASSED, v.FAILED):
        raise SessionRuleBroken("9.5.1", "only passed and failed may carry a score")
    if isinstance(score, dict) and "raw" in score and ("min" not in score or "max" not in score):
        raise SessionRuleBroken("9.5.1", "a raw score needs min and max")
    if verb == v.PASSED and result.get("success") is not True:
        raise SessionRuleBroken("9.5.2", "passed must have result.success true")
    if verb == v.FAILED and result.get("success") is not False:
        raise SessionRuleBroken("9.5.2", "failed must have result.success false")
    if "success" in result and verb not in (v.PASSED, v.FAILED):
        raise SessionRuleBroken("9.5.2", "only passed and failed may carry result.success")
    if verb == v.COMPLETED and result.get("completion") is not True:
        raise SessionRuleBroken("9.5.3", "completed must have result.completion true")
    if "completion" in result and verb != v.COMPLETED:
        raise SessionRuleBroken("9.5.3", "only completed may carry result.completion")
    if verb in _DURATION_REQUIRED and not isinstance(result.get("duration"), str):
        raise SessionRuleBroken(_DURATION_REQUIRED[verb], f"{v.VERB_DISPLAY[verb]} must have result.duration")
    # cmi5 9.6.3.2: the extension goes on passed/failed "based on the masteryScore", i.e. judged by a
    # score (9.3.4 and 9.3.5 likewise apply it only to a statement with a scaled score); CATAPULT's
    # 001-essentials and 005-2 send an unscored passed/failed that must be accepted.
    if verb in (v.PASSED, v.FAILED) and session.mastery_score is not None and "score" in result:
        _check_mastery(session.mastery_score, statement, verb, score)


def _check_mastery(mastery: float, statement: dict, verb: str, score: Any) -> None:
    stated = _get(statement, "context", "extensions", v.MASTERY_SCORE_EXTENSION)
    if not _is_number(stated) or not math.isclose(float(stated), float(mastery), abs_tol=1e-9):
        raise SessionRuleBroken("9.6.3.2", f"{v.VERB_DISPLAY[verb]} must carry the masteryscore extension "
                                           f"with the launch's masteryScore {mastery}")
    scaled = score.get("scaled") if isinstance(score, dict) else None
    if not _is_number(scaled):
        return
    if verb == v.PASSED and scaled < mastery:
        raise SessionRuleBroken("9.3.4", f"passed with a scaled score {scaled} below the masteryScore {mastery}")
    if verb == v.FAILED and scaled >= mastery:
        raise SessionRuleBroken("9.3.5", f"failed with a scaled score {scaled} not below the masteryScore "
                                         f"{mastery}")


# --- every AU statement ----------------------------------------------------------------------------

def _utc_timestamp_ms(timestamp: Any) -> int:
    if not isinstance(timestamp, str):
        raise SessionRuleBroken("9.7", "every statement must have a timestamp")
    if not _UTC_SUFFIX.search(timestamp):
        raise SessionRuleBroken("9.7", f"the timestamp {timestamp!r} is not in UTC")
    try:
        return parse_timestamp_ms(timestamp, parameter="timestamp")
    except BadRequest:
        raise SessionRuleBroken("9.7", f"the timestamp {timestamp!r} is not an ISO 8601 timestamp") from None


def same_agent(agent: Any, launch_actor: dict) -> bool:
    """cmi5 9.2: an Agent (objectType absent or Agent) with the launch actor's account."""
    if not isinstance(agent, dict) or agent.get("objectType", "Agent") != "Agent":
        return False
    account, expected = agent.get("account"), launch_actor.get("account") or {}
    return isinstance(account, dict) and account.get("homePage") == expected.get("homePage") \
        and account.get("name") == expected.get("name") \
        and not any(key in agent for key in ("mbox", "mbox_sha1sum", "openid"))


def _check_actor(session: AuLaunch, actor: Any) -> None:
    if not same_agent(actor, session.actor):
        raise SessionRuleBroken("9.2", "the actor must be the launch actor: an Agent with its account")


def _check_context(session: AuLaunch, context: Any) -> None:
    if not isinstance(context, dict):
        raise SessionRuleBroken("9.6", "the statement needs a context built from the contextTemplate")
    if context.get("registration") != session.registration_id:
        raise SessionRuleBroken("9.6.1", f"context.registration must be the launch registration "
                                         f"{session.registration_id}")
    if _get(context, "extensions", v.SESSION_ID_EXTENSION) != session.session_id:
        raise SessionRuleBroken("9.6.3.1", "the context must carry the session id extension of this session")
    missing = _missing_from(session.context_template, context)
    if missing is not None:
        raise SessionRuleBroken("10.2.1", f"the context must hold the contextTemplate's {missing}")


def _missing_from(template: Any, value: Any, path: str = "context") -> str | None:
    """The first part of the template the value does not hold unchanged, or None. Lists hold every
    template element; activities (objects with an id) match by id."""
    if isinstance(template, dict):
        if not isinstance(value, dict):
            return path
        for key, part in template.items():
            if key not in value:
                return f"{path}.{key}"
            missing = _missing_from(part, value[key], f"{path}.{key}")
            if missing is not None:
                return missing
        return None
    if isinstance(template, list):
        if not isinstance(value, list):
            return path
        for element in template:
            if isinstance(element, dict) and "id" in element:
                if not any(isinstance(item, dict) and item.get("id") == element["id"] for item in value):
                    return f"{path} activity {element['id']}"
            elif element not in value:
                return path
        return None
    return None if value == template else path


def _has_category(context: Any, category_id: str) -> bool:
    categories = _get(context, "contextActivities", "category")
    if isinstance(categories, dict):  # xAPI allows a single activity object
        categories = [categories]
    return isinstance(categories, list) and any(isinstance(activity, dict) and activity.get("id") == category_id
                                                for activity in categories)


def _get(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _latest(known: int | None, at_ms: int) -> int:
    return at_ms if known is None else max(known, at_ms)
