"""Every error code the server's data model can answer, one case each, and the codes it leaves to
the browser API (session state: Initialize/Terminate/Commit order) named as such.

SCORM 1.2 RTE 3.3.2 (LMSGetLastError codes); SCORM 2004 4th ed RTE 3.1.7 (Table 3.1.7a)."""

from __future__ import annotations

import pytest

from scorm_runtime.rte import SCORM12_ERRORS, SCORM2004_ERRORS, Limits, apply_commit, get_value
from scorm_runtime.rte.errors import Fault, error_code, error_message

from .helpers import commit_ok, fresh, with_interaction

# code -> ("get" | "set", element, value) on the states below
CASES_12 = {
    101: ("set", "cmi.objectives.1.id", "b"),  # General Exception: over the record limit (1 here)
    201: ("set", "cmi.objectives.5.id", "x"),  # Invalid argument: index beyond _count
    202: ("get", "cmi.core.lesson_location._children", None),  # cannot have children
    203: ("get", "cmi.core._count", None),  # not an array
    401: ("set", "cmi.core.learner_id", "x"),  # Not implemented (not a 1.2 element)
    402: ("set", "cmi.objectives._count", "4"),  # element is a keyword
    403: ("set", "cmi.core.credit", "no-credit"),  # read only
    404: ("get", "cmi.core.session_time", None),  # write only
    405: ("set", "cmi.core.score.raw", "high"),  # incorrect data type
}
BROWSER_ONLY_12 = {301}  # Not initialized: an API call before LMSInitialize

CASES_2004 = {
    301: ("get", "cmi.location._children", None),  # General Get Failure
    351: ("set", "cmi.interactions.9.id", "x"),  # General Set Failure: index beyond _count
    401: ("set", "cmi.core.lesson_status", "passed"),  # Undefined Data Model Element
    403: ("get", "cmi.suspend_data", None),  # Value Not Initialized
    404: ("set", "cmi.learner_id", "x"),  # Read Only
    405: ("get", "cmi.exit", None),  # Write Only
    406: ("set", "cmi.interactions.0.learner_response", "maybe"),  # Type Mismatch
    407: ("set", "cmi.score.scaled", "2"),  # Value Out Of Range
    408: ("set", "cmi.interactions.1.type", "choice"),  # Dependency Not Established
}
# Session-state codes belong to the browser API; 402 is for optional elements an LMS leaves out,
# and this server implements every element, so it never answers it.
BROWSER_ONLY_2004 = {101, 102, 103, 104, 111, 112, 113, 122, 123, 132, 133, 142, 143, 201, 391}
NEVER_2004 = {402}


def _outcome(standard, case):
    operation, element, value = case
    if standard == "scorm12":
        state = commit_ok(fresh("scorm12"), {"cmi.objectives.0.id": "a"})
        limits = Limits(max_records=1)
    else:
        state = with_interaction(fresh("scorm2004"), "true-false")
        limits = Limits()
    if operation == "get":
        return get_value(state, element).error_code
    result = apply_commit(state, {element: value}, limits)
    assert dict(result.state.values) == dict(state.values)
    return result.rejected[0].error_code if result.rejected else 0


@pytest.mark.parametrize("code", sorted(CASES_12))
def test_1_2_error_code(code):  # SCORM 1.2 RTE 3.3.2
    assert _outcome("scorm12", CASES_12[code]) == code


@pytest.mark.parametrize("code", sorted(CASES_2004))
def test_2004_error_code(code):  # SCORM 2004 4th ed RTE 3.1.7.6
    assert _outcome("scorm2004", CASES_2004[code]) == code


def test_every_code_is_either_produced_here_or_named_as_the_browser_s():
    assert set(SCORM12_ERRORS) - {0} == set(CASES_12) | BROWSER_ONLY_12
    assert set(SCORM2004_ERRORS) - {0} == set(CASES_2004) | BROWSER_ONLY_2004 | NEVER_2004


@pytest.mark.parametrize("standard", ["scorm12", "scorm2004"])
def test_every_fault_maps_to_a_code_with_a_message(standard):
    for fault in Fault:
        code = error_code(standard, fault)
        if code:
            assert error_message(standard, code), (standard, fault)
