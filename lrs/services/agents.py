"""Agents Resource (xAPI-Communication 2.4): a Person object for an Agent."""
from __future__ import annotations

import orjson

from lrs.auth.principal import Principal
from lrs.storage.statements import StatementStorage
from lrs.xapi.filter_terms import Role, agent_term
from lrs.xapi.person import agents_in, person_for
from lrs.xapi.errors import Forbidden
from lrs.xapi.scopes import READ_ACTIVITIES_AND_AGENTS, require

# How many recent statements mentioning the agent are read for its names.
_STATEMENTS_READ = 50


class AgentService:
    def __init__(self, statements: StatementStorage):
        self._statements = statements

    def person(self, principal: Principal, agent: dict) -> dict:
        """Unknown agents still get a Person with what the request said (xAPI-Communication 2.4.s3.b3)."""
        require(principal.scopes, READ_ACTIVITIES_AND_AGENTS, "read agents")
        if principal.session_policy is not None:
            # A session-bound token (a cmi5 AU's) reaches statements, documents, /activities and /about only.
            raise Forbidden("this token may not read /agents (cmi5 8.2)", path="", section="cmi5 8.2")
        page = self._statements.page(principal.store_id, terms=((agent_term(agent), Role.RELATED_AGENT),),
                                     since_ms=None, until_ms=None, ascending=False,
                                     limit=_STATEMENTS_READ, after=None)
        known = [found for body in page.bodies for found in agents_in(orjson.loads(body))]
        return person_for(agent, known)
