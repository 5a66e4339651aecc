"""NB.2.1 Navigation Request Process (SN book, 4th ed): is a navigation request valid now, and which
termination and sequencing requests it becomes."""
from __future__ import annotations

from dataclasses import dataclass

from .activity_tree import Activity, ActivityTree
from .exceptions import SequencingError
from .randomization import available_children
from .tracking import Tracking

REQUESTS = ("start", "resumeAll", "continue", "previous", "forward", "backward", "choice", "jump", "exit",
            "exitAll", "abandon", "abandonAll", "suspendAll")


@dataclass(frozen=True, slots=True)
class NavigationDecision:
    termination: str | None
    sequencing: str | None
    target: Activity | None = None


def navigation_request(tree: ActivityTree, tracking: Tracking, request: str,
                       target_id: str | None = None) -> NavigationDecision:
    """NB.2.1: raises SequencingError("NB.2.1-n") when the request is not valid."""
    current = tree.get(tracking.current)
    active = bool(current is not None and tracking.state(current.identifier).active)
    if request == "start":
        if current is not None:
            raise SequencingError("NB.2.1-1")
        return NavigationDecision(None, "start")
    if request == "resumeAll":
        if current is not None:
            raise SequencingError("NB.2.1-1")
        if tracking.suspended_activity is None:
            raise SequencingError("NB.2.1-3")
        return NavigationDecision(None, "resumeAll")
    if request == "continue":
        if current is None:
            raise SequencingError("NB.2.1-2")
        if current.parent is None or not current.parent.control["flow"]:
            raise SequencingError("NB.2.1-4")
        return NavigationDecision("exit" if active else None, "continue")
    if request == "previous":
        if current is None:
            raise SequencingError("NB.2.1-2")
        if current.parent is None:
            raise SequencingError("NB.2.1-6")
        if not current.parent.control["flow"] or current.parent.control["forwardOnly"]:
            raise SequencingError("NB.2.1-5")
        return NavigationDecision("exit" if active else None, "previous")
    if request in ("forward", "backward"):
        raise SequencingError("NB.2.1-7")
    if request == "choice":
        target = tree.get(target_id)
        if target is None:
            raise SequencingError("NB.2.1-11")
        if target.parent is not None and not target.parent.control["choice"]:
            raise SequencingError("NB.2.1-10")
        if current is not None:
            ancestor = tree.common_ancestor(current, target)
            node = current
            while node is not ancestor:  # the activities the choice would leave
                if tracking.state(node.identifier).active and not node.control["choiceExit"]:
                    raise SequencingError("NB.2.1-8")
                node = node.parent
            if active and not current.control["choiceExit"]:  # NB.2.1 step 7.1.1.3
                raise SequencingError("NB.2.1-8")
        return NavigationDecision("exit" if active else None, "choice", target)
    if request == "jump":
        target = tree.get(target_id)
        if target is None or (target.parent is not None and
                              target not in available_children(tracking, target.parent)):
            raise SequencingError("NB.2.1-11")
        return NavigationDecision("exit" if active else None, "jump", target)
    if request in ("exit", "abandon"):
        if current is None:
            raise SequencingError("NB.2.1-2")
        if not active:
            raise SequencingError("NB.2.1-12")
        return NavigationDecision(request, "exit")
    if request in ("exitAll", "abandonAll", "suspendAll"):
        if current is None:
            raise SequencingError("NB.2.1-2")
        return NavigationDecision(request, "exit")
    raise SequencingError("NB.2.1-13")


_ADL_NAV = {"continue", "previous", "exit", "exitAll", "abandon", "abandonAll", "suspendAll", "_none_"}


def parse_adl_nav_request(value: str) -> tuple[str | None, str | None]:
    """adl.nav.request (RTE 4.4.1) -> (navigation request, target); (None, None) for "_none_" or an unknown
    value. "{target=ID}choice" and "{target=ID}jump" carry their target."""
    value = (value or "").strip()
    if value.startswith("{target="):
        closing = value.find("}")
        if closing > len("{target="):
            target, request = value[len("{target="):closing], value[closing + 1:]
            if request in ("choice", "jump"):
                return request, target
        return None, None
    if value in _ADL_NAV and value != "_none_":
        return value, None
    return None, None
