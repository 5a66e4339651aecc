"""SCORM 2004 interaction responses: cmi.interactions.n.learner_response and
cmi.interactions.n.correct_responses.n.pattern, whose format depends on cmi.interactions.n.type.

SCORM 2004 4th ed RTE 4.2.9.1 (correct responses pattern, Table 4.2.9.1a) and 4.2.9.2
(learner response, Table 4.2.9.2a). Lists use the delimiters [,] [.] [:].
"""

from __future__ import annotations

import re

from scorm_runtime.rte.errors import DataModelError, Fault
from scorm_runtime.rte.types import (
    Limits,
    check_length,
    check_localized_string,
    check_long_identifier,
    check_real,
    is_short_identifier,
    parse_number,
)

INTERACTION_TYPES = (
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "likert",
    "matching",
    "performance",
    "sequencing",
    "numeric",
    "other",
)

# RTE Table 4.2.9.1a: the number of correct response patterns a type may have.
MAX_CORRECT_PATTERNS = {"true-false": 1, "likert": 1, "numeric": 1, "other": 1, "long-fill-in": 1}
_LIST_SPM = {"choice": 36, "matching": 36, "sequencing": 36, "fill-in": 10, "performance": 250}
_FLAG = re.compile(r"\{(case_matters|order_matters)=(true|false)\}")


def _mismatch(detail: str) -> DataModelError:
    return DataModelError(Fault.TYPE_MISMATCH, detail)


def _short(value: str, what: str) -> None:
    if not is_short_identifier(value):
        raise _mismatch(f"{value[:60]!r} is not a short_identifier_type ({what})")


def _strip_flags(value: str, allowed: tuple[str, ...]) -> str:
    """Drop the leading {case_matters=..}/{order_matters=..} delimiters a pattern may carry."""
    seen: set[str] = set()
    while True:
        match = _FLAG.match(value)
        if not match:
            if value.startswith(("{case_matters", "{order_matters")):
                raise _mismatch(f"{value[:40]!r}: a malformed delimiter")
            return value
        name = match.group(1)
        if name not in allowed or name in seen:
            raise _mismatch(f"{{{name}}} is not allowed here")
        seen.add(name)
        value = value[match.end() :]


def _items(value: str, interaction_type: str) -> list[str]:
    items = value.split("[,]") if value != "" else []
    if len(items) > _LIST_SPM[interaction_type] * 10:  # SPM is a floor; refuse only the absurd
        raise _mismatch(f"{len(items)} items is too many for {interaction_type}")
    return items


def _check_numeric_range(value: str) -> None:
    low, _, high = value.partition("[:]")
    for bound in (low, high):
        if bound != "":
            check_real(bound)
    if low != "" and high != "" and parse_number(low) > parse_number(high):
        raise _mismatch(f"{value!r}: the minimum is above the maximum")


def check_response(interaction_type: str, value: str, limits: Limits, *, correct: bool) -> None:
    """Check a learner_response (correct=False) or a correct_responses pattern (correct=True)."""
    check_length(value, limits)
    if interaction_type == "true-false":
        if value not in ("true", "false"):
            raise _mismatch("a true-false response is true or false")
    elif interaction_type == "choice":
        items = _items(value, "choice")
        for item in items:
            check_long_identifier(item, limits)
        if len(set(items)) != len(items):
            raise _mismatch("choice identifiers must be unique")
    elif interaction_type == "fill-in":
        if correct:
            value = _strip_flags(value, ("case_matters", "order_matters"))
        for item in _items(value, "fill-in"):
            check_localized_string(item, limits)
    elif interaction_type == "long-fill-in":
        if correct:
            value = _strip_flags(value, ("case_matters",))
        check_localized_string(value, limits)
    elif interaction_type == "likert":
        _short(value, "likert")
    elif interaction_type == "matching":
        for item in _items(value, "matching"):
            source, delimiter, target = item.partition("[.]")
            if not delimiter:
                raise _mismatch(f"{item[:60]!r}: a matching pair is source[.]target")
            _short(source, "matching source")
            _short(target, "matching target")
    elif interaction_type == "performance":
        if correct:
            value = _strip_flags(value, ("order_matters",))
        items = _items(value, "performance")
        if not items:
            raise _mismatch("a performance response has at least one step")
        for item in items:
            name, _, answer = item.partition("[.]")
            if name == "" and answer == "":
                raise _mismatch("a performance step needs a step name or an answer")
            if name != "":
                _short(name, "performance step name")
            if correct and "[:]" in answer:
                _check_numeric_range(answer)
    elif interaction_type == "sequencing":
        items = _items(value, "sequencing")
        if not items:
            raise _mismatch("a sequencing response has at least one step")
        for item in items:
            _short(item, "sequencing")
    elif interaction_type == "numeric":
        if correct:
            _check_numeric_range(value)
        else:
            check_real(value)
    elif interaction_type == "other":
        pass  # characterstring, length checked above
    else:  # pragma: no cover - the type element only stores the vocabulary
        raise _mismatch(f"unknown interaction type {interaction_type!r}")
