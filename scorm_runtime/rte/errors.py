"""SCORM API error codes and the faults the data models raise.

A validation rule names a `Fault`; each standard maps it to its own code, because the same
failure (e.g. a value out of range) is 405 in SCORM 1.2 and 407 in SCORM 2004.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

# SCORM 1.2 RTE 3.3.2.x (LMSGetLastError / LMSGetErrorString): the complete 1.2 list.
SCORM12_ERRORS: dict[int, str] = {
    0: "No error",
    101: "General Exception",
    201: "Invalid argument error",
    202: "Element cannot have children",
    203: "Element not an array - cannot have count",
    301: "Not initialized",
    401: "Not implemented error",
    402: "Invalid set value, element is a keyword",
    403: "Element is read only",
    404: "Element is write only",
    405: "Incorrect Data Type",
}

# SCORM 2004 4th ed RTE 3.1.7 (API Implementation Error Codes), Table 3.1.7a.
SCORM2004_ERRORS: dict[int, str] = {
    0: "No Error",
    101: "General Exception",
    102: "General Initialization Failure",
    103: "Already Initialized",
    104: "Content Instance Terminated",
    111: "General Termination Failure",
    112: "Termination Before Initialization",
    113: "Termination After Termination",
    122: "Retrieve Data Before Initialization",
    123: "Retrieve Data After Termination",
    132: "Store Data Before Initialization",
    133: "Store Data After Termination",
    142: "Commit Before Initialization",
    143: "Commit After Termination",
    201: "General Argument Error",
    301: "General Get Failure",
    351: "General Set Failure",
    391: "General Commit Failure",
    401: "Undefined Data Model Element",
    402: "Unimplemented Data Model Element",
    403: "Data Model Element Value Not Initialized",
    404: "Data Model Element Is Read Only",
    405: "Data Model Element Is Write Only",
    406: "Data Model Element Type Mismatch",
    407: "Data Model Element Value Out Of Range",
    408: "Data Model Dependency Not Established",
}


class Fault(Enum):
    """Why a GetValue/SetValue on the data model fails, before it becomes a standard's code."""

    UNDEFINED = "undefined"  # not an element of the data model
    EMPTY_NAME = "empty_name"  # SetValue with "" as the element
    KEYWORD = "keyword"  # SetValue on _children, _count or _version
    READ_ONLY = "read_only"
    WRITE_ONLY = "write_only"
    TYPE_MISMATCH = "type_mismatch"
    OUT_OF_RANGE = "out_of_range"
    TOO_LONG = "too_long"  # longer than the server's string limit (SPMs are floors, not caps)
    DEPENDENCY = "dependency"  # e.g. interactions.n.type before interactions.n.id
    INDEX_GAP = "index_gap"  # n greater than _count
    GENERAL_SET = "general_set"  # e.g. changing or duplicating an identifier
    TOO_MANY = "too_many"  # more records than the server's collection limit
    NOT_INITIALIZED = "not_initialized"  # GetValue of an element with no value (2004 only)
    NO_CHILDREN = "no_children"  # GetValue of _children on an element without children
    NO_COUNT = "no_count"  # GetValue of _count on an element that is not a collection


# SCORM 1.2 has one code for every bad value (405) and none for dependencies or ordering.
_CODES_12: dict[Fault, int] = {
    Fault.UNDEFINED: 401,
    Fault.EMPTY_NAME: 201,
    Fault.KEYWORD: 402,
    Fault.READ_ONLY: 403,
    Fault.WRITE_ONLY: 404,
    Fault.TYPE_MISMATCH: 405,
    Fault.OUT_OF_RANGE: 405,
    Fault.TOO_LONG: 405,
    Fault.DEPENDENCY: 201,
    Fault.INDEX_GAP: 201,
    Fault.GENERAL_SET: 101,
    Fault.TOO_MANY: 101,
    Fault.NOT_INITIALIZED: 0,
    Fault.NO_CHILDREN: 202,
    Fault.NO_COUNT: 203,
}

# SCORM 2004 4th ed RTE 3.1.7.6 (Data Model Errors) and 4.1.x (keywords are read only: 404).
_CODES_2004: dict[Fault, int] = {
    Fault.UNDEFINED: 401,
    Fault.EMPTY_NAME: 351,
    Fault.KEYWORD: 404,
    Fault.READ_ONLY: 404,
    Fault.WRITE_ONLY: 405,
    Fault.TYPE_MISMATCH: 406,
    Fault.OUT_OF_RANGE: 407,
    Fault.TOO_LONG: 406,
    Fault.DEPENDENCY: 408,
    Fault.INDEX_GAP: 351,
    Fault.GENERAL_SET: 351,
    Fault.TOO_MANY: 351,
    Fault.NOT_INITIALIZED: 403,
    Fault.NO_CHILDREN: 301,
    Fault.NO_COUNT: 301,
}


def error_code(standard: str, fault: Fault) -> int:
    """The standard's error code for a fault ("scorm12" or "scorm2004")."""
    return (_CODES_12 if standard == "scorm12" else _CODES_2004)[fault]


def error_message(standard: str, code: int) -> str:
    """The standard's error string for a code (LMSGetErrorString / GetErrorString)."""
    return (SCORM12_ERRORS if standard == "scorm12" else SCORM2004_ERRORS).get(code, "")


class Rejection(NamedTuple):
    """A committed element the server refused; the stored value is unchanged."""

    element: str
    error_code: int
    message: str


class DataModelError(Exception):
    """Raised inside validation; callers of the public API receive `Rejection`s instead."""

    def __init__(self, fault: Fault, detail: str = "") -> None:
        super().__init__(detail or fault.value)
        self.fault = fault
        self.detail = detail
