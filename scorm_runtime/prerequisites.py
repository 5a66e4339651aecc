"""SCORM 1.2 prerequisites (SCORM 1.2 CAM 2.3.5.2.1 adlcp:prerequisites, type "aicc_script", whose syntax
is AICC CMI001 Appendix: identifiers, & | ~, = and <> against a status, parentheses, and N*{a,b,...}).

An identifier alone is true when that item's lesson_status is passed or completed. An expression this
reader cannot parse, and an identifier the course does not have, do not block a launch: a broken manifest
must not lock learners out. Pure."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# AICC status vocabulary and its one-letter abbreviations.
_STATUS = {"passed": "passed", "p": "passed", "completed": "completed", "c": "completed",
           "failed": "failed", "f": "failed", "incomplete": "incomplete", "i": "incomplete",
           "browsed": "browsed", "b": "browsed", "not attempted": "not attempted", "n": "not attempted"}
_TOKEN = re.compile(r"\s*(<>|\d+\*\{|[&|~=(){},]|\"[^\"]*\"|[^\s&|~=(){},<>\"]+)")


class _Unparsable(Exception):
    pass


def allowed(expression: str | None, status_of: Mapping[str, str], *, known: Callable[[str], bool]) -> bool:
    """Whether the prerequisites hold; `status_of` maps item identifiers to their 1.2 lesson_status
    (absent: "not attempted"), `known` says whether the course has that identifier."""
    if not expression or not expression.strip():
        return True
    try:
        tokens = _tokens(expression)
        value, position = _expression(tokens, 0, status_of, known)
        if position != len(tokens):
            raise _Unparsable(expression)
        return value
    except _Unparsable:
        return True


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    expression = expression.strip()
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match:
            raise _Unparsable(expression)
        tokens.append(match.group(1))
        position = match.end()
        while position < len(expression) and expression[position].isspace():
            position += 1
    # "not attempted" is two words: join it back after '=' or '<>'.
    joined: list[str] = []
    for token in tokens:
        if token == "attempted" and joined and joined[-1] == "not":
            joined[-1] = "not attempted"
        else:
            joined.append(token)
    return joined


def _expression(tokens, position, status_of, known) -> tuple[bool, int]:
    value, position = _term(tokens, position, status_of, known)
    while position < len(tokens) and tokens[position] in ("&", "|"):
        operator = tokens[position]
        right, position = _term(tokens, position + 1, status_of, known)
        value = (value and right) if operator == "&" else (value or right)
    return value, position


def _term(tokens, position, status_of, known) -> tuple[bool, int]:
    if position >= len(tokens):
        raise _Unparsable("ends early")
    token = tokens[position]
    if token == "~":
        value, position = _term(tokens, position + 1, status_of, known)
        return not value, position
    if token == "(":
        value, position = _expression(tokens, position + 1, status_of, known)
        if position >= len(tokens) or tokens[position] != ")":
            raise _Unparsable("unclosed parenthesis")
        return value, position + 1
    if token.endswith("*{"):
        needed = int(token[:-2])
        count, position = 0, position + 1
        while True:
            value, position = _term(tokens, position, status_of, known)
            count += value
            if position >= len(tokens):
                raise _Unparsable("unclosed set")
            if tokens[position] == "}":
                return count >= needed, position + 1
            if tokens[position] != ",":
                raise _Unparsable("set without comma")
            position += 1
    if token in ("&", "|", ")", "}", ",", "=", "<>"):
        raise _Unparsable(f"unexpected {token}")
    identifier = token.strip('"')
    status = status_of.get(identifier, "not attempted")
    if position + 1 < len(tokens) and tokens[position + 1] in ("=", "<>"):
        if position + 2 >= len(tokens):
            raise _Unparsable("comparison without a status")
        wanted = _STATUS.get(tokens[position + 2].strip('"').lower())
        if wanted is None:
            raise _Unparsable(f"unknown status {tokens[position + 2]}")
        equal = status == wanted
        return (equal if tokens[position + 1] == "=" else not equal) if known(identifier) else True, position + 3
    return (status in ("passed", "completed")) if known(identifier) else True, position + 1
