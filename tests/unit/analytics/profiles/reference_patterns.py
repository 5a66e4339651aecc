"""A straightforward reading of xAPI Profiles Part Three §2.2 `matches`, line by line from the pseudocode:
recursive, lists of remaining statements, no memory. The tests hold analytics.profiles.patterns to it."""
from __future__ import annotations

SUCCESS, PARTIAL, FAILURE = "success", "partial", "failure"


def matches(statements: list, element: str, patterns: dict):
    """statements: list of sets of template ids; patterns: id -> (kind, members). Returns (outcome, remaining)."""
    if element not in patterns:  # a template
        if not statements:
            return PARTIAL, []
        if element in statements[0]:
            return SUCCESS, statements[1:]
        return FAILURE, statements
    kind, members = patterns[element]
    if kind == "sequence":
        next_statements = statements
        for next_element in members:
            next_matches, next_statements = matches(next_statements, next_element, patterns)
            if next_matches == FAILURE:
                return FAILURE, statements
            if next_matches == PARTIAL:
                return PARTIAL, []
        return SUCCESS, next_statements
    if kind == "alternates":
        next_matches, next_statements = FAILURE, statements
        for next_element in members:
            maybe_matches, maybe_statements = matches(statements, next_element, patterns)
            if maybe_matches == SUCCESS:
                next_matches = SUCCESS
                if len(maybe_statements) < len(next_statements):
                    next_statements = maybe_statements
            if maybe_matches == PARTIAL and next_matches == FAILURE:
                next_matches = PARTIAL
        if next_matches == PARTIAL:
            return PARTIAL, []
        return next_matches, next_statements
    if kind == "oneOrMore":
        next_matches = FAILURE
        last_statements = next_statements = statements
        while True:
            cont, next_statements = matches(last_statements, members[0], patterns)
            if cont == SUCCESS:
                next_matches = SUCCESS
            elif next_matches == FAILURE and cont == PARTIAL:
                return PARTIAL, []
            else:
                if cont == PARTIAL and last_statements:
                    return PARTIAL, last_statements
                return next_matches, last_statements
            if len(next_statements) == len(last_statements):
                return SUCCESS, next_statements
            last_statements = next_statements
    if kind == "zeroOrMore":
        last_statements = statements
        while True:
            cont, statements = matches(last_statements, members[0], patterns)
            if cont == FAILURE:
                return SUCCESS, last_statements
            if cont == PARTIAL and statements:
                return PARTIAL, statements
            if len(statements) == len(last_statements):
                return SUCCESS, statements
            last_statements = statements
    if kind == "optional":
        if not statements:
            return SUCCESS, []
        next_matches, next_statements = matches(statements, members[0], patterns)
        if next_matches in (SUCCESS, PARTIAL):
            return next_matches, next_statements
        return SUCCESS, statements
    raise ValueError(kind)
