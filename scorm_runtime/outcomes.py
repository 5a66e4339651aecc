"""What a SCO's CMI data says about the learner, in the terms progress and statements use: completion,
success, scaled score, session and total time, interactions and comments (launch-api.md, Registrations:
the lesson_status table and the score rule; SCORM 1.2 RTE 3.4.2; SCORM 2004 RTE 4.2).

Reads a flat mapping of element -> value ("cmi.core.lesson_status": "passed"), as the player commits
them and as scorm_runtime.rte keeps them. Pure."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scorm_runtime.statements import Comment, Interaction, Outcome, Score, Snapshot

# launch-api.md, Registrations, SCORM: 1.2 lesson_status -> (completion, success).
LESSON_STATUS = {
    "passed": ("completed", "passed"),
    "failed": ("completed", "failed"),
    "completed": ("completed", "unknown"),
    "incomplete": ("incomplete", "unknown"),
    "browsed": ("incomplete", "unknown"),
    "not attempted": ("not attempted", "unknown"),
}


@dataclass(frozen=True)
class Status:
    """Progress of one item in the contract's words."""
    completion: str = "not attempted"   # "completed" | "incomplete" | "not attempted" | "unknown"
    success: str = "unknown"            # "passed" | "failed" | "unknown"
    score: float | None = None          # scaled, -1..1

    @property
    def satisfied(self) -> bool:
        # launch-api.md: an item is satisfied when it is completed, or when it is passed or failed.
        return self.completion == "completed" or self.success in ("passed", "failed")


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def score_of(version: str, cmi: Mapping[str, str]) -> Score | None:
    prefix = "cmi.core.score." if version == "scorm12" else "cmi.score."
    raw, low, high = (_number(cmi.get(prefix + name)) for name in ("raw", "min", "max"))
    if version == "scorm12":
        # launch-api.md, SCORM specifics, Score: (raw - min) / (max - min), min 0 and max 100 when absent.
        scaled = None
        if raw is not None:
            floor = low if low is not None else 0.0
            ceiling = high if high is not None else 100.0
            if ceiling > floor:
                scaled = round((raw - floor) / (ceiling - floor), 7)
                scaled = scaled if -1 <= scaled <= 1 else None
    else:
        scaled = _number(cmi.get("cmi.score.scaled"))  # launch-api.md: 2004 uses score.scaled
    if raw is None and scaled is None:
        return None
    return Score(scaled=scaled, raw=raw, min=low, max=high)


def status_of(version: str, cmi: Mapping[str, str]) -> Status:
    score = score_of(version, cmi)
    scaled = score.scaled if score else None
    if version == "scorm12":
        completion, success = LESSON_STATUS.get(cmi.get("cmi.core.lesson_status", "not attempted"),
                                                ("not attempted", "unknown"))
        return Status(completion, success, scaled)
    completion = cmi.get("cmi.completion_status", "unknown")
    success = cmi.get("cmi.success_status", "unknown")
    return Status(completion if completion in ("completed", "incomplete", "not attempted") else "unknown",
                  success if success in ("passed", "failed") else "unknown", scaled)


def exit_of(version: str, cmi: Mapping[str, str]) -> str:
    return cmi.get("cmi.core.exit" if version == "scorm12" else "cmi.exit", "") or ""


def session_time_of(version: str, cmi: Mapping[str, str]) -> str | None:
    return cmi.get("cmi.core.session_time" if version == "scorm12" else "cmi.session_time") or None


_INDEXED = re.compile(r"^cmi\.interactions\.(\d+)\.(.+)$")
_COMMENT = re.compile(r"^cmi\.comments_from_learner\.(\d+)\.(comment|location|timestamp)$")


def interactions_of(version: str, cmi: Mapping[str, str]) -> tuple[Interaction, ...]:
    fields: dict[int, dict[str, str]] = {}
    for element, value in cmi.items():
        match = _INDEXED.match(element)
        if match:
            fields.setdefault(int(match.group(1)), {})[match.group(2)] = value
    response_name = "student_response" if version == "scorm12" else "learner_response"
    interactions = []
    for index in sorted(fields):
        values = fields[index]
        if not values.get("id"):
            continue
        patterns = sorted(((int(name.split(".")[1]), value) for name, value in values.items()
                           if re.fullmatch(r"correct_responses\.\d+\.pattern", name)))
        interactions.append(Interaction(
            index=index, id=values["id"], type=values.get("type") or None,
            description=values.get("description") or None,
            correct_responses=tuple(value for _, value in patterns),
            learner_response=values.get(response_name), result=values.get("result") or None,
            latency=values.get("latency") or None))
    return tuple(interactions)


def comments_of(version: str, cmi: Mapping[str, str]) -> tuple[Comment, ...]:
    if version == "scorm12":
        text = cmi.get("cmi.comments") or ""
        if not text:
            return ()
        return (Comment(text=text, key="comments:" + hashlib.sha256(text.encode()).hexdigest()[:16]),)
    comments: dict[int, dict[str, str]] = {}
    for element, value in cmi.items():
        match = _COMMENT.match(element)
        if match:
            comments.setdefault(int(match.group(1)), {})[match.group(2)] = value
    result = []
    for index in sorted(comments):
        text = comments[index].get("comment") or ""
        if text:
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            result.append(Comment(text=text, key=f"comment:{index}:{digest}"))
    return tuple(result)


def snapshot_of(version: str, cmi: Mapping[str, str]) -> Snapshot:
    status = status_of(version, cmi)
    return Snapshot(
        version=version,
        outcome=Outcome(
            completion={"completed": True, "incomplete": False}.get(status.completion),
            success={"passed": True, "failed": False}.get(status.success),
            score=score_of(version, cmi)),
        interactions=interactions_of(version, cmi),
        comments=comments_of(version, cmi),
        session_time=session_time_of(version, cmi))
