"""Scopes a credential holds and what each lets it do (xAPI-Communication 4.2, table of scopes).

A credential's scopes are data; `granted` expands them ("all" implies every scope, "all/read" every
read scope, "statements/read" implies "statements/read/mine"), and `require` turns a missing scope
into a 403 (xAPI-Communication 3.2.s3.b10).
"""
from __future__ import annotations

from functools import lru_cache

from lrs.xapi.errors import BadRequest, Forbidden

STATEMENTS_WRITE = "statements/write"
STATEMENTS_READ = "statements/read"
STATEMENTS_READ_MINE = "statements/read/mine"
ALL_READ = "all/read"
ALL = "all"
PROFILE = "profile"
STATE = "state"
DEFINE = "define"
# The course and launch API (launch-api.md, Conventions: Authentication); "all" includes it.
COURSES = "courses"

SCOPES = (STATEMENTS_WRITE, STATEMENTS_READ_MINE, STATEMENTS_READ, STATE, DEFINE, PROFILE, COURSES, ALL_READ, ALL)

# What holding a scope also grants. Read access to documents under all/read is expressed by the
# permission sets below rather than here, since "state" and "profile" also grant writes.
_IMPLIES = {
    ALL: frozenset(SCOPES),
    ALL_READ: frozenset({ALL_READ, STATEMENTS_READ, STATEMENTS_READ_MINE}),
    STATEMENTS_READ: frozenset({STATEMENTS_READ, STATEMENTS_READ_MINE}),
}

# Permission -> the granted scopes, any one of which allows it.
WRITE_STATEMENTS = frozenset({STATEMENTS_WRITE})
READ_ALL_STATEMENTS = frozenset({STATEMENTS_READ})
READ_OWN_STATEMENTS = frozenset({STATEMENTS_READ_MINE})
WRITE_STATE = frozenset({STATE})
READ_STATE = frozenset({STATE, ALL_READ})
WRITE_PROFILES = frozenset({PROFILE})
READ_PROFILES = frozenset({PROFILE, ALL_READ})
READ_ACTIVITIES_AND_AGENTS = frozenset({STATEMENTS_READ, ALL_READ, DEFINE})
DEFINE_ACTIVITIES = frozenset({DEFINE})

# OAuth 2.0 tokens requested without a scope get this much of the credential's (xAPI-Communication 4.2.s5.b2).
DEFAULT_TOKEN_SCOPES = frozenset({STATEMENTS_WRITE, STATEMENTS_READ_MINE})


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    """Space-separated (OAuth 2.0 style) or a list; an unknown scope is a 400."""
    names = text.split() if isinstance(text, str) else list(text)
    unknown = sorted(set(names) - set(SCOPES))
    if unknown:
        raise BadRequest(f"unknown scope '{unknown[0]}'; known: {', '.join(SCOPES)}", path="scope",
                         section="xAPI-Communication 4.2")
    if not names:
        raise BadRequest("at least one scope is required", path="scope", section="xAPI-Communication 4.2")
    return frozenset(names)


def granted(scopes: frozenset[str]) -> frozenset[str]:
    return _granted(frozenset(scopes))  # frozenset() of a frozenset is that frozenset, uncopied


@lru_cache(maxsize=256)  # a handful of distinct scope sets; every statement request asks twice
def _granted(scopes: frozenset[str]) -> frozenset[str]:
    expanded = set(scopes)
    for scope in scopes:
        expanded |= _IMPLIES.get(scope, frozenset())
    return frozenset(expanded)


def allows(scopes: frozenset[str], permission: frozenset[str]) -> bool:
    return bool(granted(scopes) & permission)


def require(scopes: frozenset[str], permission: frozenset[str], what: str) -> None:
    if not allows(scopes, permission):
        raise Forbidden(f"these credentials may not {what}: that needs one of the scopes "
                        f"{', '.join(sorted(permission | {ALL}))}", section="xAPI-Communication 4.2")


def statement_reach(scopes: frozenset[str]) -> str:
    """'all' to read every statement of the store, 'mine' for only those this credential stored."""
    if allows(scopes, READ_ALL_STATEMENTS):
        return "all"
    if allows(scopes, READ_OWN_STATEMENTS):
        return "mine"
    raise Forbidden("these credentials may not read statements: that needs statements/read, "
                    "statements/read/mine, all/read or all", section="xAPI-Communication 4.2")
