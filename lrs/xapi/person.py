"""The Person object of the Agents Resource (xAPI-Communication 2.4.s4-s6)."""
from __future__ import annotations

from lrs.xapi.agents import IFI_PROPERTIES, ifi_key


def agents_in(statement: dict) -> list[dict]:
    """Every Agent or Group object in a statement, members included."""
    found = []

    def visit_agent(agent) -> None:
        if isinstance(agent, dict):
            found.append(agent)
            for member in agent.get("member") or ():
                visit_agent(member)

    def visit(statement_like: dict) -> None:
        visit_agent(statement_like.get("actor"))
        obj = statement_like.get("object") or {}
        if obj.get("objectType") in ("Agent", "Group"):
            visit_agent(obj)
        elif obj.get("objectType") == "SubStatement":
            visit(obj)
        context = statement_like.get("context") or {}
        visit_agent(context.get("instructor"))
        visit_agent(context.get("team"))
        visit_agent(statement_like.get("authority"))

    visit(statement)
    return found


def person_for(agent: dict, known: list[dict]) -> dict:
    """A Person combining the requested agent with what known Agent objects with the same IFI say."""
    key = ifi_key(agent)
    person: dict = {"objectType": "Person"}
    names: list[str] = []
    for candidate in [agent, *known]:
        if ifi_key(candidate) != key:
            continue
        name = candidate.get("name")
        if isinstance(name, str) and name not in names:
            names.append(name)
    if names:
        person["name"] = names
    for prop in IFI_PROPERTIES:
        if prop in agent:
            person[prop] = [agent[prop]]
    return person
