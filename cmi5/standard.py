"""The cmi5 `delivery.standard.Standard` (docs/adr/005): import, registration-time satisfaction, launch
(LaunchData, `launched`, the URL), abandon, waive and progress. Statements and LaunchData go through
delivery's runtime into the registration's store, under the authority "cmi5"."""
from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Sequence

import orjson

from delivery.errors import NotAllowed, StaleRecord
from delivery.standard import CourseProgress, Launch, LaunchRequest, RegistrationState, Session
from lrs.xapi.agents import ifi_key
from lrs.xapi.documents import DocumentAddress, DocumentKind, DocumentScope

from cmi5 import statements as lms_statements
from cmi5.au_session import ABANDONED_MARK
from cmi5.identifiers import au_activity_id
from cmi5.launch import au_base_url, launch_data, launch_url
from cmi5.satisfaction import mark_written, newly_satisfied, satisfied_aus, satisfied_statements
from cmi5.vocabulary import LAUNCH_DATA_STATE_ID

if TYPE_CHECKING:
    from delivery.course import ParsedCourse
    from delivery.package import PackageFiles
    from delivery.runtime import DeliveryRuntime

RUNTIME_NAME = "cmi5"  # the authority LMS statements are written under (DeliveryRuntime.principal)
_CLAIM_ATTEMPTS = 8


def iso_seconds(milliseconds: int) -> str:
    """An ISO 8601 duration in seconds, to the millisecond (cmi5 9.5.4)."""
    whole, rest = divmod(max(0, milliseconds), 1000)
    return f"PT{whole}.{rest:03d}S" if rest else f"PT{whole}S"


def launch_data_address(activity_id: str, actor: dict, registration_id: str) -> DocumentAddress:
    """cmi5 10.1: the State API address of LMS.LaunchData."""
    return DocumentAddress(DocumentScope(DocumentKind.STATE, activity_id=activity_id, agent_key=ifi_key(actor),
                                         registration=registration_id), LAUNCH_DATA_STATE_ID)


class Cmi5Standard:
    root_file = "cmi5.xml"
    course_standards = ("cmi5",)

    # --- import ------------------------------------------------------------------------------------

    def parse(self, files: PackageFiles, *, manifest_only: bool) -> ParsedCourse:
        from cmi5.course_structure import parse_course
        return parse_course(files, manifest_only=manifest_only)

    # --- registration ------------------------------------------------------------------------------

    def registration_created(self, state: RegistrationState, runtime: DeliveryRuntime) -> RegistrationState:
        """cmi5 9.6.1: moveOn is evaluated when the registration is made: AUs with moveOn NotApplicable
        are satisfied, and the block and course `satisfied` statements this decides are written now, with
        a fresh session id (9.3.9). Idempotent: the registration record remembers it was done."""
        return self._evaluate_registration(state, runtime)

    def _evaluate_registration(self, state: RegistrationState, runtime: DeliveryRuntime) -> RegistrationState:
        if state.record.data.get("evaluated"):
            return state
        course_runtime = state.course.runtime
        satisfaction = newly_satisfied(course_runtime, satisfied_aus(course_runtime, state.items), state.record.data)
        # NotApplicable AUs need no record: moveOn NotApplicable is satisfied from the start (13.1.4), and
        # progress says so through CourseProgress.satisfied_items (cmi5.progress).
        try:
            _, record = runtime.save_records((), mark_written(state.record, satisfaction, evaluated=True))
        except StaleRecord:  # someone else evaluated it meanwhile: theirs stands
            return replace(state, record=runtime.registration_record(state.registration.store_id,
                                                                     state.registration.id))
        written = satisfied_statements(state, satisfaction, str(uuid.uuid4()), runtime.now_ms())
        if written:
            runtime.store_statements(state.registration.store_id, written, runtime_name=RUNTIME_NAME)
        return replace(state, record=record)

    # --- launch ------------------------------------------------------------------------------------

    def choose(self, state: RegistrationState, request: LaunchRequest, runtime: DeliveryRuntime) -> str:
        if request.launchable_id is not None:
            return request.launchable_id
        # launch-api.md, Launch: cmi5 continue is the last launched AU, else the first.
        launched = [record for record in state.items.values() if record.last_launched_ms]
        if launched:
            return max(launched, key=lambda record: record.last_launched_ms or 0).launchable_id
        return state.course.launchables[0].id

    def launch(self, state: RegistrationState, session: Session, launch_token: str, request: LaunchRequest,
               runtime: DeliveryRuntime) -> Launch:
        """Delivery has abandoned the registration's open sessions (end_session) and stored this one.
        LaunchData and `launched` are written before the URL is returned (cmi5 10.1, 9.3.1)."""
        from cmi5.fetch import fetch_url
        from delivery.runtime import token_digest
        state = self._evaluate_registration(state, runtime)  # 9.6.1 satisfied statements precede any launched
        course, registration = state.course, state.registration
        au_id = session.launchable_id
        au = course.runtime["aus"][au_id]
        activity_id = au_activity_id(course.id, au_id)
        actor = lms_statements.actor_of(registration.learner)
        document = launch_data(au, session_id=session.id, publisher_id=au_id, launch_mode=session.launch_mode,
                               return_url=session.return_url)
        runtime.put_document(registration.store_id, launch_data_address(activity_id, actor, registration.id),
                             orjson.dumps(document), "application/json", runtime_name=RUNTIME_NAME)
        base_url = au_base_url(au, lambda path: runtime.content_url(course.id, path))
        launched = lms_statements.launched(actor, registration.id, session.id, activity_id, au_id,
                                           launch_mode=session.launch_mode, launch_url=base_url, move_on=au["moveOn"],
                                           mastery_score=au.get("masteryScore"),
                                           launch_parameters=au.get("launchParameters"), at_ms=session.launched_ms)
        runtime.store_statements(registration.store_id, [launched], runtime_name=RUNTIME_NAME)
        record = state.item(au_id)
        # The session's data and the AU's record in one transaction; None: a launch that raced this one
        # abandoned the session already (delivery then removes it: launch again).
        if runtime.claim_session_data(session, {
                "activityId": activity_id, "publisherId": au_id, "courseId": course.id, "actor": actor,
                "moveOn": au["moveOn"], "masteryScore": au.get("masteryScore"),
                "contextTemplate": document["contextTemplate"], "launchUrl": base_url,
                "fetchKey": token_digest(launch_token)},
                items=[replace(record, attempts=record.attempts + 1, last_launched_ms=session.launched_ms)]) is None:
            raise StaleRecord(f"session {session.id} ended while it was being launched; launch again")
        url = launch_url(base_url, endpoint=f"{runtime.public_url}/xapi",
                         fetch=fetch_url(runtime.public_url, session.id, launch_token), actor=actor,
                         registration_id=registration.id, activity_id=activity_id)
        return Launch(url=url, launch_method=au["launchMethod"])

    # --- sessions ----------------------------------------------------------------------------------

    def end_session(self, state: RegistrationState, session: Session, reason: str,
                    runtime: DeliveryRuntime) -> str:
        """cmi5 9.3.6: an open session the LMS ends (a new launch, POST /sessions/{id}/abandon, the course
        deleted) is abandoned, with one `abandoned` statement whose duration is the session's time
        (9.5.4.2: launched to the AU's last statement when the LRS has recorded it, else to now). That time
        is added to the AU's total (launch-api.md totalTime "summed over every attempt and session"; cmi5 3
        "Session": from the launch "until its termination (or abandonment)").

        The abandonment is claimed on the session's data first (with the time, in one transaction), so the
        AU's requests stop at once (cmi5.lrs_policy reads the mark) and a retried abandon neither adds the
        time twice nor writes a second `abandoned` (its id is the session's: 9.3 "MUST NOT issue more than
        one")."""
        if "activityId" not in session.data:  # the launch never finished: nothing was handed out
            return "abandoned"
        for _ in range(_CLAIM_ATTEMPTS):
            data = session.data
            if (data.get("rules") or {}).get("terminated"):
                return "ended"  # its terminated was accepted (9.3.8): the session ended, nothing to abandon
            mark = data.get(ABANDONED_MARK)
            if mark is None:
                now = runtime.now_ms()
                last = data.get("lastStatementMs")
                mark = {"atMs": now, "durationMs": max(0, (last if isinstance(last, int) and last >= session.launched_ms
                                                           else now) - session.launched_ms)}
                claimed = runtime.claim_session_data(session, {**data, ABANDONED_MARK: mark},
                                                     add_seconds=mark["durationMs"] / 1000)
                if claimed is None:  # an AU request changed the session meanwhile, or it ended
                    session = runtime.find_session(session.id)
                    if session is None or session.state != "open":
                        return "abandoned"  # someone else ended it: delivery finds it closed
                    continue
            statement = lms_statements.abandoned(data["actor"], session.registration_id, session.id,
                                                 data["activityId"], session.launchable_id,
                                                 duration=iso_seconds(mark["durationMs"]), at_ms=mark["atMs"])
            statement["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:cmi5:abandoned:{session.id}"))
            runtime.store_statements(session.store_id, [statement], runtime_name=RUNTIME_NAME)
            return "abandoned"
        raise StaleRecord(f"the AU's requests kept changing session {session.id}; abandon it again")

    # --- waive -------------------------------------------------------------------------------------

    def waive(self, state: RegistrationState, launchable_id: str, reason: str, runtime: DeliveryRuntime) -> None:
        """cmi5 9.3.7: `waived` with a new session id, at most once per AU in a registration (409), and the
        block and course `satisfied` statements it decides, with the same session id (9.3.7 allows them)."""
        state = self._evaluate_registration(state, runtime)
        record = state.item(launchable_id)
        if record.waived:
            raise NotAllowed(f"AU '{launchable_id}' is already waived in this registration (cmi5 9.3.7)")
        course, registration = state.course, state.registration
        item = replace(record, waived=True, satisfied=True)
        items = {**state.items, launchable_id: item}
        satisfaction = newly_satisfied(course.runtime, satisfied_aus(course.runtime, items), state.record.data)
        # The record is claimed first (its version): a concurrent waive of the same AU gets 409.
        runtime.save_records([item], mark_written(state.record, satisfaction) if satisfaction else None)
        session_id = str(uuid.uuid4())
        now = runtime.now_ms()
        actor = lms_statements.actor_of(registration.learner)
        waived = lms_statements.waived(actor, registration.id, session_id, au_activity_id(course.id, launchable_id),
                                       launchable_id, reason=reason, at_ms=now)
        runtime.store_statements(registration.store_id, [waived, *satisfied_statements(state, satisfaction,
                                                                                       session_id, now)],
                                 runtime_name=RUNTIME_NAME)

    # --- progress ----------------------------------------------------------------------------------

    def progress(self, state: RegistrationState) -> CourseProgress:
        from cmi5.progress import course_progress
        return course_progress(state)

    def blueprints(self) -> Sequence[Any]:
        from cmi5.fetch import blueprint
        return [blueprint]
