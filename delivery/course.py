"""A parsed course as every standard reports it (launch-api.md, Courses)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Launchable:
    """An item that launches a SCO or asset (SCORM), or an AU (cmi5); `index` counts depth-first from 0."""
    id: str
    index: int
    title: str
    launch_method: str | None = None  # cmi5 "AnyWindow" | "OwnWindow"; None for SCORM


@dataclass(frozen=True)
class ParsedCourse:
    standard: str                 # "scorm12" | "scorm2004" | "cmi5"
    edition: str | None           # "2nd" | "3rd" | "4th" | None
    title: str
    launchables: tuple[Launchable, ...]
    # The tree served as `structure` by GET /courses/{id} and printed by `lrs courses inspect`
    # (JSON-ready: str, int, float, bool, None, list, dict).
    structure: dict
    # Whatever the standard needs again at launch and run time (JSON-ready), kept with the course:
    # for SCORM the resources' launch hrefs and parameters, item data (masteryscore, datafromlms, ...).
    runtime: dict = field(default_factory=dict)
