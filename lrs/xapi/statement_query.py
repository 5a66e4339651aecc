"""The typed statements query: built from request parameters, the only thing storage sees."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import orjson

from lrs.xapi.agents import IFI_PROPERTIES
from lrs.xapi.errors import BadRequest
from lrs.xapi.filter_terms import (Role, activity_term, agent_term, registration_term, verb_term)
from lrs.xapi.formats import FORMATS
from lrs.xapi.ignored_parameters import without_ignored
from lrs.xapi.timestamps import parse_timestamp_ms
from lrs.xapi.validation_formats import is_iri, is_mailto_iri, is_sha1_hex

SECTION = "xAPI-Communication 2.1.3"
SINGLE_PARAMETERS = {"statementId", "voidedStatementId"}
QUERY_PARAMETERS = {"agent", "verb", "activity", "registration", "related_activities", "related_agents",
                    "since", "until", "limit", "format", "attachments", "ascending"}
# Enough digits for any page size; longer runs are only compared by length (int() of thousands of
# digits is slow, and Python refuses more than 4,300).
_LIMIT_DIGITS = 18


@dataclass(frozen=True)
class StatementsQuery:
    """Filters as (term key, role) pairs that must all match, plus range, order and page size."""
    terms: tuple[tuple[str, Role], ...] = ()
    since_ms: int | None = None
    until_ms: int | None = None
    ascending: bool = False
    limit: int = 0
    format: str = "exact"
    attachments: bool = False
    # Parameters as the client sent them, kept so a `more` cursor can repeat the query.
    parameters: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SingleStatementRequest:
    statement_id: str
    voided: bool
    format: str = "exact"
    attachments: bool = False


def parse_boolean(parameters: dict, name: str) -> bool:
    value = parameters.get(name)
    if value is None:
        return False
    if value not in ("true", "false"):
        raise BadRequest(f"'{name}' must be true or false", path=name, section=SECTION)
    return value == "true"


def parse_uuid(value: str, name: str) -> str:
    try:
        return str(uuid.UUID(value)) if _UUID_SHAPE(value) else _bad_uuid(name)
    except ValueError:
        return _bad_uuid(name)


_UUID_SHAPE = re.compile(r"[0-9a-fA-F-]{36}").fullmatch


def _bad_uuid(name: str):
    raise BadRequest(f"'{name}' must be a UUID", path=name, section="xAPI-Data 4.5")


def parse_iri(value: str, name: str) -> str:
    """An IRI parameter, by the rule statements follow (RFC 3987: no controls, spaces or <>"{}|\\^`)."""
    if not is_iri(value):
        raise BadRequest(f"'{name}' must be an IRI (RFC 3987)", path=name, section="xAPI-Data 2.2.s4.b4")
    return value


def parse_agent_parameter(value: str, name: str = "agent") -> dict:
    """An Agent or identified Group given as JSON in a parameter (xAPI-Communication 2.1.3)."""
    try:
        agent = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise BadRequest(f"'{name}' must be a JSON Agent or identified Group", path=name,
                         section=SECTION) from None
    if not isinstance(agent, dict):
        raise BadRequest(f"'{name}' must be a JSON object", path=name, section=SECTION)
    ifis = [key for key in IFI_PROPERTIES if key in agent]
    if len(ifis) != 1:
        raise BadRequest(f"'{name}' must have exactly one inverse functional identifier", path=name,
                         section="xAPI-Data 2.4.2.3")
    if agent.get("objectType", "Agent") not in ("Agent", "Group"):
        raise BadRequest(f"'{name}' objectType must be Agent or Group", path=name, section=SECTION)
    ifi_value = agent[ifis[0]]
    # The formats statements are held to (xAPI-Data 2.4.2.3, 2.4.2.4): an agent no statement can
    # name matches nothing, and a malformed one is a 400 rather than a key the store cannot hold.
    valid = {
        "mbox": lambda v: isinstance(v, str) and is_mailto_iri(v),
        "mbox_sha1sum": lambda v: isinstance(v, str) and is_sha1_hex(v),
        "openid": lambda v: isinstance(v, str) and is_iri(v),
        "account": lambda v: isinstance(v, dict) and isinstance(v.get("homePage"), str)
        and is_iri(v["homePage"]) and isinstance(v.get("name"), str),
    }[ifis[0]](ifi_value)
    if not valid:
        raise BadRequest(f"'{name}' has a malformed {ifis[0]}", path=f"{name}.{ifis[0]}",
                         section="xAPI-Data 2.4.2.3")
    return agent


def _parse_limit(value: str | None, page_max: int) -> int:
    if value is None:
        return page_max
    # ASCII digits only: str.isdigit() also accepts '²' and other scripts' digits.
    if not (value.isascii() and value.isdigit()):
        raise BadRequest("'limit' must be a nonnegative integer in ASCII digits", path="limit",
                         section=SECTION)
    significant = value.lstrip("0")
    if len(significant) > _LIMIT_DIGITS:
        return page_max
    limit = int(significant or "0")
    return page_max if limit == 0 else min(limit, page_max)


def _parse_format(parameters: dict) -> str:
    value = parameters.get("format", "exact")
    if value not in FORMATS:
        raise BadRequest("'format' must be one of ids, exact, canonical", path="format", section=SECTION)
    return value


def parse_statements_request(parameters: dict, *, page_max: int):
    """A SingleStatementRequest or a StatementsQuery from GET parameters (xAPI-Communication 2.1.3.s2)."""
    parameters = without_ignored(parameters)
    unknown = set(parameters) - SINGLE_PARAMETERS - QUERY_PARAMETERS
    if unknown:
        name = sorted(unknown)[0]
        raise BadRequest(f"unknown parameter '{name}'", path=name, section="xAPI-Communication 3.2.s3.b7")
    singles = SINGLE_PARAMETERS & set(parameters)
    if singles:
        if len(singles) == 2:
            raise BadRequest("statementId and voidedStatementId cannot be used together",
                             path="statementId", section="xAPI-Communication 2.1.3.s2.b1")
        extra = set(parameters) - singles - {"attachments", "format"}
        if extra:
            raise BadRequest(f"'{sorted(extra)[0]}' cannot be used with {next(iter(singles))}",
                             path=sorted(extra)[0], section="xAPI-Communication 2.1.3.s2.b2")
        name = next(iter(singles))
        return SingleStatementRequest(
            statement_id=parse_uuid(parameters[name], name), voided=name == "voidedStatementId",
            format=_parse_format(parameters), attachments=parse_boolean(parameters, "attachments"))

    terms = []
    if "agent" in parameters:
        key = agent_term(parse_agent_parameter(parameters["agent"]))
        role = Role.RELATED_AGENT if parse_boolean(parameters, "related_agents") else Role.AGENT
        terms.append((key, role))
    else:
        parse_boolean(parameters, "related_agents")
    if "activity" in parameters:
        key = activity_term(parse_iri(parameters["activity"], "activity"))
        role = Role.RELATED_ACTIVITY if parse_boolean(parameters, "related_activities") else Role.ACTIVITY
        terms.append((key, role))
    else:
        parse_boolean(parameters, "related_activities")
    if "registration" in parameters:
        terms.append((registration_term(parse_uuid(parameters["registration"], "registration")),
                      Role.REGISTRATION))
    if "verb" in parameters:
        terms.append((verb_term(parse_iri(parameters["verb"], "verb")), Role.VERB))
    since = parameters.get("since")
    until = parameters.get("until")
    return StatementsQuery(
        terms=tuple(terms),
        since_ms=None if since is None else parse_timestamp_ms(since, parameter="since"),
        until_ms=None if until is None else parse_timestamp_ms(until, parameter="until"),
        ascending=parse_boolean(parameters, "ascending"),
        limit=_parse_limit(parameters.get("limit"), page_max),
        format=_parse_format(parameters),
        attachments=parse_boolean(parameters, "attachments"),
        parameters=dict(parameters),
    )
