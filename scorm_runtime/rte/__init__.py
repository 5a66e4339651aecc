"""The SCORM 1.2 and SCORM 2004 (4th ed.) run-time data models, enforced on the server.

Pure domain code: the server builds the initial CMI data (`initial_state`), validates every
commit from the browser (`apply_commit`), ends sessions (`finish_session`) and reports an
attempt (`summary`); `for_browser` is what the browser-side API loads.
"""

from __future__ import annotations

from scorm_runtime.rte.browser import flatten_commit, for_browser
from scorm_runtime.rte.errors import SCORM12_ERRORS, SCORM2004_ERRORS, Rejection, error_message
from scorm_runtime.rte.launch import LaunchInputs, ObjectiveInput, SharedDataInput, initial_state
from scorm_runtime.rte.model import CmiState, CommitResult, GetResult, apply_commit, get_value
from scorm_runtime.rte.session import SessionEnd, finish_session
from scorm_runtime.rte.summary import ItemSummary, summary
from scorm_runtime.rte.types import DEFAULT_LIMITS, Limits

__all__ = [
    "DEFAULT_LIMITS",
    "SCORM12_ERRORS",
    "SCORM2004_ERRORS",
    "CmiState",
    "CommitResult",
    "GetResult",
    "ItemSummary",
    "LaunchInputs",
    "Limits",
    "ObjectiveInput",
    "Rejection",
    "SessionEnd",
    "SharedDataInput",
    "apply_commit",
    "error_message",
    "finish_session",
    "flatten_commit",
    "for_browser",
    "get_value",
    "initial_state",
    "summary",
]
