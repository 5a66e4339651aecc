"""The terms a statement can be found by, computed once at write time (xAPI-Communication 2.1.3).

Each term is (key, role). Keys carry a one-letter kind prefix so agent, activity, verb and registration
values can share one interned table; roles say which query parameter a term answers.
"""
from __future__ import annotations

from enum import IntEnum

from lrs.xapi.agents import ifi_key


class Role(IntEnum):
    AGENT = 1             # the agent filter: Actor or Object, members of a Group included
    RELATED_AGENT = 2     # related_agents=true: also Authority, Instructor, Team, SubStatement's
    ACTIVITY = 3          # the activity filter: the Object
    RELATED_ACTIVITY = 4  # related_activities=true: also context activities and SubStatement's
    VERB = 5
    REGISTRATION = 6


def agent_term(agent: dict) -> str | None:
    key = ifi_key(agent)
    return None if key is None else "A" + key


def activity_term(activity_id: str) -> str:
    return "I" + activity_id


def verb_term(verb_id: str) -> str:
    return "V" + verb_id


def registration_term(registration: str) -> str:
    return "R" + registration.lower()


def _agent_and_members(agent) -> list[str]:
    if not isinstance(agent, dict):
        return []
    keys = []
    own = agent_term(agent)
    if own is not None:
        keys.append(own)
    for member in agent.get("member") or ():
        member_key = agent_term(member)
        if member_key is not None:
            keys.append(member_key)
    return keys


def _is_agent(obj: dict) -> bool:
    return obj.get("objectType") in ("Agent", "Group")


def _context_activity_ids(context: dict) -> list[str]:
    ids = []
    for activities in (context.get("contextActivities") or {}).values():
        for activity in activities if isinstance(activities, list) else [activities]:
            ids.append(activity["id"])
    return ids


def _context_agents(context: dict) -> list:
    agents = [context.get("instructor"), context.get("team")]
    for context_agent in context.get("contextAgents") or ():
        agents.append(context_agent.get("agent"))
    for context_group in context.get("contextGroups") or ():
        agents.append(context_group.get("group"))
    return agents


# The members as plain module names: looking an enum member up on its class costs more than the rest
# of a term's work, and each statement makes about a dozen.
_AGENT, _RELATED_AGENT, _ACTIVITY, _RELATED_ACTIVITY, _VERB, _REGISTRATION = (
    Role.AGENT, Role.RELATED_AGENT, Role.ACTIVITY, Role.RELATED_ACTIVITY, Role.VERB, Role.REGISTRATION)


def _collect(statement: dict, terms: set, *, top_level: bool) -> None:
    direct_agent = _AGENT if top_level else None
    direct_activity = _ACTIVITY if top_level else None

    def add_agent(agent, direct: bool) -> None:
        for key in _agent_and_members(agent):
            terms.add((key, _RELATED_AGENT))
            if direct and direct_agent is not None:
                terms.add((key, direct_agent))

    add_agent(statement.get("actor"), direct=True)
    obj = statement.get("object") or {}
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        terms.add((activity_term(obj["id"]), _RELATED_ACTIVITY))
        if direct_activity is not None:
            terms.add((activity_term(obj["id"]), direct_activity))
    elif _is_agent(obj):
        add_agent(obj, direct=True)
    elif object_type == "SubStatement":
        _collect(obj, terms, top_level=False)
    context = statement.get("context") or {}
    for activity_id in _context_activity_ids(context):
        terms.add((activity_term(activity_id), _RELATED_ACTIVITY))
    for agent in _context_agents(context):
        add_agent(agent, direct=False)
    if top_level:
        add_agent(statement.get("authority"), direct=False)
        terms.add((verb_term(statement["verb"]["id"]), _VERB))
        if "registration" in context:
            terms.add((registration_term(context["registration"]), _REGISTRATION))


def filter_terms(statement: dict) -> set[tuple[str, Role]]:
    """Every (term key, role) under which a stored statement matches a query filter."""
    terms: set[tuple[str, Role]] = set()
    _collect(statement, terms, top_level=True)
    return terms


def statement_ref_target(statement: dict) -> str | None:
    """The id of the statement this one targets through its Object (xAPI-Communication 2.1.3.s3)."""
    obj = statement.get("object") or {}
    if obj.get("objectType") == "StatementRef":
        return obj["id"].lower()
    return None


VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


def voided_target(statement: dict) -> str | None:
    """The statement id a voiding statement voids (xAPI-Data 2.3.2), or None."""
    if statement.get("verb", {}).get("id") == VOIDED_VERB:
        return statement_ref_target(statement)
    return None


def declared_attachment_hashes(statement: dict) -> set[str]:
    """The lower-case SHA-2 of every attachment the statement declares, its SubStatement's included
    (xAPI-Data 2.4.4.3 lets a SubStatement carry attachments)."""
    hashes = set()
    for holder in (statement, statement.get("object") or {}):
        for attachment in holder.get("attachments") or ():
            hashes.add(attachment["sha2"].lower())
    return hashes
