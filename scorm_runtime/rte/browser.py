"""What the browser-side API (scorm-again 3.4.3) loads before the SCO calls Initialize.

scorm-again's `loadFromFlattenedJSON(json)` takes {"cmi.core.student_id": "...", ...}: it sorts
interaction fields id, type, then the rest, objectives id first, and sets each through its own
setters, which accept read-only elements only before Initialize. It skips empty values and
cannot take keywords (_count, _children, _version), so those are left out; it computes _count
itself from the records it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scorm_runtime.rte.elements import template_of
from scorm_runtime.rte.model import KEYWORDS, CmiState, data_model


def for_browser(state: CmiState) -> dict[str, str]:
    """The flattened CMI for `API.loadFromFlattenedJSON` / `API_1484_11.loadFromFlattenedJSON`.

    Write-only per-session elements (exit, session_time) are left out; 1.2 interactions are
    included (write-only to the SCO, but loading them keeps cmi.interactions._count right, so
    the SCO appends rather than overwrites). adl.data stores the SCO may not read are left out.
    """
    model = data_model(state.standard)
    flattened: dict[str, str] = {}
    for element, value in state.values.items():
        parts = element.split(".")
        if value == "" or parts[-1] in KEYWORDS:
            continue
        template = template_of(parts)
        spec = model.elements.get(template)
        if spec is None or template in (
            "cmi.core.exit",
            "cmi.core.session_time",
            "cmi.exit",
            "cmi.session_time",
        ):
            continue
        if template == "adl.data.n.store":
            index = int(parts[2])
            access = (
                state.shared_data_access[index] if index < len(state.shared_data_access) else "rw"
            )
            if "r" not in access:
                continue
        flattened[element] = value
    return flattened


_MAX_DEPTH = 12  # cmi.interactions.n.correct_responses.n.pattern is 6 deep


def flatten_commit(document: Mapping[str, Any]) -> dict[str, Any]:
    """A scorm-again commit body as dotted element -> value, for `apply_commit`.

    Takes either format scorm-again sends (`dataCommitFormat` "flattened": {"cmi.location": ..},
    or "json": {"cmi": {"location": ..}, "adl": {..}}). Only the cmi and adl roots are data
    model; the rest of the envelope (sharedData, scoId, learnerId...) is left out. Empty
    collections ({}) hold nothing; a value nested deeper than any element is kept as is, so
    `apply_commit` rejects it.
    """
    flattened: dict[str, Any] = {}

    def walk(prefix: str, value: Any, depth: int) -> None:
        if isinstance(value, Mapping) and depth < _MAX_DEPTH:
            for key, child in value.items():
                walk(f"{prefix}.{key}", child, depth + 1)
        elif isinstance(value, list) and depth < _MAX_DEPTH:
            for index, child in enumerate(value):
                walk(f"{prefix}.{index}", child, depth + 1)
        else:
            flattened[prefix] = value

    for key, value in document.items():
        if not isinstance(key, str) or key.split(".", 1)[0] not in ("cmi", "adl"):
            continue
        walk(key, value, key.count("."))
    return flattened
