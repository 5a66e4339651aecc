"""One readable line per statement: who did what to which, the result, and when."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    actor: str
    verb: str
    object: str
    result: str
    when: str


def _language_map(value, fallback: str) -> str:
    if isinstance(value, dict) and value:
        for language in ("en-US", "en-GB", "en"):
            if isinstance(value.get(language), str):
                return value[language]
        first = next(iter(value.values()))
        if isinstance(first, str):
            return first
    return fallback


def _agent(agent) -> str:
    if not isinstance(agent, dict):
        return "someone"
    if isinstance(agent.get("name"), str) and agent["name"].strip():
        return agent["name"]
    if isinstance(agent.get("mbox"), str):
        return agent["mbox"].removeprefix("mailto:")
    account = agent.get("account")
    if isinstance(account, dict) and isinstance(account.get("name"), str):
        return account["name"]
    if isinstance(agent.get("openid"), str):
        return agent["openid"]
    if isinstance(agent.get("mbox_sha1sum"), str):
        return "agent " + agent["mbox_sha1sum"][:8]
    return "a group" if agent.get("objectType") == "Group" else "someone"


def _last_segment(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


def _object(obj) -> str:
    if not isinstance(obj, dict):
        return "something"
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _language_map((obj.get("definition") or {}).get("name"), str(obj.get("id", "an activity")))
    if kind in ("Agent", "Group"):
        return _agent(obj)
    if kind == "StatementRef":
        return f"statement {obj.get('id', '')}"
    return "a sub-statement"


def _result(result) -> str:
    if not isinstance(result, dict):
        return ""
    parts = []
    score = result.get("score")
    if isinstance(score, dict):
        if isinstance(score.get("scaled"), (int, float)) and not isinstance(score.get("scaled"), bool):
            parts.append(f"score {score['scaled'] * 100:g}%")
        elif isinstance(score.get("raw"), (int, float)):
            parts.append(f"score {score['raw']:g}" + (f"/{score['max']:g}" if isinstance(score.get("max"), (int, float))
                                                       else ""))
    if result.get("success") is True:
        parts.append("passed")
    elif result.get("success") is False:
        parts.append("not passed")
    if result.get("completion") is True:
        parts.append("completed")
    if isinstance(result.get("duration"), str):
        parts.append(f"in {result['duration']}")
    return ", ".join(parts)


def summarize(statement: dict) -> Summary:
    verb = statement.get("verb") or {}
    return Summary(actor=_agent(statement.get("actor")),
                   verb=_language_map(verb.get("display"), _last_segment(str(verb.get("id", "did")))),
                   object=_object(statement.get("object")),
                   result=_result(statement.get("result")),
                   when=str(statement.get("timestamp") or statement.get("stored") or ""))
