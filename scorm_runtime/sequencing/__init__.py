"""SCORM 2004 4th Edition sequencing and navigation (the SN book's pseudo-code, process by process), as pure
domain code: no Flask, no SQL. The runtime keeps one Tracking per registration (Tracking.to_json/from_json)
and calls the facade in session.py; see its docstring for the calls at launch, terminate, toc and progress."""
from __future__ import annotations

from .activity_tree import Activity, ActivityTree, build_tree
from .exceptions import MESSAGES, SequencingError
from .overall import Outcome
from .session import SequencingSession, course_rollup, launch, navigate
from .look_ahead import toc, valid_requests
from .reporting import report_attempt
from .tracking import Tracking

__all__ = ["Activity", "ActivityTree", "MESSAGES", "Outcome", "SequencingError", "SequencingSession", "Tracking",
           "build_tree", "course_rollup", "launch", "navigate", "report_attempt", "toc", "valid_requests"]
