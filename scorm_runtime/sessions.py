"""The SCORM run-time use cases behind the player's calls (docs/scorm-player-protocol.md): start, commit,
terminate, navigate, request-valid, and ending a session with its last commit. No Flask.

Where things live:
- the item record (delivery.standard.ItemRecord) holds the summary columns progress reads and, in
  `data`, the current attempt: its id, number, CMI state and whether it is suspended, plus every
  attempt IRI (the profile's activity state) and the 1.2 lesson_status prerequisites read;
- the session's `data` holds the attempt it belongs to, the course's standard and the reportable
  values as it started, so its end statements report only what changed
  (scorm_runtime.statements.session_end_statements);
- the registration record holds what SCOs share: 2004 global objectives and adl.data stores
  (scorm_runtime.global_data).
Statements and the profile's state documents go to the registration's store through delivery, under
the authority "scorm_runtime".
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

import orjson

from delivery.errors import BadRequest, NotAllowed, NotFound, SessionEnded, StaleRecord, Unauthorized
from delivery.runtime import DeliveryRuntime
from delivery.standard import ItemRecord, LaunchRequest, RegistrationState, Session
from lrs.xapi.agents import ifi_key
from lrs.xapi.documents import DocumentAddress, DocumentKind, DocumentScope
from scorm_runtime import cmi, global_data, outcomes, prerequisites
from scorm_runtime import statements as xs
from scorm_runtime import sequencing as sn
from scorm_runtime.course_data import activity_tree, depths, item_runtime, scorm_type, sequenced
from scorm_runtime.standard import RUNTIME_NAME, SequencingRefused, lesson_status, tracking_of, with_tracking

_SAVE_ATTEMPTS = 5  # optimistic concurrency: re-read and re-apply this often before giving up (409)
NAVIGATION_REQUESTS = ("continue", "previous", "choice", "jump", "exit", "exitAll", "suspendAll", "abandon",
                       "abandonAll")  # SN 4.4.1 (jump: 4th Edition); 1.2 and unsequenced: the first seven


@dataclass(frozen=True)
class RuntimeSettings:
    # Every CMI string is stored up to this many characters (SPMs are minimums, not caps; issue 11).
    # Above it the element is rejected with the data model's error (1.2: 405, 2004: 406) and nothing changes.
    max_characters: int = 64_000
    commit_interval_seconds: int = 30

    @classmethod
    def from_settings(cls, settings) -> "RuntimeSettings":
        """From lrs.settings.Settings (LRS_SCORM_MAX_CHARACTERS, LRS_SCORM_COMMIT_INTERVAL_SECONDS)."""
        return cls(max_characters=settings.scorm_max_characters,
                   commit_interval_seconds=settings.scorm_commit_interval_seconds)


# --- identity -----------------------------------------------------------------------------------------

def learner_id(agent: dict) -> str:
    """launch-api.md, SCORM specifics, Learner: account.name, else the identifier's value."""
    account = agent.get("account")
    if isinstance(account, dict) and account.get("name"):
        return str(account["name"])
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if agent.get(key):
            return str(agent[key])
    return ""


def course_iri(public_url: str, course_id: str) -> str:
    return f"{public_url}/api/v1/courses/{course_id}"


def lesson_iri(public_url: str, course_id: str, launchable_id: str) -> str:
    # xAPI SCORM Profile 3.2, Activity IRI: SCO IRIs are `<courseIRI>/<sco path>`.
    return f"{course_iri(public_url, course_id)}/items/{quote(launchable_id, safe='')}"


def attempt_context(runtime: DeliveryRuntime, state: RegistrationState, session: Session,
                    attempt_id: str) -> xs.AttemptContext:
    launchable = state.course.launchable(session.launchable_id)
    return xs.AttemptContext(
        learner=state.registration.learner, registration_id=state.registration.id,
        course_iri=course_iri(runtime.public_url, state.course.id), course_title=state.course.title,
        lesson_iri=lesson_iri(runtime.public_url, state.course.id, session.launchable_id),
        lesson_title=launchable.title if launchable else session.launchable_id,
        attempt_id=attempt_id, session_id=session.id)


# --- what the page loads ---------------------------------------------------------------------------------

def content_url(runtime: DeliveryRuntime, course_id: str, item: dict) -> str:
    """The SCO's URL with the item's parameters, as cam/ joined them (SCORM CAM 3.4.3.3): an http(s)
    href as it is, a package href under the course's content folder."""
    launch = item.get("launchUrl") or item.get("href") or ""
    if urlsplit(launch).scheme.lower() in ("http", "https"):
        return launch
    # Written hrefs may hold spaces or other characters a URL must escape; existing escapes are kept.
    return runtime.content_url(course_id, "") + quote(launch, safe="/?&=#%:;,+@!$'()*~")


def _allowed_by_prerequisites(state: RegistrationState, launchable_id: str) -> bool:
    if state.course.standard != "scorm12":
        return True
    expression = item_runtime(state.course, launchable_id).get("prerequisites")
    if not expression:
        return True
    statuses = {item_id: lesson_status(record) for item_id, record in state.items.items()}
    known = {launchable.id for launchable in state.course.launchables} | set(depths(state.course))
    return prerequisites.allowed(expression, statuses, known=known.__contains__)


def table_of_contents(state: RegistrationState, current: str, tracking=None) -> list[dict]:
    """`tracking`: the registration's tracking model when the caller has parsed it already (read only here)."""
    if sequenced(state.course) and state.record.data.get("sequencing"):
        return _sequenced_toc(state, current, tracking)
    depth_of = depths(state.course)
    return [{"launchable": launchable.id, "index": launchable.index, "title": launchable.title,
             "depth": depth_of.get(launchable.id, 0), "current": launchable.id == current,
             "enabled": _allowed_by_prerequisites(state, launchable.id)}
            for launchable in state.course.launchables]


def _neighbour(state: RegistrationState, current: str, step: int) -> str | None:
    """Flow in tree order (SCORM 1.2 and courses without sequencing: flow and choice in tree order)."""
    ids = [launchable.id for launchable in state.course.launchables]
    if current not in ids:
        return None
    position = ids.index(current) + step
    return ids[position] if 0 <= position < len(ids) else None


def _sequenced_toc(state: RegistrationState, current: str, tracking=None) -> list[dict]:
    """The launchables as the engine's look-ahead sees them (issue 13: the table of contents shows what is
    visible and enabled; SN 5.3 lets the LMS validate a Choice before it is made)."""
    choices = sn.toc_choices(activity_tree(state.course), tracking or tracking_of(state.record))
    toc = []
    for launchable in state.course.launchables:
        depth, visible, enabled, refusal = choices.get(launchable.id) or (1, True, False, None)
        toc.append({"launchable": launchable.id, "index": launchable.index, "title": launchable.title,
                    "depth": max(0, depth - 1), "current": launchable.id == current,
                    "enabled": enabled and visible, "visible": visible, "refusal": refusal})
    return toc


def navigation(state: RegistrationState, current: str, tracking=None) -> dict:
    """`tracking` as for table_of_contents."""
    if sequenced(state.course) and state.record.data.get("sequencing"):
        valid = sn.valid_requests(activity_tree(state.course), tracking or tracking_of(state.record))
        return {"continue": bool(valid.get("continue")), "previous": bool(valid.get("previous"))}
    moves = {}
    for direction, step in (("continue", 1), ("previous", -1)):
        # 1.2: an item its prerequisites do not allow yet is no move (as toc[].enabled and request-valid).
        neighbour = _neighbour(state, current, step)
        moves[direction] = neighbour is not None and _allowed_by_prerequisites(state, neighbour)
    return moves


# --- records ------------------------------------------------------------------------------------------

def _attempt_summary(attempt: dict, record: ItemRecord) -> dict:
    """What is kept of an attempt once the next one starts (issue 11: keep every attempt)."""
    values = cmi.flat_values(attempt.get("cmi") or {})
    return {"id": attempt.get("id"), "number": attempt.get("number"), "completion": record.completion,
            "success": record.success, "score": record.score,
            "totalTime": values.get("cmi.core.total_time") or values.get("cmi.total_time")}


def _with_summary(record: ItemRecord, version: str, cmi_state: dict) -> ItemRecord:
    """The summary columns progress reads (launch-api.md, Registrations), from rte's summary. A
    no-credit session (Browse, Review) leaves them as they were (SCORM 2004 RTE 4.2.5 cmi.credit)."""
    if (cmi.flat_values(cmi_state).get("cmi.core.credit") or cmi.flat_values(cmi_state).get("cmi.credit")) \
            == "no-credit":
        return record
    summary = cmi.summary(cmi_state)
    data = dict(record.data)
    if version == "scorm12":
        data["lessonStatus"] = cmi.flat_values(cmi_state).get("cmi.core.lesson_status") or "not attempted"
    return replace(record, completion=summary.completion, success=summary.success, score=summary.score,
                   satisfied=summary.satisfied, data=data)


_REPORTED_PREFIXES = ("cmi.interactions.", "cmi.comments", "cmi.core.lesson_status", "cmi.core.score.",
                      "cmi.completion_status", "cmi.success_status", "cmi.score.")


def _reported(values: dict[str, str]) -> dict[str, str]:
    """The values statements are made of (not suspend_data or location): kept with the session."""
    return {name: value for name, value in values.items() if name.startswith(_REPORTED_PREFIXES)}


def _write_statements(runtime: DeliveryRuntime, store_id: int, statements: list[dict]) -> None:
    if statements:
        runtime.store_statements(store_id, statements, runtime_name=RUNTIME_NAME)


def _put_state_document(runtime: DeliveryRuntime, store_id: int, *, activity_id: str, agent: dict,
                        registration: str, state_id: str, document: dict) -> None:
    address = DocumentAddress(DocumentScope(kind=DocumentKind.STATE, activity_id=activity_id,
                                            agent_key=ifi_key(agent) or "", registration=registration),
                              state_id)
    runtime.put_document(store_id, address, orjson.dumps(document), "application/json", runtime_name=RUNTIME_NAME)


# --- start --------------------------------------------------------------------------------------------------

def start(runtime: DeliveryRuntime, session_id: str, launch_token: str, settings: RuntimeSettings) -> dict:
    """POST /player/api/sessions/{session}/start: redeems the one-time launch token, ends any other open
    session of the item (a second tab), starts or resumes the attempt and writes `initialized` or
    `resumed`."""
    if not isinstance(launch_token, str) or not launch_token:
        raise BadRequest("launchToken is required")
    redeemed = runtime.redeem_launch_token(launch_token)
    session = redeemed.session
    if session.id != session_id:
        raise Unauthorized("this launch token belongs to another session")
    state = runtime.state(session)
    for other in state.sessions:
        # Opening the same item in a second tab ends the first session cleanly (issue 11, Runtime).
        if other.state == "open" and other.id != session.id and other.launchable_id == session.launchable_id:
            end_with_last_commit(runtime, other, state=state, mark_ended=True)
            state = runtime.state(session, known=state)  # its last commit changed the records
    version = state.course.standard
    item = item_runtime(state.course, session.launchable_id)
    is_asset = scorm_type(state.course, session.launchable_id) == "asset"
    launch_mode = session.launch_mode.lower()
    if launch_mode == "review":
        return _start_review(runtime, redeemed.session_token, state, session, item, is_asset, settings)
    now = runtime.now_ms()
    for _ in range(_SAVE_ATTEMPTS):
        record = state.item(session.launchable_id)
        attempt = dict(record.data.get("attempt") or {})
        resuming = bool(attempt.get("suspended")) and not attempt.get("ended")
        sequencing_attempt = _sequencing_attempt(state, session)
        if sequencing_attempt is not None and attempt.get("sequencingAttempt", sequencing_attempt) != sequencing_attempt:
            # Sequencing began a new attempt on the activity (retry, a new course attempt): SN DB.2, RTE 4.2.7
            # cmi.entry ab-initio, even though the SCO's last session ended suspended.
            resuming = False
        past = record.data.get("pastAttempts", [])
        if resuming:
            entry, attempts = "resume", record.attempts
        else:
            # 1.2 RTE 3.4.2 cmi.core.entry: "" once the SCO was accessed before; 2004 RTE 4.2.7: a new attempt is ab-initio.
            entry = "" if version == "scorm12" and record.attempts else "ab-initio"
            if attempt.get("id"):
                past = [*record.data.get("pastAttempts", []), _attempt_summary(attempt, record)]
            # Browse and Review (no-credit) sessions are not learner attempts (launch-api.md, attempts).
            attempts = record.attempts + 1 if launch_mode == "normal" else record.attempts
            attempt = {"id": str(uuid.uuid4()), "number": record.attempts + 1}
        inputs = cmi.launch_inputs(
            version, item, learner_id=learner_id(state.registration.learner),
            learner_name=str(state.registration.learner.get("name") or ""), entry=entry,
            credit="credit" if launch_mode == "normal" else "no-credit", mode=launch_mode,
            previous=attempt.get("cmi") if resuming else None, shared=state.record.data)
        cmi_state = cmi.initial_state(version, inputs)
        attempt.update(cmi=cmi_state, suspended=False, ended=False, sessionId=session.id)
        if sequencing_attempt is not None:
            attempt["sequencingAttempt"] = sequencing_attempt
        data = dict(record.data, attempt=attempt, pastAttempts=past)
        ctx = attempt_context(runtime, state, session, attempt["id"])
        if not resuming:
            data["attemptIris"] = [*record.data.get("attemptIris", []), ctx.attempt_iri]
        flat = cmi.flat_values(cmi_state)
        updated = replace(record, attempts=attempts, last_launched_ms=record.last_launched_ms or now, data=data)
        if is_asset:
            # An asset has no API: delivering it completes it (SCORM 2004 SN, Content Delivery Environment).
            updated = replace(updated, completion="completed", satisfied=True)
        elif not resuming and launch_mode == "normal":
            updated = _with_summary(updated, version, cmi_state)
        try:
            runtime.save_records([updated])
            break
        except StaleRecord:
            state = runtime.state(session, known=state)
    else:
        raise StaleRecord("the item record kept changing; start again")
    session = runtime.save_session_data(session, {"attemptId": attempt["id"], "entry": entry, "standard": version,
                                                  "before": _reported(flat), "startedMs": now})
    if not is_asset:
        statement = xs.resumed(ctx, now) if resuming else xs.initialized(ctx, now)
        _write_statements(runtime, session.store_id, [statement])
        if not resuming:
            _put_state_document(runtime, session.store_id, activity_id=ctx.lesson_iri,
                                agent=state.registration.learner, registration=state.registration.id,
                                state_id=xs.ACTIVITY_STATE_ID, document=xs.activity_state(data["attemptIris"]))
    return _started(runtime, redeemed.session_token, state, session, item, is_asset, cmi_state, settings)


def _sequencing_attempt(state: RegistrationState, session: Session) -> int | None:
    """The engine's attempt count on the session's activity (SN 4.2.1 Activity Attempt Count), or None when
    the course is not sequenced or the launch is not Normal."""
    if not sequenced(state.course) or session.launch_mode != "Normal":
        return None
    return sn.Tracking.attempt_count_in(state.record.data.get("sequencing"), session.launchable_id)


def _started(runtime: DeliveryRuntime, session_token: str, state: RegistrationState, session: Session,
             item: dict, is_asset: bool, cmi_state: dict, settings: RuntimeSettings) -> dict:
    """What start answers: the page's session token, the SCO's data and URL, the table of contents."""
    launchable = state.course.launchable(session.launchable_id)
    # The look-ahead only reads the tracking model: parsed once for the table of contents and the flags.
    tracking = tracking_of(state.record) if sequenced(state.course) and state.record.data.get("sequencing") \
        else None
    return {
        "sessionToken": session_token,
        "standard": state.course.standard,
        "cmi": cmi.for_browser(cmi_state),
        "content": {"url": content_url(runtime, state.course.id, item),
                    "title": launchable.title if launchable else session.launchable_id,
                    "scormType": "asset" if is_asset else "sco"},
        "toc": table_of_contents(state, session.launchable_id, tracking),
        "navigation": navigation(state, session.launchable_id, tracking),
        "settings": {"commitIntervalSeconds": settings.commit_interval_seconds,
                     "maxStringLength": settings.max_characters},
    }


def _start_review(runtime: DeliveryRuntime, session_token: str, state: RegistrationState, session: Session,
                  item: dict, is_asset: bool, settings: RuntimeSettings) -> dict:
    """launchMode Review: the last attempt's data as it stands, no-credit (2004 RTE 4.2.16 cmi.mode "review":
    presented without recording anything; 1.2 RTE 3.4.2 cmi.core.lesson_mode). The item record is not
    touched, no statement is written; the session keeps its own copy for checking commits."""
    version = state.course.standard
    attempt = state.item(session.launchable_id).data.get("attempt") or {}
    inputs = cmi.launch_inputs(
        version, item, learner_id=learner_id(state.registration.learner),
        learner_name=str(state.registration.learner.get("name") or ""), entry="", credit="no-credit",
        mode="review", previous=attempt.get("cmi"), shared=state.record.data)
    cmi_state = cmi.review_state(version, inputs)
    session = runtime.save_session_data(session, {"review": True, "standard": version, "cmi": cmi_state,
                                                  "attemptId": attempt.get("id"), "startedMs": runtime.now_ms()})
    return _started(runtime, session_token, state, session, item, is_asset, cmi_state, settings)


# --- commit -------------------------------------------------------------------------------------------------

def _authenticated(runtime: DeliveryRuntime, session_id: str, session_token, *,
                   allow_ended: bool = False) -> Session:
    _check_token(session_token)
    session = runtime.authenticate(session_token, allow_ended=allow_ended)
    _check_session_id(session, session_id)
    return session


def _check_token(session_token) -> None:
    if not isinstance(session_token, str) or not session_token:
        raise Unauthorized("sessionToken is required")


def _check_session_id(session: Session, session_id: str) -> None:
    if session.id != session_id:
        raise Unauthorized("this session token belongs to another session")


def _owns(record: ItemRecord, session: Session) -> bool:
    """Whether the session still owns the item's current attempt (another launch may have taken it up)."""
    attempt = record.data.get("attempt") or {}
    return attempt.get("id") == session.data.get("attemptId") and attempt.get("sessionId") == session.id


def _check_values(values) -> dict[str, str]:
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise BadRequest("cmi must be an object of element names to values")
    checked = {}
    for name, value in values.items():
        if not isinstance(name, str) or not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise BadRequest(f"cmi element {name!r} must have a string value")
        checked[name] = value if isinstance(value, str) else str(value)
    return checked


def _apply(runtime: DeliveryRuntime, session: Session, values: dict[str, str], settings: RuntimeSettings, *,
           record: ItemRecord | None = None) -> tuple[ItemRecord | None, list[cmi.Rejected]]:
    """Applies a commit to the attempt's CMI data and saves it with the new summary (optimistic). A review
    session's commit is checked against the data model and stored nowhere (2004 RTE 4.2.16). `record`: the
    item record as just read with the session (read here otherwise, and again after a StaleRecord)."""
    if session.data.get("review"):
        _, rejected = cmi.apply_commit(session.data["cmi"], values, max_characters=settings.max_characters)
        return None, rejected
    # A commit reads the one record it changes (not the whole registration): commits are the hot path.
    version = session.data.get("standard") or runtime.state(session).course.standard
    for _ in range(_SAVE_ATTEMPTS):
        if record is None:
            record = runtime.item_record(session.store_id, session.registration_id, session.launchable_id)
        if not _owns(record, session):
            raise SessionEnded(f"session {session.id} no longer owns its attempt (another launch took it up)")
        if not values:
            return record, []
        attempt = dict(record.data["attempt"])
        new_state, rejected = cmi.apply_commit(attempt["cmi"], values, max_characters=settings.max_characters)
        attempt["cmi"] = new_state
        updated = _with_summary(replace(record, data=dict(record.data, attempt=attempt)), version, new_state)
        try:
            saved, _ = runtime.save_records([updated])
            return saved[0], rejected
        except StaleRecord:
            record = None
    raise StaleRecord("the item record kept changing; commit again")


def commit(runtime: DeliveryRuntime, session_id: str, session_token, values, settings: RuntimeSettings) -> dict:
    """POST .../commit: validates each element; rejected elements change nothing (RTE: LMSSetValue /
    SetValue errors are the data model's codes)."""
    _check_token(session_token)
    session, record = runtime.authenticate_with_item(session_token)  # one read: the session and its record
    _check_session_id(session, session_id)
    _, rejected = _apply(runtime, session, _check_values(values), settings, record=record)
    return {"rejected": [rejection.to_json() for rejection in rejected]}


# --- ending a session -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Navigated:
    """A navigation request the engine processed: its outcome, the refusal an Exit followed (None when it was
    accepted), and the course rollup before and after it."""
    outcome: sn.Outcome
    refusal: sn.Outcome | None
    before: dict
    after: dict
    current: str | None  # the Current Activity after it


@dataclass(frozen=True)
class _Finished:
    state: RegistrationState | None  # the registration with the records as saved; None when nothing was saved
    navigated: _Navigated | None = None


def _finish(runtime: DeliveryRuntime, session: Session, *, force_suspend: bool = False,
            state: RegistrationState | None = None, end: bool = False,
            navigation: tuple[str, str | None] | None = None) -> _Finished:
    """Ends the attempt or suspends it by cmi.exit (1.2 cmi.core.exit), adds session_time into total_time,
    and writes the session's statements. The session must already be marked ended (or be about to be,
    by delivery), unless `end`: then this marks it ended, in the same transaction as the records (SessionEnded
    when someone else ended it first). A review session has nothing to report. Returns the registration's
    state with the records as saved here (a navigate goes on from it without reading them again).

    `navigation` (request, target): the navigation request that came with the session's end. When the
    session's report reached the tracking model, the request goes through the engine on that model at once
    (SN: the SCO's data is applied before its navigation request), a refused one followed by Exit, and the
    tracking model is saved once, with the item record; the course statements of both go with the session's."""
    if session.data.get("review"):
        _end_alone(runtime, session, end)
        return _Finished(None)
    state = state or runtime.state(session)
    version = state.course.standard
    is_asset = scorm_type(state.course, session.launchable_id) == "asset"
    now = runtime.now_ms()
    for _ in range(_SAVE_ATTEMPTS):
        record = state.item(session.launchable_id)
        if not _owns(record, session):
            _end_alone(runtime, session, end)
            return _Finished(None)  # another session took the attempt over; this one has nothing left to report
        attempt = dict(record.data["attempt"])
        before_values = cmi.flat_values(attempt["cmi"])
        ending = cmi.finish_session(attempt["cmi"], suspend=force_suspend)
        suspending = not ending.attempt_ended
        finished = ending.state.to_json()
        attempt.update(cmi=finished, suspended=suspending, ended=not suspending, sessionId=None)
        updated = replace(record, total_seconds=record.total_seconds + ending.session_seconds,
                          data=dict(record.data, attempt=attempt))
        if not is_asset:  # an asset's completion was set when it was delivered; it has no CMI data
            updated = _with_summary(updated, version, finished)
        shared = None
        if version == "scorm2004" and not is_asset:
            shared = _with_shared_data(state, session.launchable_id, before_values)
        rollups = navigated = None
        if sequenced(state.course):
            shared, rollups, tracking = _reported_to_sequencing(state, session, shared, before_values,
                                                                ending.session_seconds, suspend=suspending,
                                                                is_asset=is_asset)
            if navigation is not None and tracking is not None:
                shared, navigated = _sequence_request(activity_tree(state.course), tracking, shared, *navigation,
                                                      exit_on_refusal=True)
        try:
            saved_items, saved_record = runtime.save_records([updated], shared, ending=session if end else None)
            break
        except StaleRecord:
            state = runtime.state(session, known=state)
    else:
        raise StaleRecord("the item record kept changing; try again")
    saved = replace(state.with_item(saved_items[0]), record=saved_record or state.record)
    ctx = attempt_context(runtime, state, session, attempt["id"])
    course = xs.course_statements(ctx, now, *rollups) if rollups else []
    if navigated is not None:
        course += xs.course_statements(ctx, runtime.now_ms(), navigated.before, navigated.after)
    if is_asset:
        _write_statements(runtime, session.store_id, course)
        return _Finished(saved, navigated)
    before = outcomes.snapshot_of(version, session.data.get("before") or {})
    after = outcomes.snapshot_of(version, before_values)
    _write_statements(runtime, session.store_id,
                      xs.session_end_statements(ctx, now, before, after, suspended_=suspending) + course)
    values = cmi.flat_values(finished)
    names = _ATTEMPT_STATE_ELEMENTS[version]
    _put_state_document(runtime, session.store_id, activity_id=ctx.attempt_iri, agent=state.registration.learner,
                        registration=state.registration.id, state_id=xs.ATTEMPT_STATE_ID,
                        document=xs.attempt_state(preferences=None, **{name: values.get(element)
                                                                       for name, element in names.items()}))
    return _Finished(saved, navigated)


def _end_alone(runtime: DeliveryRuntime, session: Session, end: bool) -> None:
    """_finish's `end` when it saves nothing."""
    if end and not runtime.end_session(session, "ended"):
        raise SessionEnded(f"session {session.id} has already ended")


def _sequencing_summary(values: dict[str, str], seconds: float, *, suspend: bool) -> dict:
    """What the SCO reported, as sequencing.report_attempt reads it (RTE 4.2 -> SN 4.2.1 tracking model)."""
    summary: dict = {"session_seconds": seconds, "exit": "suspend" if suspend else (values.get("cmi.exit") or "")}
    for name, element in (("completion_status", "cmi.completion_status"), ("success_status", "cmi.success_status")):
        if values.get(element):
            summary[name] = values[element]
    for name, element in (("score_scaled", "cmi.score.scaled"), ("score_raw", "cmi.score.raw"),
                          ("score_min", "cmi.score.min"), ("score_max", "cmi.score.max"),
                          ("progress_measure", "cmi.progress_measure")):
        if values.get(element) not in (None, ""):
            summary[name] = float(values[element])
    count = str(values.get("cmi.objectives._count") or "0")
    reported = []
    for index in range(int(count) if count.isdigit() else 0):
        prefix = f"cmi.objectives.{index}."
        entry = {"id": values.get(prefix + "id"), "success_status": values.get(prefix + "success_status"),
                 "completion_status": values.get(prefix + "completion_status")}
        if values.get(prefix + "score.scaled") not in (None, ""):
            entry["score_scaled"] = float(values[prefix + "score.scaled"])
        if entry["success_status"] == "unknown":
            entry["success_status"] = None
        reported.append(entry)
    summary["objectives"] = reported
    return summary


def _reported_to_sequencing(state: RegistrationState, session: Session, shared, values: dict[str, str],
                            seconds: float, *, suspend: bool, is_asset: bool):
    """The registration record with the session's report applied to the tracking model (SN: the SCO's data
    reaches the tracking model when its attempt ends, before its navigation request), the course rollup
    before and after, and the tracking model as reported. Nothing when the engine has moved on from this
    activity or the session had no credit."""
    tracking = tracking_of(state.record)
    if tracking.current != session.launchable_id or session.launch_mode != "Normal":
        return shared, None, None
    tree = activity_tree(state.course)
    before = sn.course_rollup(tree, tracking)
    summary = {"completion_status": "completed", "session_seconds": seconds} if is_asset else \
        _sequencing_summary(values, seconds, suspend=suspend)
    sn.report_attempt(tree, tracking, session.launchable_id, summary)
    base = shared.data if shared is not None else state.record.data
    record = with_tracking(state.record, tracking, tree, pending=base.get("pendingDelivery"), shared=base)
    return record, (before, sn.course_rollup(tree, tracking)), tracking


def _with_shared_data(state: RegistrationState, launchable_id: str, values: dict[str, str]):
    """The registration record with what the session wrote to global objectives and adl.data stores
    (SCORM 2004 RTE 4.2.17, 4.3); None when nothing changed."""
    item = item_runtime(state.course, launchable_id)
    data = state.record.data
    objectives = global_data.written_objectives(item, values, data.get("globalObjectives") or {})
    stores = global_data.written_shared(item, values, data.get("sharedData") or {})
    if objectives == (data.get("globalObjectives") or {}) and stores == (data.get("sharedData") or {}):
        return None
    return replace(state.record, data=dict(data, globalObjectives=objectives, sharedData=stores))


# The SCORM Activity Attempt State's properties and the elements they come from, per version.
_ATTEMPT_STATE_ELEMENTS = {
    "scorm12": {"credit": "cmi.core.credit", "mode": "cmi.core.lesson_mode", "location": "cmi.core.lesson_location",
                "total_time": "cmi.core.total_time"},
    "scorm2004": {"credit": "cmi.credit", "mode": "cmi.mode", "location": "cmi.location",
                  "total_time": "cmi.total_time"},
}


def end_with_last_commit(runtime: DeliveryRuntime, session: Session, *, state: RegistrationState | None = None,
                         mark_ended: bool = False) -> None:
    """launch-api.md: a SCORM session ends with its last commit (abandon, course deleted, a new launch, a
    second tab). `mark_ended`: this package ends it, in the transaction that saves its records (otherwise
    delivery records the end afterwards)."""
    try:
        _finish(runtime, session, state=state, end=mark_ended)
    except SessionEnded:
        return  # someone else ended it first (and wrote its statements, if it had any to write)


def terminate(runtime: DeliveryRuntime, session_id: str, session_token, values,
              settings: RuntimeSettings) -> dict:
    """POST .../terminate (LMSFinish / Terminate): commits, ends the session, writes its statements. The
    session is marked ended in the transaction that saves its finished records, so a navigate that sees it
    ended also sees what it reported (the SCO's keepalive Terminate and the learner's navigate can race)."""
    session = _authenticated(runtime, session_id, session_token)
    checked = _check_values(values)
    _apply(runtime, session, checked, settings)
    finished = _finish(runtime, session, end=True)
    # The records as the end saved them; read only when it saved none (a review, an attempt taken over).
    state = finished.state or runtime.state(session, with_sessions=False)
    return {"navigation": navigation(state, session.launchable_id)}


# --- navigation ---------------------------------------------------------------------------------------------

# How long after its end a session's token still works for navigate (the SCO's adl.nav.request follows its
# Terminate at once; the learner's choice from the table of contents may take a while).
NAVIGATE_AFTER_END_MS = 300_000


def _session_for_navigation(runtime: DeliveryRuntime, session_id: str, session_token,
                            request: str) -> tuple[Session, RegistrationState | None]:
    """The session, open or already ended by Terminate (a SCO's adl.nav.request is sent after Terminate);
    for an ended one, also the registration's state (without sessions) its check read, else None."""
    session = _authenticated(runtime, session_id, session_token, allow_ended=True)
    if request in ("jump", "abandonAll"):
        _check_sequenced(runtime, session, request)  # a malformed request is 400 whatever the token's state
    if session.state == "open":
        return session, None
    return session, _ended_for_navigation(runtime, session)


def _check_sequenced(runtime: DeliveryRuntime, session: Session, request: str) -> None:
    try:
        course = runtime.state(session, with_sessions=False).course
    except NotFound:
        return  # the course is gone: the token rule answers
    if not (sequenced(course) and session.launch_mode == "Normal"):
        raise BadRequest(f"request {request!r} needs SCORM 2004 sequencing")


def _ended_for_navigation(runtime: DeliveryRuntime, session: Session) -> RegistrationState:
    """docs/scorm-player-protocol.md, navigate: an ended session's token works only after a normal end (not
    abandoned: launch-api.md "its token stops working"), shortly after it, until a navigate on it launched
    something, and while no newer session of the registration exists (attack review F2). Else 401. Returns
    the registration's state (without sessions) as read for the check."""
    if session.state != "ended" or session.ended_ms is None or session.data.get("navigated"):
        raise Unauthorized("this session has ended; its token no longer works")
    if runtime.now_ms() - session.ended_ms > NAVIGATE_AFTER_END_MS:
        raise Unauthorized("this session ended too long ago; its token no longer works")
    try:
        state = runtime.state(session, with_sessions=False)
    except NotFound:
        raise Unauthorized("this session's course or registration is gone; its token no longer works") from None
    if runtime.newer_session_exists(session):
        raise Unauthorized("a newer session of this registration exists; this token no longer works")
    return state


def _used_for_navigation(runtime: DeliveryRuntime, session: Session) -> None:
    """An ended session's token delivers once (docs/scorm-player-protocol.md, navigate)."""
    runtime.save_session_data(session, {**session.data, "navigated": True})


def _end_for_navigation(runtime: DeliveryRuntime, session: Session, session_token, values,
                        settings: RuntimeSettings, *, suspend: bool,
                        known: RegistrationState | None = None,
                        navigation: tuple[str, str | None] | None = None) -> tuple[Session, bool, _Finished]:
    """Ends the open session as terminate would. When another call (a keepalive Terminate) ended it
    meanwhile, the session as it now stands, ended, under the rule for ended sessions. `known`: the
    registration's state read earlier in the request (its course and registration are kept; the records are
    read again after the last commit). Also returns what the session's end saved (the state with no
    sessions, None when it saved nothing) and, given `navigation`, the request processed with it (_finish)."""
    try:
        checked = _check_values(values)
        if checked or known is None:
            _apply(runtime, session, checked, settings)
            state = runtime.state(session, known=known, with_sessions=False)  # the commit changed the records
        else:  # nothing to commit: the records as this request read them (a save re-reads them if stale)
            state = known
            if not session.data.get("review") and not _owns(state.item(session.launchable_id), session):
                raise SessionEnded(f"session {session.id} no longer owns its attempt (another launch took it up)")
        finished = _finish(runtime, session, force_suspend=suspend, state=state, end=True, navigation=navigation)
        return session, True, finished
    except SessionEnded:
        pass
    again = _authenticated(runtime, session.id, session_token, allow_ended=True)
    if again.state == "open":
        raise SessionEnded(f"session {session.id} no longer owns its attempt")
    _ended_for_navigation(runtime, again)  # its rule applies; navigate reads the records again (a rare race)
    return again, False, _Finished(None)


def next_item(state: RegistrationState, current: str, request: str, target: str | None) -> str | None:
    """What a navigation request delivers: flow and choice in tree order; exit, exitAll, suspendAll and
    abandon deliver nothing (SCORM 2004 SN 4.4; 1.2: prerequisites still apply)."""
    if request == "continue":
        candidate = _neighbour(state, current, 1)
    elif request == "previous":
        candidate = _neighbour(state, current, -1)
    elif request == "choice":
        if not target or state.course.launchable(target) is None:
            raise NotFound(f"no item {target!r} in this course")
        candidate = target
    else:
        return None
    if candidate is not None and not _allowed_by_prerequisites(state, candidate):
        raise NotAllowed(f"the prerequisites of item '{candidate}' are not met")
    return candidate


def navigate(runtime: DeliveryRuntime, session_id: str, session_token, request, target, values,
             settings: RuntimeSettings, launcher) -> dict:
    """POST .../navigate: ends the current session if still open (as terminate; suspendAll suspends it),
    then launches what the request names through `launcher(state, LaunchRequest) -> url`."""
    if request not in NAVIGATION_REQUESTS:
        raise BadRequest(f"request must be one of {', '.join(NAVIGATION_REQUESTS)}")
    if target is not None and not isinstance(target, str):
        raise BadRequest("target must be an item id")
    session, ended_state = _session_for_navigation(runtime, session_id, session_token, request)
    still_open = ended_state is None
    state = runtime.state(session, with_sessions=False) if still_open else ended_state
    if still_open and sequenced(state.course) and request == "choice":
        # SN 5.3: a Choice the look-ahead refuses is refused while the SCO still runs (nothing ends).
        _refuse_choice_early(state, target, session.launchable_id)
    ended_here, finished = False, _Finished(None)
    if still_open:
        # A sequenced request goes through the engine with the session's end (one save of the tracking model),
        # unless its target is unknown (404 below, after the end, as for a request after Terminate).
        together = sequenced(state.course) and session.launch_mode == "Normal" and not (
            request in ("choice", "jump") and state.course.launchable(target) is None)
        session, ended_here, finished = _end_for_navigation(
            runtime, session, session_token, values, settings, suspend=request == "suspendAll", known=state,
            navigation=(request, target) if together else None)
    # What follows reads the records, not the sessions (the launcher reads the registration's own): as the
    # session's end saved them, as an ended session's check just read them, else as stored.
    if finished.state is not None:
        state = finished.state
    elif still_open:
        state = runtime.state(session, known=state, with_sessions=False)
    if finished.navigated is not None:
        answer = _sequenced_answer(runtime, state, session, request, finished.navigated, launcher)
    elif sequenced(state.course) and session.launch_mode == "Normal":
        answer = _navigate_sequenced(runtime, state, session, request, target, launcher, ended_here=ended_here)
    else:  # jump and abandonAll were refused by _check_sequenced
        answer = _navigate_in_tree_order(state, session, request, target, launcher)
    if not ended_here and (answer.get("launch") is not None or "toc" not in answer):
        # An ended session's token, used: it delivered, or nothing is left to choose (a refusal or a table of
        # contents to choose from leaves it for the learner's next request).
        _used_for_navigation(runtime, session)
    return answer


def _navigate_in_tree_order(state: RegistrationState, session: Session, request: str, target, launcher) -> dict:
    """SCORM 1.2 and unsequenced courses: flow and choice in tree order, under 1.2 prerequisites."""
    chosen = next_item(state, session.launchable_id, request, target)
    if chosen is None:
        return {"launch": None, "message": "nothing more to deliver" if request in ("continue", "previous")
                else None}
    url = launcher(state, LaunchRequest(launchable_id=chosen, launch_mode=session.launch_mode,
                                        return_url=session.return_url))
    return {"launch": {"url": url} if url else None}


def _refuse_choice_early(state: RegistrationState, target, current: str) -> None:
    if not isinstance(target, str) or state.course.launchable(target) is None:
        raise NotFound(f"no item {target!r} in this course")
    entry = next((entry for entry in _sequenced_toc(state, "") if entry["launchable"] == target), None)
    if entry is not None and entry.get("refusal") and entry["refusal"] != "SB.2.9-9":
        raise _Refused(sn.Outcome(None, exception=entry["refusal"]), _sequenced_toc(state, current))


class _Refused(SequencingRefused):
    """A navigate refusal (409 not_allowed, `exception`) with the table of contents as it stands, so the page
    can refresh what it offers (docs/scorm-player-protocol.md, navigate)."""

    def __init__(self, outcome, toc: list[dict]):
        super().__init__(outcome.exception, outcome.message or "sequencing exception")
        self.toc = toc

    def to_dict(self) -> dict:
        return {**super().to_dict(), "toc": self.toc}


_ENDING_REQUESTS = ("exitAll", "suspendAll", "abandonAll")  # SN 4.4.1: these end the sequencing session


def _navigate_sequenced(runtime: DeliveryRuntime, state: RegistrationState, session: Session, request: str,
                        target, launcher, *, ended_here: bool) -> dict:
    """SCORM 2004: the request goes through the Overall Sequencing Process (SN OP.1); what it delivers is
    launched, under the protocol's answer `{"launch", "message"}` (plus `toc` when nothing is delivered and
    the sequencing session goes on).

    A refused request is a 409 naming the SN exception. When it came with the SCO's Terminate (`ended_here`:
    adl.nav.request, RTE 4.2.8), the activity cannot stay running without its SCO, so Exit follows (SN: an
    exit's rules may still deliver something, which is then launched). A request refused after the session
    had ended changes nothing: the activity stays for the learner's next request."""
    if request in ("choice", "jump") and (not isinstance(target, str) or state.course.launchable(target) is None):
        raise NotFound(f"no item {target!r} in this course")
    tree = activity_tree(state.course)
    for _ in range(_SAVE_ATTEMPTS):
        tracking = tracking_of(state.record)
        if tracking.current != session.launchable_id:
            raise SessionEnded(f"session {session.id} is no longer the learner's current activity")
        record, navigated = _sequence_request(tree, tracking, state.record, request, target,
                                              exit_on_refusal=ended_here)
        if navigated.refusal is not None and not ended_here:
            raise _Refused(navigated.refusal, table_of_contents(state, session.launchable_id))
        try:
            runtime.save_records((), record)
            break
        except StaleRecord:
            state = runtime.state(session, known=state)
    else:
        raise StaleRecord("the registration's sequencing state kept changing; navigate again")
    statements = xs.course_statements(attempt_context(runtime, state, session, session.data.get("attemptId") or ""),
                                      runtime.now_ms(), navigated.before, navigated.after)
    _write_statements(runtime, session.store_id, statements)
    return _sequenced_answer(runtime, state, session, request, navigated, launcher)


def _sequence_request(tree, tracking, record, request: str, target, *, exit_on_refusal: bool):
    """The request through the Overall Sequencing Process (SN OP.1) on `tracking` (changed in place); a refused
    one followed by Exit when `exit_on_refusal`. Returns the registration record with the tracking model and
    the engine's delivery pending, and what the request did (_Navigated)."""
    before = sn.course_rollup(tree, tracking)
    outcome = sn.navigate(tree, tracking, request, target)
    refusal = outcome if outcome.exception is not None else None
    if refusal is not None and not exit_on_refusal:
        return record, _Navigated(outcome, refusal, before, before, tracking.current)
    if refusal is not None:
        outcome = sn.navigate(tree, tracking, "exit")
    navigated = _Navigated(outcome, refusal, before, sn.course_rollup(tree, tracking), tracking.current)
    return with_tracking(record, tracking, tree, pending=outcome.delivered), navigated


def _sequenced_answer(runtime: DeliveryRuntime, state: RegistrationState, session: Session, request: str,
                      navigated: _Navigated, launcher) -> dict:
    """The protocol's answer to a processed request (saved with `state`'s records): its delivery launched, a
    refusal an Exit followed that delivered nothing (409), or the table of contents to choose from."""
    outcome, refusal = navigated.outcome, navigated.refusal
    answer: dict = {"launch": None}
    if refusal is not None:
        if outcome.delivered is None:
            raise _Refused(refusal, table_of_contents(runtime.state(session, known=state), ""))
        answer.update(message=refusal.message, exception=refusal.exception)
    if outcome.delivered is None:
        answer.setdefault("message", "the course has ended" if outcome.end_of_session else None)
        if not (outcome.end_of_session or navigated.current is None or request in _ENDING_REQUESTS):
            # Nothing delivered, the sequencing session goes on (an exit): the learner chooses from the toc.
            answer["toc"] = table_of_contents(runtime.state(session, known=state), "")
        return answer
    url = launcher(state, LaunchRequest(launchable_id=outcome.delivered, launch_mode=session.launch_mode,
                                        return_url=session.return_url))
    answer["launch"] = {"url": url} if url else None
    return answer


def request_valid(runtime: DeliveryRuntime, session_id: str, session_token) -> dict:
    """POST .../request-valid (adl.nav.request_valid.*)."""
    session = _authenticated(runtime, session_id, session_token)
    state = runtime.state(session)
    if sequenced(state.course) and state.record.data.get("sequencing"):
        valid = sn.valid_requests(activity_tree(state.course), tracking_of(state.record))
        ids = [launchable.id for launchable in state.course.launchables]
        return {"continue": bool(valid.get("continue")), "previous": bool(valid.get("previous")),
                "choice": {item: bool((valid.get("choice") or {}).get(item)) for item in ids},
                "jump": {item: bool((valid.get("jump") or {}).get(item)) for item in ids}}
    choice = {launchable.id: _allowed_by_prerequisites(state, launchable.id) for launchable in state.course.launchables}
    return {**navigation(state, session.launchable_id), "choice": choice}
