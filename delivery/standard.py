"""The interface each standard (SCORM, cmi5) implements, the records delivery keeps for it, and the
registry that picks a package's standard by the root file it holds (docs/adr/005).

Delivery owns courses, registrations and sessions; a standard owns what they mean. Delivery calls a
standard to parse a package, to choose and build a launch, to report progress and to end a session; the
standard's own HTTP endpoints (its blueprints) call back into delivery through
`delivery.runtime.DeliveryRuntime` for sessions, its records and the LRS's statements and documents.
Nothing here imports Flask or SQL."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Protocol, Sequence

from delivery.course import Launchable, ParsedCourse
from delivery.errors import NotAllowed  # noqa: F401 - re-exported: a standard raises it for a 409
from delivery.package import InvalidPackage, PackageFiles

if TYPE_CHECKING:
    from delivery.runtime import DeliveryRuntime

LAUNCH_MODES = ("Normal", "Browse", "Review")
SESSION_STATES = ("open", "ended", "abandoned")

# Why delivery asks a standard to end a session (Standard.end_session).
END_ABANDON = "abandon"            # POST /sessions/{id}/abandon
END_SUPERSEDED = "superseded"      # a new launch of the same registration (cmi5 abandons; SCORM ends)
END_COURSE_DELETED = "course_deleted"  # DELETE /courses/{id}


@dataclass(frozen=True)
class StoredCourse:
    """A course as imported: the ParsedCourse plus what delivery gave it."""
    id: str                       # UUID text
    store_id: int
    standard: str                 # "scorm12" | "scorm2004" | "cmi5"
    edition: str | None
    title: str
    launchables: tuple[Launchable, ...]
    structure: dict
    runtime: dict                 # ParsedCourse.runtime, as the standard left it
    created_ms: int
    deleted: bool = False

    def launchable(self, launchable_id: str) -> Launchable | None:
        if isinstance(launchable_id, str):
            return self._launchables_by_id.get(launchable_id)
        return next((item for item in self.launchables if item.id == launchable_id), None)

    @cached_property
    def _launchables_by_id(self) -> dict[str, Launchable]:
        """The first launchable of each id (a scan of 500 launchables ran several times a navigation request);
        made once per parsed course (delivery keeps those)."""
        found: dict[str, Launchable] = {}
        for item in self.launchables:
            found.setdefault(item.id, item)
        return found


@dataclass(frozen=True)
class Registration:
    id: str                       # UUID text
    store_id: int
    course_id: str
    learner: dict                 # the xAPI Agent as given
    learner_key: str              # lrs.xapi.agents.ifi_key(learner): two learners are equal by this
    created_ms: int


@dataclass(frozen=True)
class Session:
    id: str                       # UUID text; for cmi5 the session id in LaunchData's contextTemplate
    store_id: int
    registration_id: str
    course_id: str
    launchable_id: str
    launch_mode: str              # "Normal" | "Browse" | "Review"
    return_url: str | None
    state: str                    # "open" | "ended" | "abandoned"
    launched_ms: int
    ended_ms: int | None = None
    data: dict = field(default_factory=dict)  # the standard's own per-session data (JSON-ready)


@dataclass(frozen=True)
class ItemRecord:
    """What a registration did with one launchable. The summary columns are what progress reports
    (the standard keeps them current); `data` is JSON only the standard reads (CMI data, attempts...)."""
    store_id: int
    registration_id: str
    launchable_id: str
    completion: str = "not attempted"   # "completed" | "incomplete" | "not attempted" | "unknown"
    success: str = "unknown"            # "passed" | "failed" | "unknown"
    score: float | None = None          # scaled, -1..1
    satisfied: bool = False
    waived: bool = False
    attempts: int = 0
    total_seconds: float = 0.0          # summed over every attempt and session
    last_launched_ms: int | None = None
    data: dict = field(default_factory=dict)
    version: int = 0                    # 0: never saved; optimistic concurrency (DeliveryRuntime.save_item)


@dataclass(frozen=True)
class RegistrationRecord:
    """Registration-wide state only the standard reads (sequencing state, cmi5 satisfaction...)."""
    store_id: int
    registration_id: str
    data: dict = field(default_factory=dict)
    version: int = 0                    # 0: never saved


class ItemRecords(Mapping[str, ItemRecord]):
    """A registration's item records by launchable id, each built from its stored row when first asked for: a
    request of a SCORM 2004 navigation needs two or three of them, and a learner deep in a 500-item course
    has hundreds (each a JSON document of CMI data). `build` makes a record of a row."""

    def __init__(self, rows: Mapping[str, Any], build: Callable[[Any], ItemRecord],
                 built: dict[str, ItemRecord] | None = None):
        self._rows, self._build, self._built = rows, build, dict(built or {})

    def __getitem__(self, launchable_id: str) -> ItemRecord:
        found = self._built.get(launchable_id)
        if found is None:
            found = self._built[launchable_id] = self._build(self._rows[launchable_id])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, launchable_id: object) -> bool:
        return launchable_id in self._rows

    def with_record(self, record: ItemRecord) -> ItemRecords:
        """These records with `record` in place of its launchable's (or added)."""
        return ItemRecords({**self._rows, record.launchable_id: None}, self._build,
                           {**self._built, record.launchable_id: record})


@dataclass(frozen=True)
class RegistrationState:
    """Everything stored for one registration, as a standard's choose/launch/progress sees it."""
    course: StoredCourse
    registration: Registration
    record: RegistrationRecord
    items: Mapping[str, ItemRecord]     # launchable id -> record; launchables never touched are absent
    sessions: tuple[Session, ...]       # the open ones, oldest first (all of them only where asked for)

    def item(self, launchable_id: str) -> ItemRecord:
        """The stored record, or a fresh (version 0) one."""
        return self.items.get(launchable_id) or ItemRecord(self.registration.store_id, self.registration.id,
                                                           launchable_id)

    def with_item(self, record: ItemRecord) -> RegistrationState:
        """This state with `record` in place of its launchable's record (one just saved)."""
        items = self.items.with_record(record) if isinstance(self.items, ItemRecords) else \
            {**self.items, record.launchable_id: record}
        return replace(self, items=items)


@dataclass(frozen=True)
class LaunchRequest:
    """POST /registrations/{id}/launch, validated: `launchable_id` None is "continue"."""
    launchable_id: str | None
    launch_mode: str = "Normal"
    return_url: str | None = None


@dataclass(frozen=True)
class Launch:
    url: str                      # absolute, from DeliveryRuntime.public_url
    launch_method: str | None     # "AnyWindow" | "OwnWindow" for cmi5, None for SCORM


@dataclass(frozen=True)
class CourseProgress:
    """The course-level half of GET /registrations/{id}; delivery adds items, totalTime and sessions
    from the records' summary columns."""
    completion: str = "unknown"
    success: str = "unknown"
    score: float | None = None
    satisfied: bool = False
    blocks: tuple[dict, ...] = ()   # cmi5: {"id", "title", "satisfied"}; () for SCORM
    # The launchables the standard counts as satisfied, when that is not just the records' `satisfied`
    # (cmi5: an AU with moveOn NotApplicable is satisfied without a record); None: the records say.
    satisfied_items: frozenset[str] | None = None


class Standard(Protocol):
    # The package root file that marks this standard ("imsmanifest.xml", "cmi5.xml").
    root_file: str
    # The ParsedCourse.standard values it parses to, e.g. ("scorm12", "scorm2004").
    course_standards: tuple[str, ...]

    def parse(self, files: PackageFiles, *, manifest_only: bool) -> ParsedCourse:
        """The course, or InvalidPackage. `manifest_only`: the root file alone was given (inspect of a
        bare manifest, a bare cmi5.xml upload), so file-presence rules are not checked."""

    def choose(self, state: RegistrationState, request: LaunchRequest, runtime: DeliveryRuntime) -> str:
        """The launchable id this launch delivers: `request.launchable_id` if allowed (delivery has
        checked it exists), or the standard's "continue" when it is None. NotAllowed (409) when the
        rules forbid it (1.2 prerequisites, 2004 sequencing, nothing to deliver)."""

    def launch(self, state: RegistrationState, session: Session, launch_token: str, request: LaunchRequest,
               runtime: DeliveryRuntime) -> Launch:
        """Prepares the session delivery has just stored (open) for `session.launchable_id` and
        returns its URL. `launch_token` is the one-time token the launched page redeems with
        DeliveryRuntime.redeem_launch_token (it is stored only as a hash; put it in the URL). The
        standard updates its records here (attempts, last launched) and writes what the spec says a
        launch writes (cmi5 LaunchData and `launched`). An exception undoes the session."""

    def progress(self, state: RegistrationState) -> CourseProgress:
        """The course rollup from the records (SCORM 2004 by rollup, cmi5 by moveOn)."""

    def waive(self, state: RegistrationState, launchable_id: str, reason: str, runtime: DeliveryRuntime) -> None:
        """cmi5 9.5.5.2: waive an AU (records and the `waived` statement); NotAllowed (409) when it is
        already waived, or for a standard that has no waiving (SCORM)."""

    def end_session(self, state: RegistrationState, session: Session, reason: str,
                    runtime: DeliveryRuntime) -> str:
        """Ends an open session for `reason` (END_ABANDON, END_SUPERSEDED, END_COURSE_DELETED): writes
        what the spec says (cmi5 `abandoned`; SCORM keeps the last commit and its statements) and
        returns the state delivery records, "ended" or "abandoned". Called while the session is still
        open; delivery records the state afterwards, so the session's token stops working."""

    def blueprints(self) -> Sequence[Any]:
        """The Flask blueprints the standard serves (the SCORM player and its runtime calls);
        lrs/app.py registers them. Their handlers reach delivery through delivery.api.current_runtime()."""

    # Optional (delivery calls them when the standard has them):
    # def with_settings(self, settings) -> Standard:
    #     """The standard configured from the server's lrs.settings.Settings (its parsing limits...);
    #     delivery registers what this returns."""
    # def registration_created(self, state: RegistrationState, runtime: DeliveryRuntime) -> RegistrationState:
    #     """Right after a new registration is stored (cmi5 9.6.1 evaluates moveOn then). An exception
    #     removes the registration again, and the call fails."""


class StandardRegistry:
    """The standards a server knows, in the order their root files are looked for: cmi5.xml before
    imsmanifest.xml (launch-api.md, Courses: a zip with cmi5.xml at its root is a cmi5 course)."""

    ROOT_FILE_ORDER = ("cmi5.xml", "imsmanifest.xml")

    def __init__(self, standards: Sequence[Standard] = ()):
        self._by_root: dict[str, Standard] = {}
        for standard in standards:
            self.register(standard)

    def register(self, standard: Standard) -> None:
        self._by_root[standard.root_file] = standard

    @property
    def standards(self) -> tuple[Standard, ...]:
        return tuple(self._by_root.values())

    def root_files(self) -> tuple[str, ...]:
        known = [name for name in self.ROOT_FILE_ORDER if name in self._by_root]
        return tuple(known + sorted(set(self._by_root) - set(known)))

    def for_package(self, names: frozenset[str]) -> tuple[Standard, str]:
        """The standard whose root file the package holds at its root, and that file's name."""
        for root_file in self.root_files():
            if root_file in names:
                return self._by_root[root_file], root_file
        expected = " or ".join(self.root_files()) or "a known root file"
        # SCORM CAM 3.4.1.1: the manifest is at the root of the package (cmi5 14.1.0.0-1 likewise).
        raise InvalidPackage(f"the package has no {expected} at its root", rule=_missing_root_rule(self.root_files()),
                             file=None)

    def for_root_file(self, name: str) -> Standard:
        standard = self._by_root.get(name)
        if standard is None:
            raise InvalidPackage(f"'{name}' is not a package root file this server knows "
                                 f"({', '.join(self.root_files())})", rule=_missing_root_rule(self.root_files()))
        return standard

    def for_course(self, course_standard: str) -> Standard:
        for standard in self._by_root.values():
            if course_standard in standard.course_standards:
                return standard
        raise LookupError(f"no standard registered for '{course_standard}'")


def _missing_root_rule(root_files: tuple[str, ...]) -> str:
    return "SCORM CAM 3.4.1.1" if "imsmanifest.xml" in root_files else "cmi5 14.1.0.0-1"
