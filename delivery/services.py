"""The course and launch API's use cases (launch-api.md), each taking the caller's store id: import,
list, get and delete courses; registrations; launch; waive; abandon; progress. No Flask.

What a course means is its standard's business (delivery.standard.Standard); this module keeps the
rows, the files and the sessions consistent around it: a failed call leaves nothing behind."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

from delivery.content import ContentStorage
from delivery.course import Launchable, ParsedCourse
from delivery.errors import BadRequest, Conflict, NotFound
from delivery.intake import IntakeLimits, Upload, package_files
from delivery.requests import ItemChoice, LaunchBody, RegistrationRequest, WaiveBody
from delivery.runtime import DeliveryRuntime, new_token, token_digest
from delivery.standard import (END_ABANDON, END_COURSE_DELETED, END_SUPERSEDED, LaunchRequest, Registration,
                               RegistrationRecord, RegistrationState, Session, StandardRegistry, StoredCourse)
from delivery.storage.store import DeliveryStorage
from lrs.xapi.agents import ifi_key
from lrs.xapi.timestamps import format_ms

log = logging.getLogger(__name__)


def course_body(course: StoredCourse | ParsedCourse, course_id: str | None = None) -> dict:
    """COURSE of launch-api.md, Courses."""
    return {"id": course_id if course_id is not None else course.id, "standard": course.standard,
            "edition": course.edition, "title": course.title,
            "launchables": [launchable_body(item) for item in course.launchables]}


def launchable_body(item: Launchable) -> dict:
    return {"id": item.id, "index": item.index, "title": item.title, "launchMethod": item.launch_method}


def registration_body(registration: Registration) -> dict:
    return {"id": registration.id, "course": registration.course_id, "learner": registration.learner}


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration in hours, minutes and seconds (to the hundredth, as CMI timespans are)."""
    centiseconds = max(0, round(seconds * 100))
    hours, rest = divmod(centiseconds, 360_000)
    minutes, rest = divmod(rest, 6_000)
    whole, fraction = divmod(rest, 100)
    text = f"{whole}.{fraction:02d}".rstrip("0").rstrip(".") if fraction else str(whole)
    return f"PT{hours}H{minutes}M{text}S"


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


class Delivery:
    def __init__(self, storage: DeliveryStorage, content: ContentStorage, registry: StandardRegistry,
                 runtime: DeliveryRuntime, limits: IntakeLimits, work_dir: Path):
        self.storage = storage
        self.content = content
        self.registry = registry
        self.runtime = runtime
        self.limits = limits
        # Where uploads are spooled: beside the content, on the same file system.
        self.work_dir = work_dir

    # --- courses ---------------------------------------------------------------------------------

    def import_course(self, store_id: int, upload: Upload, *, title: str | None = None) -> StoredCourse:
        """Intake -> standard -> files -> row, all or nothing (launch-api.md, Courses: "Nothing is stored")."""
        with package_files(upload, self.limits) as (files, bare_name):
            if bare_name is None:
                standard, _root = self.registry.for_package(files.names)
                manifest_only = False
            else:
                standard = self.registry.for_root_file(bare_name)
                # A bare cmi5.xml is a course (its AUs are elsewhere); a bare SCORM manifest is not,
                # and its parse then names the launch files it lacks.
                manifest_only = bare_name == "cmi5.xml"
            parsed = standard.parse(files, manifest_only=manifest_only)
            course = StoredCourse(id=str(uuid.uuid4()), store_id=store_id, standard=parsed.standard,
                                  edition=parsed.edition, title=title if title else parsed.title,
                                  launchables=tuple(parsed.launchables), structure=parsed.structure,
                                  runtime=parsed.runtime, created_ms=self.runtime.now_ms())
            self.content.put(course.id, files)
        try:
            self.storage.add_course(course)
        except BaseException:
            self.content.delete(course.id)
            raise
        return course

    def inspect(self, path: Path, *, check_files: bool = False) -> dict:
        """The parsed structure of a zip, imsmanifest.xml or cmi5.xml, plus standard and edition; stores
        nothing. The manifest alone is checked unless `check_files` (launch-api.md, Command line)."""
        import zipfile
        kind = "zip" if zipfile.is_zipfile(path) else "xml"
        with package_files(Upload(Path(path), kind), self.limits) as (files, bare_name):
            if bare_name is None:
                standard, _root = self.registry.for_package(files.names)
            else:
                standard = self.registry.for_root_file(bare_name)
            parsed = standard.parse(files, manifest_only=not check_files or bare_name is not None)
        return {"standard": parsed.standard, "edition": parsed.edition, "title": parsed.title,
                "launchables": [launchable_body(item) for item in parsed.launchables],
                "structure": parsed.structure}

    def courses(self, store_id: int) -> list[StoredCourse]:
        return self.storage.courses(store_id)

    def course(self, store_id: int, course_id: str) -> StoredCourse:
        """404 for an unknown or deleted course, or another store's."""
        course = self.storage.course(store_id, course_id)
        if course is None or course.deleted:
            raise NotFound(f"no course {course_id}")
        return course

    def delete_course(self, store_id: int, course_id: str) -> None:
        """Files removed, open sessions ended by the standard; registrations and statements stay."""
        course = self.course(store_id, course_id)
        if not self.storage.mark_course_deleted(store_id, course_id):
            raise NotFound(f"no course {course_id}")
        for session in self.storage.open_sessions_of_course(store_id, course_id):
            self._end(session, END_COURSE_DELETED, course)
        self.content.delete(course_id)

    # --- registrations ---------------------------------------------------------------------------

    def register(self, store_id: int, request: RegistrationRequest) -> RegistrationResult:
        """201 new; 200 the same registration again; 409 that id for another course or learner."""
        course = self.course(store_id, request.course_id)
        if course.standard == "cmi5" and not isinstance(request.learner.get("account"), dict):
            # cmi5 9.2: the actor is an Agent identified by an account.
            raise BadRequest("a registration on a cmi5 course needs a learner with an 'account' (cmi5 9.2)")
        registration = Registration(id=request.registration_id or str(uuid.uuid4()), store_id=store_id,
                                    course_id=course.id, learner=request.learner,
                                    learner_key=ifi_key(request.learner), created_ms=self.runtime.now_ms())
        stored = self.storage.add_registration(registration)
        if stored is registration:
            hook = getattr(self.registry.for_course(course.standard), "registration_created", None)
            if hook is not None:
                # A registration just stored has no records and no sessions yet: nothing to read.
                fresh = RegistrationState(course=course, registration=stored, items={}, sessions=(),
                                          record=RegistrationRecord(store_id, stored.id))
                try:
                    hook(fresh, self.runtime)
                except BaseException:
                    self.storage.remove_registration(store_id, stored.id)
                    raise
            return RegistrationResult(stored, created=True)
        if stored.course_id != registration.course_id or stored.learner_key != registration.learner_key:
            raise Conflict(f"registration {registration.id} exists for another course or learner")
        return RegistrationResult(stored, created=False)

    def registration(self, store_id: int, registration_id: str) -> Registration:
        registration = self.storage.registration(store_id, registration_id)
        if registration is None:
            raise NotFound(f"no registration {registration_id}")
        return registration

    def _state(self, store_id: int, registration_id: str, *, all_sessions: bool = False) -> RegistrationState:
        """Everything stored for the registration, read once per request (404 when there is none); its
        open sessions, or with `all_sessions` every one."""
        state = self.storage.registration_state(store_id, registration_id, all_sessions=all_sessions)
        if state is None:
            raise NotFound(f"no registration {registration_id}")
        return state

    def progress(self, store_id: int, registration_id: str) -> dict:
        state = self._state(store_id, registration_id, all_sessions=True)  # the answer lists every session
        registration, course = state.registration, state.course
        rollup = self.registry.for_course(course.standard).progress(state)
        items = []
        total_seconds = 0.0
        for launchable in course.launchables:
            record = state.item(launchable.id)
            total_seconds += record.total_seconds
            satisfied = record.satisfied if rollup.satisfied_items is None \
                else launchable.id in rollup.satisfied_items
            items.append({"launchable": launchable.id, "index": launchable.index, "title": launchable.title,
                          "completion": record.completion, "success": record.success, "score": record.score,
                          "satisfied": satisfied, "waived": record.waived, "attempts": record.attempts,
                          "lastLaunched": format_ms(record.last_launched_ms)
                          if record.last_launched_ms is not None else None})
        return {**registration_body(registration),
                "completion": rollup.completion, "success": rollup.success, "score": rollup.score,
                "totalTime": iso_duration(total_seconds), "satisfied": rollup.satisfied, "items": items,
                "blocks": [dict(block) for block in rollup.blocks],
                "sessions": [{"id": session.id, "launchable": session.launchable_id,
                              "launchedAt": format_ms(session.launched_ms), "state": session.state}
                             for session in state.sessions]}

    # --- launch ----------------------------------------------------------------------------------

    def _launchable(self, course: StoredCourse, choice: ItemChoice) -> Launchable | None:
        if choice.launchable_id is not None:
            found = course.launchable(choice.launchable_id)
            if found is None:
                raise NotFound(f"course {course.id} has no launchable '{choice.launchable_id}'")
            return found
        if choice.index is not None:
            if choice.index >= len(course.launchables):
                raise NotFound(f"course {course.id} has no launchable at index {choice.index}")
            return course.launchables[choice.index]
        return None

    def launch(self, store_id: int, registration_id: str, body: LaunchBody, *,
               known: RegistrationState | None = None) -> dict:
        """200 {url, session, launchMethod}; 404 unknown registration or item, or a deleted course;
        409 when the standard's rules do not allow the item (or nothing) now. `known`: the registration's
        state as the caller read it in this request (a player's navigate); its course and registration are
        kept, its records and sessions read again."""
        state = self._state(store_id, registration_id) if known is None else \
            self.storage.registration_state(store_id, registration_id, known=known)
        registration = state.registration
        if state.course.deleted:
            raise NotFound(f"the course of registration {registration_id} was deleted")
        named = self._launchable(state.course, body.choice)
        request = LaunchRequest(launchable_id=named.id if named else None, launch_mode=body.launch_mode,
                                return_url=body.return_url)
        standard = self.registry.for_course(state.course.standard)
        chosen = standard.choose(state, request, self.runtime)
        if state.course.launchable(chosen) is None:
            raise RuntimeError(f"the standard chose '{chosen}', which the course does not have")
        # One open session per registration: a new launch ends the others (cmi5 abandons them, and a
        # second tab on a SCORM item ends the first cleanly).
        for session in [session for session in state.sessions if session.state == "open"]:
            self._end(session, END_SUPERSEDED, state.course, state)
            # Ending may change the records (SCORM keeps the last commit): read those again, not the course.
            state = self.storage.registration_state(store_id, registration_id, known=state)
        token = new_token()
        session = Session(id=str(uuid.uuid4()), store_id=store_id, registration_id=registration.id,
                          course_id=state.course.id, launchable_id=chosen, launch_mode=body.launch_mode,
                          return_url=body.return_url, state="open", launched_ms=self.runtime.now_ms())
        self.storage.add_session(session, launch_token_hash=token_digest(token),
                                 launch_token_expires_ms=self.runtime.launch_token_expiry_ms())
        try:
            launch = standard.launch(replace(state, sessions=(*state.sessions, session)), session, token,
                                     request, self.runtime)
        except BaseException:
            self.storage.remove_session(store_id, session.id)
            raise
        return {"url": launch.url, "session": session.id, "launchMethod": launch.launch_method}

    def waive(self, store_id: int, registration_id: str, body: WaiveBody) -> None:
        state = self._state(store_id, registration_id)
        if state.course.deleted:
            raise NotFound(f"the course of registration {registration_id} was deleted")
        launchable = self._launchable(state.course, body.choice)
        self.registry.for_course(state.course.standard).waive(state, launchable.id, body.reason, self.runtime)

    def abandon(self, store_id: int, session_id: str) -> None:
        """204; 404 unknown session; 409 one already ended or abandoned."""
        session = self.storage.session(store_id, session_id)
        if session is None:
            raise NotFound(f"no session {session_id}")
        if session.state != "open":
            raise Conflict(f"session {session_id} has already {session.state}")
        course = self.storage.course(store_id, session.course_id)
        if not self._end(session, END_ABANDON, course):
            raise Conflict(f"session {session_id} has already ended")

    def _end(self, session: Session, reason: str, course: StoredCourse | None,
             state: RegistrationState | None = None) -> bool:
        """The standard writes what ending means, then the session is closed; False when someone else
        closed it meanwhile. A standard that fails still gets its session closed (logged). `state`: the
        registration's, when the caller has just read it."""
        final_state = "abandoned" if reason == END_ABANDON else "ended"
        try:
            standard = self.registry.for_course(course.standard) if course else None
            if standard is not None:
                state = state or self._state(session.store_id, session.registration_id)
                final_state = standard.end_session(state, session, reason, self.runtime)
        except Exception:
            if reason == END_ABANDON:
                raise
            log.exception("ending session %s (%s) failed in its standard; closing it anyway", session.id, reason)
        return self.storage.end_session(session.store_id, session.id, final_state, self.runtime.now_ms())
