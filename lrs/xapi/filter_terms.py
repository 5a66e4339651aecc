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


# Plain ints, not the members: looking a member up on its class costs more than the rest of a term's
# work, and the storage writes a role as the integer it is.
_AGENT, _RELATED_AGENT, _ACTIVITY, _RELATED_ACTIVITY, _VERB, _REGISTRATION = (
    int(Role.AGENT), int(Role.RELATED_AGENT), int(Role.ACTIVITY), int(Role.RELATED_ACTIVITY), int(Role.VERB),
    int(Role.REGISTRATION))
_DIRECT_AGENT_ROLES = (_RELATED_AGENT, _AGENT)
_RELATED_AGENT_ROLES = (_RELATED_AGENT,)


def _add_agent(terms: set, agent, roles: tuple) -> None:
    """The agent's term and its Group members' terms, under each of `roles`."""
    if not isinstance(agent, dict):
        return
    own = agent_term(agent)
    if own is not None:
        for role in roles:
            terms.add((own, role))
    for member in agent.get("member") or ():
        member_key = agent_term(member)
        if member_key is not None:
            for role in roles:
                terms.add((member_key, role))


def _collect(statement: dict, terms: set, *, top_level: bool) -> None:
    # The Actor and an Agent or Group Object answer the agent filter only in the statement itself, not
    # in its SubStatement; everyone named anywhere answers related_agents.
    agent_roles = _DIRECT_AGENT_ROLES if top_level else _RELATED_AGENT_ROLES
    _add_agent(terms, statement.get("actor"), agent_roles)
    obj = statement.get("object") or {}
    object_type = obj.get("objectType", "Activity")
    if object_type == "Activity":
        key = activity_term(obj["id"])
        terms.add((key, _RELATED_ACTIVITY))
        if top_level:
            terms.add((key, _ACTIVITY))
    elif object_type == "Agent" or object_type == "Group":
        _add_agent(terms, obj, agent_roles)
    elif object_type == "SubStatement":
        _collect(obj, terms, top_level=False)
    context = statement.get("context") or {}
    if context:
        for activities in (context.get("contextActivities") or {}).values():
            for activity in activities if isinstance(activities, list) else (activities,):
                terms.add((activity_term(activity["id"]), _RELATED_ACTIVITY))
        _add_agent(terms, context.get("instructor"), _RELATED_AGENT_ROLES)
        _add_agent(terms, context.get("team"), _RELATED_AGENT_ROLES)
        for context_agent in context.get("contextAgents") or ():
            _add_agent(terms, context_agent.get("agent"), _RELATED_AGENT_ROLES)
        for context_group in context.get("contextGroups") or ():
            _add_agent(terms, context_group.get("group"), _RELATED_AGENT_ROLES)
    if top_level:
        _add_agent(terms, statement.get("authority"), _RELATED_AGENT_ROLES)
        terms.add((verb_term(statement["verb"]["id"]), _VERB))
        if "registration" in context:
            terms.add((registration_term(context["registration"]), _REGISTRATION))


def filter_terms(statement: dict) -> set[tuple[str, int]]:
    """Every (term key, role) under which a stored statement matches a query filter; the role is a Role's
    integer value."""
    terms: set[tuple[str, int]] = set()
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
