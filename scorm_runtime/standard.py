"""The SCORM 1.2 / 2004 `delivery.standard.Standard` (docs/adr/005): parse through cam/, choose what a
launch delivers, build the player URL, report progress from the item records, end sessions.

Item records (delivery.standard.ItemRecord) keep the summary columns progress needs, and in `data` what
only this package reads (scorm_runtime.sessions: the current attempt's CMI data, its attempt id, the
attempt IRIs, the 1.2 lesson_status prerequisites compare against)."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Sequence

from delivery.errors import NotAllowed, StaleRecord
from delivery.standard import (END_ABANDON, CourseProgress, ItemRecord, Launch, LaunchRequest,
                               RegistrationRecord, RegistrationState, Session)
from scorm_runtime import prerequisites
from scorm_runtime.cam.limits import CamLimits
from scorm_runtime.course_data import activity_tree, item_runtime, sequenced

if TYPE_CHECKING:
    from delivery.package import PackageFiles
    from delivery.course import ParsedCourse
    from delivery.runtime import DeliveryRuntime

RUNTIME_NAME = "scorm_runtime"  # the authority statements are written under (DeliveryRuntime.principal)


def player_url(server_url: str, session_id: str, launch_token: str) -> str:
    """docs/scorm-player-protocol.md, The launch URL: the token rides in the fragment, never sent to a server.
    `server_url` is this server on the content origin (DeliveryRuntime.content_server_url): a SCO finds
    window.API only in a same-origin parent (SCORM 1.2 RTE 3.3.6.1, 2004 RTE 3.3.2 API discovery)."""
    return f"{server_url.rstrip('/')}/player/{session_id}#launch={launch_token}"


_SAVE_ATTEMPTS = 5  # optimistic concurrency on the registration record: re-read and re-apply this often


class SequencingRefused(NotAllowed):
    """409 not_allowed naming the SN rule that refused a request (launch-api.md, Launch: "409 an item that
    sequencing ... do[es] not allow yet"): the contract's body plus `exception`, the SN exception id."""

    def __init__(self, exception: str, message: str):
        super().__init__(f"{message} (SCORM 2004 SN {exception})")
        self.exception = exception

    def to_dict(self) -> dict:
        return {**super().to_dict(), "exception": self.exception}


def refused(outcome) -> SequencingRefused:
    return SequencingRefused(outcome.exception, outcome.message or "sequencing exception")


# --- the registration's sequencing state (RegistrationRecord.data) --------------------------------------
# "sequencing": Tracking.to_json(); "pendingDelivery": the activity the engine delivered that delivery has
# not launched yet (a player navigate launches it next); "courseEver": {"completed", "passed", "failed"}
# once the root rolled up so (registration progress keeps them when the course restarts).

def tracking_of(record: RegistrationRecord):
    from scorm_runtime.sequencing import Tracking
    return Tracking.from_json(record.data.get("sequencing"))


def with_tracking(record: RegistrationRecord, tracking, tree, *, pending: str | None = None,
                  shared: dict | None = None) -> RegistrationRecord:
    """The registration record with the tracking model, the engine's global objectives written back in
    global_data's shape (the engine is authoritative; RTE 4.2.17 reads them through cmi.objectives) and the
    course's sticky outcome. `shared`: the record data to start from (what a session wrote to adl.data)."""
    from scorm_runtime.sequencing import course_rollup, rte_global_objectives
    data = dict(shared if shared is not None else record.data)
    objectives = {target: dict(fields) for target, fields in (data.get("globalObjectives") or {}).items()}
    for target, fields in rte_global_objectives(tracking).items():
        objectives[target] = {**objectives.get(target, {}), **fields}
    rollup = course_rollup(tree, tracking)
    ever = dict(data.get("courseEver") or {})
    if rollup["completion"] == "completed":
        ever["completed"] = True
    if rollup["success"] in ("passed", "failed") and not ever.get("passed"):
        ever["passed"], ever["failed"] = rollup["success"] == "passed", rollup["success"] == "failed"
    data.update(sequencing=tracking.to_json(), globalObjectives=objectives, courseEver=ever, pendingDelivery=pending)
    return replace(record, data=data)


def _launched(record: RegistrationRecord) -> RegistrationRecord:
    return replace(record, data=dict(record.data, pendingDelivery=None))


def _stored_record(state: RegistrationState, runtime: DeliveryRuntime) -> RegistrationRecord:
    return runtime.registration_record(state.registration.store_id, state.registration.id)


def lesson_status(record: ItemRecord) -> str:
    """The 1.2 lesson_status an item stands at, for prerequisites (SCORM 1.2 CAM 2.3.5.2.1)."""
    stored = record.data.get("lessonStatus")
    if stored:
        return stored
    if record.success in ("passed", "failed"):
        return record.success
    return {"completed": "completed", "incomplete": "incomplete"}.get(record.completion, "not attempted")


def is_suspended(record: ItemRecord) -> bool:
    attempt = record.data.get("attempt") or {}
    return bool(attempt.get("suspended"))


class ScormStandard:
    root_file = "imsmanifest.xml"
    course_standards = ("scorm12", "scorm2004")

    def __init__(self, limits: CamLimits | None = None):
        self.limits = limits or CamLimits()

    def with_settings(self, settings) -> ScormStandard:
        """Manifest parsing bounded by the server's package settings (issue 11, Hostile input): the
        manifest's size by LRS_PACKAGE_MAX_XML_BYTES, as a bare manifest upload is."""
        return ScormStandard(CamLimits(max_manifest_bytes=settings.package_max_xml_bytes,
                                       max_elements=settings.package_max_xml_elements,
                                       max_items=settings.package_max_items,
                                       max_item_depth=settings.package_max_item_depth))

    # --- import ------------------------------------------------------------------------------------

    def parse(self, files: PackageFiles, *, manifest_only: bool) -> ParsedCourse:
        from scorm_runtime.cam import parse_package
        return parse_package(files, manifest_only=manifest_only, limits=self.limits)

    # --- launch ------------------------------------------------------------------------------------

    def choose(self, state: RegistrationState, request: LaunchRequest, runtime: DeliveryRuntime) -> str:
        launchables = state.course.launchables
        if not launchables:
            raise NotAllowed("the course has no item to launch")
        if sequenced(state.course):
            return self._sequence(state, request, runtime)
        if request.launchable_id is None:
            chosen = self._continue(state)
        else:
            chosen = request.launchable_id
        if state.course.standard == "scorm12":
            self._check_prerequisites(state, chosen)
        return chosen

    @staticmethod
    def _sequence(state: RegistrationState, request: LaunchRequest, runtime: DeliveryRuntime) -> str:
        """launch-api.md, Launch: SCORM 2004 with no item is Resume All or Start, a named item a Choice; the
        engine decides (409 naming the SN exception when it refuses, or when nothing is delivered).

        A player's navigate has already sequenced its request: the item it delivered is launched as is.
        Open sessions are ended first, so what their SCO reported is in the tracking model the engine reads."""
        from scorm_runtime.sequencing import launch as sequencing_launch
        from scorm_runtime.sessions import end_with_last_commit
        pending = state.record.data.get("pendingDelivery")
        if pending is not None and request.launchable_id in (pending, None):
            return pending  # delivered by the engine, not launched yet: "continue" is that activity
        if request.launch_mode != "Normal":
            # Browse and Review are no-credit looks at an item (RTE 4.2.5): they do not sequence.
            return request.launchable_id or state.course.launchables[0].id
        for session in state.sessions:
            if session.state == "open":
                end_with_last_commit(runtime, session, state=state, mark_ended=True)
        tree = activity_tree(state.course)
        for _ in range(_SAVE_ATTEMPTS):
            record = runtime.registration_record(state.registration.store_id, state.registration.id)
            tracking = tracking_of(record)
            outcome = sequencing_launch(tree, tracking, request.launchable_id)
            if outcome.exception is not None:
                raise refused(outcome)
            if outcome.delivered is None:
                raise NotAllowed("nothing to deliver: the sequencing session has ended")
            try:
                runtime.save_records((), with_tracking(record, tracking, tree, pending=outcome.delivered))
                return outcome.delivered
            except StaleRecord:
                continue
        raise StaleRecord("the registration's sequencing state kept changing; launch again")

    @staticmethod
    def _continue(state: RegistrationState) -> str:
        """launch-api.md, Launch: the suspended or last launched item, else the first (1.2); for 2004
        Resume All when an activity is suspended, else Start (the first item until sequencing lands)."""
        order = {launchable.id: launchable.index for launchable in state.course.launchables}
        records = [record for record in state.items.values() if record.launchable_id in order]
        suspended = [record for record in records if is_suspended(record)]
        if suspended:
            return max(suspended, key=lambda record: record.last_launched_ms or 0).launchable_id
        launched = [record for record in records if record.last_launched_ms]
        if launched:
            return max(launched, key=lambda record: record.last_launched_ms or 0).launchable_id
        return state.course.launchables[0].id

    @staticmethod
    def _check_prerequisites(state: RegistrationState, launchable_id: str) -> None:
        data = item_runtime(state.course, launchable_id)
        expression = data.get("prerequisites")
        if not expression:
            return
        statuses = {item_id: lesson_status(record) for item_id, record in state.items.items()}
        known_ids = _known_item_ids(state)
        if not prerequisites.allowed(expression, statuses, known=known_ids.__contains__):
            # launch-api.md, Launch: 409 for an item prerequisites do not allow yet.
            raise NotAllowed(f"the prerequisites of item '{launchable_id}' ({expression}) are not met")

    def launch(self, state: RegistrationState, session: Session, launch_token: str, request: LaunchRequest,
               runtime: DeliveryRuntime) -> Launch:
        launched = replace(state.item(session.launchable_id), last_launched_ms=session.launched_ms)
        if not (sequenced(state.course) and session.launch_mode == "Normal"):
            runtime.save_records([launched])
        else:
            # The engine's delivery is launched: it is no longer pending (same transaction as the item). When choose
            # launched the pending delivery it saved nothing, so the record as read for this launch is current
            # (read again should it have changed since); when choose sequenced the launch, it saved the record.
            read = state.record if state.record.data.get("pendingDelivery") == session.launchable_id else None
            try:
                runtime.save_records([launched], _launched(read or _stored_record(state, runtime)))
            except StaleRecord:
                if read is None:
                    raise
                runtime.save_records([launched], _launched(_stored_record(state, runtime)))
        url = player_url(runtime.content_server_url, session.id, launch_token)
        return Launch(url=url, launch_method=None)

    # --- progress ----------------------------------------------------------------------------------

    def progress(self, state: RegistrationState) -> CourseProgress:
        if sequenced(state.course) and state.record.data.get("sequencing"):
            return sequenced_progress(state)
        return course_progress(state)

    def waive(self, state: RegistrationState, launchable_id: str, reason: str, runtime: DeliveryRuntime) -> None:
        raise NotAllowed("waiving is a cmi5 feature; SCORM courses have no waived items")

    # --- sessions ----------------------------------------------------------------------------------

    def end_session(self, state: RegistrationState, session: Session, reason: str,
                    runtime: DeliveryRuntime) -> str:
        """launch-api.md: a SCORM session ends with its last commit (abandon, course delete, a new launch);
        its end statements are written from what it committed."""
        from scorm_runtime.sessions import end_with_last_commit
        end_with_last_commit(runtime, session, state=state)
        # The data stands as last committed either way; an LMS abandon is recorded as such.
        return "abandoned" if reason == END_ABANDON else "ended"

    def blueprints(self) -> Sequence[Any]:
        from scorm_runtime.runtime_api import blueprint as runtime_blueprint
        blueprints: list[Any] = [runtime_blueprint]
        try:
            from scorm_runtime.player import blueprint as player_blueprint
        except ImportError:  # the player lands separately; the runtime calls work without it
            return blueprints
        return [player_blueprint, *blueprints]


def _known_item_ids(state: RegistrationState) -> set[str]:
    ids = {launchable.id for launchable in state.course.launchables}
    ids.update(_structure_ids(state.course.structure))
    return ids


def _structure_ids(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        identifier = node.get("identifier") or node.get("id")
        if isinstance(identifier, str):
            found.add(identifier)
        for value in node.values():
            if isinstance(value, (dict, list)):
                found |= _structure_ids(value)
    elif isinstance(node, list):
        for value in node:
            found |= _structure_ids(value)
    return found


def course_progress(state: RegistrationState) -> CourseProgress:
    """The course rollup from the item records (launch-api.md, Registrations):
    - completion: completed when every launchable item is; not attempted when none was; else incomplete;
    - success: failed when an item failed; passed when the course is completed and every item that
      reports success passed (at least one); else unknown;
    - score: the single item's, or the average of the items that have one;
    - satisfied: every launchable item satisfied (completed, or passed or failed)."""
    records = [state.item(launchable.id) for launchable in state.course.launchables]
    if not records:
        return CourseProgress(completion="unknown")
    if all(record.completion == "completed" for record in records):
        completion = "completed"
    elif all(record.completion == "not attempted" for record in records):
        completion = "not attempted"
    else:
        completion = "incomplete"
    successes = [record.success for record in records if record.success != "unknown"]
    if "failed" in successes:
        success = "failed"
    elif successes and completion == "completed":
        success = "passed"
    else:
        success = "unknown"
    scores = [record.score for record in records if record.score is not None]
    score = (sum(scores) / len(scores)) if scores else None
    satisfied = all(record.satisfied for record in records)
    return CourseProgress(completion=completion, success=success,
                          score=round(score, 7) if score is not None else None, satisfied=satisfied)


def sequenced_progress(state: RegistrationState) -> CourseProgress:
    """SCORM 2004 progress from the root activity's rollup (launch-api.md, Registrations: "2004: by
    rollup"). A course completed or passed once stays so when it is started over (a new attempt on the
    course after an exit for good); a new attempt's failure does not undo a pass."""
    from scorm_runtime.sequencing import course_rollup
    tree, tracking = activity_tree(state.course), tracking_of(state.record)
    rollup = course_rollup(tree, tracking)
    ever = state.record.data.get("courseEver") or {}
    completion = rollup["completion"]
    if ever.get("completed"):
        completion = "completed"
    elif completion == "unknown":
        launched = any(state.item(launchable.id).attempts for launchable in state.course.launchables)
        completion = "incomplete" if launched else "not attempted"
    success = rollup["success"]
    if ever.get("passed"):
        success = "passed"
    elif success == "unknown" and ever.get("failed"):
        success = "failed"
    score = rollup["scaled"]
    return CourseProgress(completion=completion, success=success,
                          score=round(score, 7) if score is not None else None,
                          satisfied=completion == "completed" or success != "unknown",
                          satisfied_items=_satisfied_items(state, tree, tracking))


def _satisfied_items(state: RegistrationState, tree, tracking) -> frozenset[str]:
    """launch-api.md, Registrations: an item is satisfied when completed, passed or failed, "2004: by rollup":
    the SCO's own report, or the tracking model where it knows more (a status read through a global
    objective, e.g. content a passed test covers)."""
    from scorm_runtime.sequencing.objectives import completion, primary_satisfied
    satisfied = set()
    for launchable in state.course.launchables:
        activity = tree.get(launchable.id)
        if state.item(launchable.id).satisfied or (
                activity is not None and (completion(tracking, activity) or primary_satisfied(tracking, activity)
                                          is not None)):
            satisfied.add(launchable.id)
    return frozenset(satisfied)
