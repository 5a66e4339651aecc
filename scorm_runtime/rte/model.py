"""The CMI state of one SCO attempt and the two operations on it the server performs:
answering GetValue, and applying a commit from the browser element by element.

The state is a flat mapping of dotted element -> string, exactly as GetValue addresses
them ("cmi.core.lesson_location", "cmi.interactions.0.id"); collections keep their
"<collection>._count" there too. Unset elements are absent. States are immutable: every
operation returns a new one.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from scorm_runtime.rte.derivations import derive_on_commit
from scorm_runtime.rte.elements import CheckContext, DataModel, Element, template_of
from scorm_runtime.rte.elements_12 import SCORM12
from scorm_runtime.rte.elements_2004 import SCORM2004
from scorm_runtime.rte.errors import DataModelError, Fault, Rejection, error_code, error_message
from scorm_runtime.rte.types import DEFAULT_LIMITS, Limits, parse_duration, parse_timespan_12

STANDARDS = ("scorm12", "scorm2004")
KEYWORDS = ("_children", "_count", "_version")
# total_time -> the session_time scorm-again adds into it in a terminate commit.
_SESSION_OF_TOTAL = {
    "cmi.total_time": "cmi.session_time",
    "cmi.core.total_time": "cmi.core.session_time",
}


def data_model(standard: str) -> DataModel:
    if standard == "scorm12":
        return SCORM12
    if standard == "scorm2004":
        return SCORM2004
    raise ValueError(f"unknown standard {standard!r}; expected one of {STANDARDS}")


@dataclass(frozen=True)
class CmiState:
    """One attempt's CMI data. `shared_data_access` holds, per adl.data.n, "rw", "r" or "w"
    (adlcp:data readSharedData/writeSharedData, RTE 4.3)."""

    standard: str
    values: Mapping[str, str]
    shared_data_access: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        data_model(self.standard)
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form; `from_json` reads it back."""
        return {
            "standard": self.standard,
            "values": dict(self.values),
            "sharedDataAccess": list(self.shared_data_access),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any] | str) -> CmiState:
        if isinstance(document, str):
            document = json.loads(document)
        return cls(
            standard=document["standard"],
            values={str(key): str(value) for key, value in document["values"].items()},
            shared_data_access=tuple(document.get("sharedDataAccess", ())),
        )

    def get(self, element: str, default: str | None = None) -> str | None:
        return self.values.get(element, default)


@dataclass(frozen=True)
class CommitResult:
    state: CmiState
    rejected: list[Rejection] = field(default_factory=list)


class GetResult(NamedTuple):
    value: str
    error_code: int  # 0 when the value was answered


# ---------------------------------------------------------------- paths


@dataclass(frozen=True)
class _Path:
    parts: tuple[str, ...]
    template: str
    indices: tuple[int, ...]
    # (collection prefix as concrete path, collection template, index) for every index in the path
    steps: tuple[tuple[str, str, int], ...]


_MAX_NAME = 1000  # far longer than any element name; bounds the work a hostile name costs
_MAX_INDEX_DIGITS = 9


def _parse_path(element: object) -> _Path:
    if not isinstance(element, str) or element == "" or len(element) > _MAX_NAME:
        raise DataModelError(Fault.UNDEFINED, "not a data model element name")
    return _parse_name(element)


@lru_cache(maxsize=8192)  # commits repeat the same names; parsing them once is most of the cost
def _parse_name(element: str) -> _Path:
    parts = tuple(element.split("."))
    steps = []
    for position, part in enumerate(parts):
        if part == "":
            raise DataModelError(Fault.UNDEFINED, f"{element!r} is not a data model element")
        if part.isdigit():
            # "01", "٣" and absurdly long numbers are not indices
            if not part.isascii() or len(part) > _MAX_INDEX_DIGITS or part != str(int(part)):
                raise DataModelError(
                    Fault.UNDEFINED, f"{element[:80]!r}: {part[:20]!r} is not an index"
                )
            prefix = parts[:position]
            steps.append((".".join(prefix), template_of(list(prefix)), int(part)))
    return _Path(parts, template_of(list(parts)), tuple(step[2] for step in steps), tuple(steps))


def _count(values: Mapping[str, str], prefix: str) -> int:
    return int(values.get(f"{prefix}._count", "0"))


def _known_prefixes(model: DataModel) -> frozenset[str]:
    prefixes = set(model.children) | set(model.collections)
    for template in model.elements:
        parts = template.split(".")
        prefixes.update(".".join(parts[:length]) for length in range(1, len(parts)))
    return frozenset(prefixes)


_PREFIXES = {model.standard: _known_prefixes(model) for model in (SCORM12, SCORM2004)}


def _fault_result(standard: str, fault: Fault) -> GetResult:
    return GetResult("", error_code(standard, fault))


# ---------------------------------------------------------------- GetValue


def get_value(state: CmiState, element: str) -> GetResult:
    """What GetValue/LMSGetValue answers for `element`, with the standard's error code."""
    return _get(state.standard, state.values, state.shared_data_access, element)


def _get(
    standard: str, values: Mapping[str, str], access: tuple[str, ...], element: str
) -> GetResult:
    model = data_model(standard)
    if element == "":
        # 1.2 RTE 3.3.2: 201 Invalid argument; 2004 RTE 3.1.7.6: an empty name is 301 on GetValue.
        return GetResult("", 201 if standard == "scorm12" else 301)
    try:
        path = _parse_path(element)
    except DataModelError as error:
        return _fault_result(standard, error.fault)
    parent_parts = path.parts[:-1]
    parent_template = template_of(parent_parts)
    last = path.parts[-1]
    # Every index in the path must name an existing record (2004: 301, 1.2: 201).
    for prefix, _template, index in path.steps:
        if index >= _count(values, prefix):
            return GetResult("", 301 if standard == "scorm2004" else 201)
    if last == "_version":
        if element == "cmi._version":
            return GetResult(model.version, 0)
        return _fault_result(
            standard, Fault.UNDEFINED if standard == "scorm12" else Fault.NO_CHILDREN
        )
    if last == "_children":
        if parent_template in model.children:
            return GetResult(model.children[parent_template], 0)
        known = parent_template in _PREFIXES[standard] or parent_template in model.elements
        return _fault_result(standard, Fault.NO_CHILDREN if known else Fault.UNDEFINED)
    if last == "_count":
        if parent_template in model.collections:
            return GetResult(str(_count(values, ".".join(parent_parts))), 0)
        known = parent_template in _PREFIXES[standard] or parent_template in model.elements
        return _fault_result(standard, Fault.NO_COUNT if known else Fault.UNDEFINED)
    spec = model.elements.get(path.template)
    if spec is None:
        return _fault_result(standard, Fault.UNDEFINED)
    if spec.access == "w" or (
        path.template == "adl.data.n.store" and "r" not in _store_access(access, path)
    ):
        return _fault_result(standard, Fault.WRITE_ONLY)
    value = values.get(element)
    if value is not None:
        return GetResult(value, 0)
    if spec.default is not None:
        return GetResult(spec.default, 0)
    # 2004 RTE 3.1.7.6: an element with no value and no default is 403; 1.2 answers "".
    return (
        _fault_result(standard, Fault.NOT_INITIALIZED)
        if standard == "scorm2004"
        else GetResult("", 0)
    )


def _store_access(access: tuple[str, ...], path: _Path) -> str:
    index = path.indices[0]
    return access[index] if index < len(access) else "rw"


# ---------------------------------------------------------------- commits


def _commit_order(item: tuple[str, object]) -> tuple:
    """Apply ids, then types, then the rest, record by record (RTE 4.2.9, 4.2.17 dependencies)."""
    return _order_key(item[0] if isinstance(item[0], str) else "")


@lru_cache(maxsize=8192)
def _order_key(element: str) -> tuple:
    key = []
    for part in element[:_MAX_NAME].split("."):
        if part.isdigit() and part.isascii() and len(part) <= _MAX_INDEX_DIGITS:
            key.append((0, int(part), ""))
        else:
            key.append((1, {"id": 0, "type": 1}.get(part, 2), part))
    return tuple(key)


def _as_string(value: object) -> str:
    """Commit values are strings; JSON numbers are read as their decimal text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        raise DataModelError(Fault.TYPE_MISMATCH, "a data model value is a string")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value) if "e" not in repr(value) else format(value, "f")
    raise DataModelError(Fault.TYPE_MISMATCH, "a data model value is a string")


def _same_value(sent: str, stored: str) -> bool:
    """Whether an echoed read-only value is the stored one, allowing for the browser API
    rewriting its form (scorm-again holds 1.2 total_time "0000:01:00.00" as "00:01:00")."""
    if sent == stored:
        return True
    for parse in (Decimal, parse_timespan_12, parse_duration):
        try:
            return parse(sent) == parse(stored)
        except (DataModelError, InvalidOperation, ValueError):
            continue
    return False


def _is_total_plus_session(values: Mapping[str, str], total_element: str, sent: str) -> bool:
    """Whether a committed total_time is the stored total plus the committed session_time (the
    commit applies session_time first: its name sorts before total_time)."""
    parse = parse_timespan_12 if total_element == "cmi.core.total_time" else parse_duration
    try:
        stored = parse(
            values.get(total_element) or ("0:00:00" if parse is parse_timespan_12 else "PT0S")
        )
        session = values.get(_SESSION_OF_TOTAL[total_element])
        expected = stored + (parse(session) if session else 0)
        return abs(parse(sent) - expected) <= 1  # scorm-again rounds 1.2 fractions through floats
    except DataModelError:
        return False


def _set(
    state: CmiState,
    model: DataModel,
    values: dict[str, str],
    element: str,
    raw: object,
    limits: Limits,
) -> None:
    if element == "":
        # 1.2 RTE 3.3.2: 201 Invalid argument; 2004 RTE 3.1.7.6: an empty name is 351 on SetValue.
        raise DataModelError(Fault.EMPTY_NAME, "the data model element was not specified")
    path = _parse_path(element)
    if isinstance(raw, (dict, list)) and not raw:
        return  # scorm-again renders an empty collection as {} in a flattened commit
    value = _as_string(raw)
    last = path.parts[-1]
    if last in KEYWORDS:
        answered = _get(state.standard, values, state.shared_data_access, element)
        if answered.error_code == 0:
            if answered.value == value:
                return  # the browser echoing a keyword's answer is not a change
            raise DataModelError(Fault.KEYWORD, f"{element} is a keyword")
        raise DataModelError(Fault.UNDEFINED, f"{element} is not a data model element")
    spec: Element | None = model.elements.get(path.template)
    if spec is None:
        raise DataModelError(
            Fault.UNDEFINED, f"{element} is not a {model.standard} data model element"
        )
    current = values.get(element)
    if (
        current is None
        and value == ""
        and all(index < _count(values, p) for p, _t, index in path.steps)
    ):
        return  # an unset element rendered as "" by the browser is not a change
    if path.template in _SESSION_OF_TOTAL and _is_total_plus_session(values, path.template, value):
        return  # scorm-again's own total + session in a terminate commit; the server sums its own
    if spec.access == "r" or (
        path.template == "adl.data.n.store"
        and "w" not in _store_access(state.shared_data_access, path)
    ):
        if _same_value(value, current if current is not None else (spec.default or "")):
            return  # read-only values echoed back unchanged (full commits) are not changes
        raise DataModelError(Fault.READ_ONLY, f"{element} is read only")
    if current == value:
        return
    new_records: list[tuple[str, int]] = []
    for position, (prefix, collection_template, index) in enumerate(path.steps):
        count = _count(values, prefix)
        if index > count:
            raise DataModelError(
                Fault.INDEX_GAP, f"{element}: index {index} is beyond {prefix}._count ({count})"
            )
        if index == count:
            collection = model.collections[collection_template]
            field_path = ".".join(path.parts[len(prefix.split(".")) + 1 :])
            if collection.template == "adl.data":
                raise DataModelError(
                    Fault.GENERAL_SET, "adl.data stores are declared by the manifest"
                )
            if collection.first_field is not None and field_path != collection.first_field:
                raise DataModelError(
                    Fault.DEPENDENCY,
                    f"{prefix}.{index}.{collection.first_field} must be set before {element}",
                )
            if count >= limits.max_records:
                raise DataModelError(
                    Fault.TOO_MANY, f"{prefix} holds at most {limits.max_records} records"
                )
            if position < len(path.steps) - 1 and model.standard == "scorm2004":
                raise DataModelError(Fault.DEPENDENCY, f"{prefix}.{index} does not exist")
            new_records.append((prefix, index))
    assert spec.check is not None  # every writable element has a check
    spec.check(value, CheckContext(element, path.indices, values, limits))
    values[element] = value
    for prefix, index in new_records:
        values[f"{prefix}._count"] = str(index + 1)


def apply_commit(
    state: CmiState, changes: Mapping[str, object], limits: Limits = DEFAULT_LIMITS
) -> CommitResult:
    """Validate and apply committed elements; derive what the RTE derives.

    Every element is checked as SetValue would check it (existence, access, index order,
    dependencies, type, range, vocabulary, length). A rejected element leaves its stored value
    unchanged and is reported with the standard's error code; the others are applied. The input
    state is never modified.
    """
    model = data_model(state.standard)
    values = dict(state.values)
    rejected: list[Rejection] = []
    for element, raw in sorted(changes.items(), key=_commit_order):
        try:
            _set(state, model, values, element, raw, limits)
        except DataModelError as error:
            code = error_code(state.standard, error.fault)
            detail = f": {error.detail}" if error.detail else ""
            rejected.append(
                Rejection(str(element), code, error_message(state.standard, code) + detail)
            )
    derive_on_commit(state.standard, values)
    return CommitResult(CmiState(state.standard, values, state.shared_data_access), rejected)
