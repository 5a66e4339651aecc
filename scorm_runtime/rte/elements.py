"""What an element table is made of: one `Element` per dotted name template ("n" for an index),
the `_children` each parent answers, and the collections that count their records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from scorm_runtime.rte.errors import DataModelError, Fault
from scorm_runtime.rte.types import Limits, check_range

Access = Literal["r", "w", "rw"]


@dataclass(frozen=True)
class CheckContext:
    """What a value check may look at: the working values and the element's concrete indices."""

    element: str
    indices: tuple[int, ...]
    values: Mapping[str, str]
    limits: Limits


Check = Callable[[str, CheckContext], None]


@dataclass(frozen=True)
class Element:
    template: str  # "cmi.interactions.n.id"
    access: Access
    check: Check | None  # None for read-only elements only the LMS sets
    section: str  # the RTE section that defines it
    default: str | None = None  # GetValue's answer when unset (None: 2004 403, 1.2 "")
    lms_set: bool = False  # set by the LMS at launch; never carried from a previous session


@dataclass(frozen=True)
class Collection:
    template: str  # "cmi.interactions"
    first_field: str | None = None  # a new record must start with this field (2004: id, RTE 408)


@dataclass(frozen=True)
class DataModel:
    standard: str  # "scorm12" | "scorm2004"
    version: str  # the cmi._version answer
    elements: Mapping[str, Element]
    children: Mapping[str, str]  # parent template -> _children answer
    collections: Mapping[str, Collection] = field(default_factory=dict)


def template_of(parts: list[str]) -> str:
    return ".".join("n" if part.isdigit() else part for part in parts)


def vocabulary(*words: str) -> Check:
    allowed = frozenset(words)

    def check(value: str, _context: CheckContext) -> None:
        if value not in allowed:
            raise DataModelError(
                Fault.TYPE_MISMATCH, f"{value[:60]!r} is not one of {', '.join(words)}"
            )

    return check


def ranged(type_check: Callable[[str], None], low: str | None, high: str | None) -> Check:
    """A number type with an inclusive range (out of range: 1.2 405, 2004 407)."""
    low_number = None if low is None else Decimal(low)
    high_number = None if high is None else Decimal(high)

    def check(value: str, _context: CheckContext) -> None:
        type_check(value)
        check_range(value, low_number, high_number)

    return check


def with_limits(type_check: Callable[[str, Limits], None]) -> Check:
    def check(value: str, context: CheckContext) -> None:
        type_check(value, context.limits)

    return check


def plain(type_check: Callable[[str], None]) -> Check:
    def check(value: str, _context: CheckContext) -> None:
        type_check(value)

    return check


def blank_or(inner: Check) -> Check:
    """SCORM 1.2 CMIBlank: an empty string is also accepted (score.raw/min/max)."""

    def check(value: str, context: CheckContext) -> None:
        if value != "":
            inner(value, context)

    return check
