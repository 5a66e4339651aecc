"""SCORM 2004 sequencing and navigation (SN book, 4th Edition pseudo-code, process by process) as pure domain
code: no Flask, no SQL. The runtime keeps one Tracking per registration (Tracking.to_json/from_json) and calls
the facade in session.py (its docstring shows the calls at launch, terminate, table of contents and progress).

Modules, named after the SN concepts: activity_tree (the Sequencing Definition Model per activity), tracking
(the Tracking Model), navigation (NB.2.1), overall (OP.1), termination (UP.3, UP.4, TB.2.1-TB.2.3), sequencing
(SB.2.1-SB.2.13), delivery (DB.1.1, DB.2, DB.2.1), rules (UP.1, UP.2, UP.5), rollup (RB.1.1-RB.1.5), objectives
(objective maps), randomization (SR.1, SR.2), look_ahead (adl.nav.request_valid, table of contents),
choice_pass (every activity's Choice look-ahead in one tree walk), reporting (RTE data -> tracking model),
exceptions (the SN exception ids).

Editions: 2nd and 3rd Edition manifests run through the same processes (cam gives every edition one shape);
4th Edition adds Jump, adlseq:objectives map info (completion, progress measure, scores), completion by
measure (RB.1.1b/RB.1.3a), measureSatisfactionIfActive and the constrained choice considerations, all handled.

Deviations from the SN book, and why:
- useCurrentAttemptObjectiveInfo / useCurrentAttemptProgressInfo: a cluster's new attempt clears its
  descendants' local objective and attempt progress information (global objectives stay), rather than tagging
  each value with the attempt it came from; the rollup then only sees the current attempt's information.
- Attempt absolute duration is the sum of reported session times (the runtime knows them; wall-clock time
  between launches would count a learner's night away); timeLimitExceeded uses it, outsideAvailableTimeRange
  is always false (SCORM defines no begin/end time data).
- objectivesGlobalToSystem: global objectives live in the registration's tracking model; sharing them across
  registrations is the runtime's choice (objectives.load_rte_global_objectives / rte_global_objectives).
- Look-ahead (request_valid, table of contents) evaluates a request as if the current activity had ended,
  without its exit and post-condition rules, which only the real request can know (SN 5.3 lets the LMS
  validate a request before processing it); a Choice it refuses is refused before the current activity is
  terminated.
- SB.2.9 constrainChoice compares "forward" by the manifest's order, not the randomized one.
- At the end of a sequencing session the Current Activity becomes undefined so that the next launch begins a
  new session with Start or Resume All (NB.2.1 steps 1-2); a root attempt that was not exited goes on.
"""
from __future__ import annotations

from .activity_tree import Activity, ActivityTree, build_tree
from .exceptions import MESSAGES, SequencingError
from .look_ahead import toc, toc_choices, valid_requests
from .navigation import parse_adl_nav_request
from .objectives import load_rte_global_objectives, rte_global_objectives
from .overall import Outcome
from .reporting import report_attempt
from .session import SequencingSession, course_rollup, launch, navigate
from .tracking import Tracking

__all__ = ["Activity", "ActivityTree", "MESSAGES", "Outcome", "SequencingError", "SequencingSession", "Tracking",
           "build_tree", "course_rollup", "launch", "load_rte_global_objectives", "navigate", "parse_adl_nav_request", "report_attempt",
           "rte_global_objectives", "toc", "toc_choices", "valid_requests"]
