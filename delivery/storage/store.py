"""Reads and writes of delivery's tables. Every call takes the store id: a row of another store is
never found, changed or deleted."""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import replace

import orjson
from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from delivery.course import Launchable
from delivery.errors import SessionEnded, StaleRecord
from delivery.standard import (ItemRecord, ItemRecords, Registration, RegistrationRecord, RegistrationState,
                               Session, StoredCourse)
from delivery.storage.tables import courses, item_records, registration_records, registrations, sessions
from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines, rows_of_each


def _json(value) -> str:
    return orjson.dumps(value).decode()


def _launchables_json(launchables) -> str:
    return _json([{"id": item.id, "index": item.index, "title": item.title,
                   "launch_method": item.launch_method} for item in launchables])


# Parsed courses kept per store: a course never changes after import, and parsing a large one's JSON
# (500 activities: ~40 ms) on every runtime call was most of a navigation request.
_COURSES_MAX = 64


def _parse_course(row) -> StoredCourse:
    return StoredCourse(id=row.id, store_id=row.store_id, standard=row.standard, edition=row.edition,
                        title=row.title,
                        launchables=tuple(Launchable(**item) for item in orjson.loads(row.launchables)),
                        structure=orjson.loads(row.structure), runtime=orjson.loads(row.runtime),
                        created_ms=row.created_ms, deleted=bool(row.deleted))


def _registration(row) -> Registration:
    return Registration(id=row.id, store_id=row.store_id, course_id=row.course_id,
                        learner=orjson.loads(row.learner), learner_key=row.learner_key, created_ms=row.created_ms)


def _session(row) -> Session:
    return Session(id=row.id, store_id=row.store_id, registration_id=row.registration_id,
                   course_id=row.course_id, launchable_id=row.launchable_id, launch_mode=row.launch_mode,
                   return_url=row.return_url, state=row.state, launched_ms=row.launched_ms,
                   ended_ms=row.ended_ms, data=orjson.loads(row.data))


# The runtime's hottest reads and writes (every commit, every AU statement) on the driver's own connection
# (Engines.rows / Engines.driver): SQLAlchemy's statement, connection and result objects cost more than the
# query. Placeholders are `?` (Engines.rows makes them `%s` on PostgreSQL).
_SESSION_COLUMNS = ("id", "store_id", "registration_id", "course_id", "launchable_id", "launch_mode", "return_url",
                    "state", "launched_ms", "ended_ms", "data")
_ITEM_COLUMNS = ("store_id", "registration_id", "launchable_id", "completion", "success", "score", "satisfied",
                 "waived", "attempts", "total_seconds", "last_launched_ms", "data", "version")
_RAW_SESSION_BY_TOKEN = f"SELECT {', '.join(_SESSION_COLUMNS)} FROM delivery_sessions WHERE session_token_hash = ?"
_RAW_SESSION_BY_ID = f"SELECT {', '.join(_SESSION_COLUMNS)} FROM delivery_sessions WHERE id = ?"
_RAW_ITEM_RECORD = (f"SELECT {', '.join(_ITEM_COLUMNS)} FROM delivery_item_records "
                    "WHERE store_id = ? AND registration_id = ? AND launchable_id = ?")
# A commit's session and the one record it changes, in one round trip (NULLs when the item has no record yet).
_RAW_SESSION_AND_ITEM_BY_TOKEN = (
    f"SELECT {', '.join('s.' + name for name in _SESSION_COLUMNS)}, {', '.join('i.' + name for name in _ITEM_COLUMNS)} "
    "FROM delivery_sessions s LEFT JOIN delivery_item_records i ON i.store_id = s.store_id "
    "AND i.registration_id = s.registration_id AND i.launchable_id = s.launchable_id "
    "WHERE s.session_token_hash = ?")
# PostgreSQL: one self-committing statement on an autocommit connection, one round trip where BEGIN, UPDATE
# and COMMIT took three. Not on SQLite: writes on the read engine's connections made every call slower, more
# so as a run went on (cmi5 in process: 5.5 -> 8.4, then 16 ms CPU per AU statement); SQLite writers keep
# the write engine (BEGIN IMMEDIATE).
_RAW_CLAIM_SESSION_DATA = "UPDATE delivery_sessions SET data = ? WHERE id = ? AND store_id = ? AND state = 'open' " \
    "AND data = ?"
_RAW_UPDATE_ITEM = (
    "UPDATE delivery_item_records SET completion = ?, success = ?, score = ?, satisfied = ?, waived = ?, "
    "attempts = ?, total_seconds = ?, last_launched_ms = ?, data = ?, version = ? "
    "WHERE store_id = ? AND registration_id = ? AND launchable_id = ? AND version = ?")
_REGISTRATION_COLUMNS = ("id", "store_id", "course_id", "learner", "learner_key", "created_ms")
_COURSE_COLUMNS = ("store_id", "id", "standard", "edition", "title", "launchables", "structure", "runtime",
                   "created_ms", "deleted")
_RAW_REGISTRATION = f"SELECT {', '.join(_REGISTRATION_COLUMNS)} FROM delivery_registrations WHERE store_id = ? AND id = ?"
# A parsed course is kept (DeliveryStorage._course): its row's key, version and deleted flag say whether the
# copy is current, without sending the course's JSON again.
_RAW_COURSE_VERSION = "SELECT store_id, id, created_ms, deleted FROM delivery_courses WHERE store_id = ? AND id = ?"
_RAW_COURSE = f"SELECT {', '.join(_COURSE_COLUMNS)} FROM delivery_courses WHERE store_id = ? AND id = ?"
_RAW_REGISTRATION_RECORD = "SELECT data, version FROM delivery_registration_records " \
    "WHERE store_id = ? AND registration_id = ?"
_RAW_ITEM_RECORDS = f"SELECT {', '.join(_ITEM_COLUMNS)} FROM delivery_item_records WHERE store_id = ? AND registration_id = ?"
_RAW_SESSIONS_OF_REGISTRATION = (f"SELECT {', '.join(_SESSION_COLUMNS)} FROM delivery_sessions "
                                 "WHERE store_id = ? AND registration_id = ? ORDER BY launched_ms, id")
# The runtime's calls need only the open sessions (ix_delivery_sessions_open): a registration keeps every session
# it had, one per SCO launched, and reading them all made each navigation slower than the one before.
_RAW_OPEN_SESSIONS_OF_REGISTRATION = (f"SELECT {', '.join(_SESSION_COLUMNS)} FROM delivery_sessions "
                                      "WHERE store_id = ? AND registration_id = ? AND state = 'open' "
                                      "ORDER BY launched_ms, id")
_RAW_NEWER_SESSION = ("SELECT id FROM delivery_sessions WHERE store_id = ? AND registration_id = ? "
                      "AND launched_ms >= ? AND id <> ? LIMIT 1")
_REGISTRATION_NAMES = {name: index for index, name in enumerate(_REGISTRATION_COLUMNS)}
_COURSE_NAMES = {name: index for index, name in enumerate(_COURSE_COLUMNS)}
_COURSE_VERSION_NAMES = {"store_id": 0, "id": 1, "created_ms": 2, "deleted": 3}

# What the store sends outside SQLAlchemy, with the number of parameters each takes (`?` or `%s`), for
# tests/unit/delivery/test_lookup_indexes.py, which explains each on both dialects.
DRIVER_STATEMENTS = (_RAW_SESSION_BY_TOKEN, _RAW_SESSION_BY_ID, _RAW_ITEM_RECORD, _RAW_CLAIM_SESSION_DATA,
                     _RAW_UPDATE_ITEM, _RAW_REGISTRATION, _RAW_COURSE_VERSION, _RAW_COURSE, _RAW_REGISTRATION_RECORD,
                     _RAW_ITEM_RECORDS, _RAW_SESSIONS_OF_REGISTRATION, _RAW_SESSION_AND_ITEM_BY_TOKEN,
                     _RAW_OPEN_SESSIONS_OF_REGISTRATION, _RAW_NEWER_SESSION)


class _Row:
    """Attribute access to a driver row, as the row builders below read SQLAlchemy's."""
    __slots__ = ("_values", "_names")

    def __init__(self, names: dict[str, int], values: tuple):
        self._names, self._values = names, values

    def __getattr__(self, name: str):
        return self._values[self._names[name]]


def _session_of(values: tuple) -> Session:
    """A session from a driver row of _SESSION_COLUMNS, by position: a registration's state reads every one of
    its sessions, and attribute access by name cost more than the row (500-activity navigation, in process)."""
    (id_, store_id, registration_id, course_id, launchable_id, launch_mode, return_url, state, launched_ms,
     ended_ms, data) = values
    return Session(id=id_, store_id=store_id, registration_id=registration_id, course_id=course_id,
                   launchable_id=launchable_id, launch_mode=launch_mode, return_url=return_url, state=state,
                   launched_ms=launched_ms, ended_ms=ended_ms, data=orjson.loads(data))


def _item_of(values: tuple) -> ItemRecord:
    """An item record from a driver row of _ITEM_COLUMNS, by position (as _session_of)."""
    (store_id, registration_id, launchable_id, completion, success, score, satisfied, waived, attempts,
     total_seconds, last_launched_ms, data, version) = values
    return ItemRecord(store_id=store_id, registration_id=registration_id, launchable_id=launchable_id,
                      completion=completion, success=success, score=score, satisfied=bool(satisfied),
                      waived=bool(waived), attempts=attempts, total_seconds=total_seconds,
                      last_launched_ms=last_launched_ms, data=orjson.loads(data), version=version)


def _item(row) -> ItemRecord:
    return ItemRecord(store_id=row.store_id, registration_id=row.registration_id,
                      launchable_id=row.launchable_id, completion=row.completion, success=row.success,
                      score=row.score, satisfied=bool(row.satisfied), waived=bool(row.waived),
                      attempts=row.attempts, total_seconds=row.total_seconds,
                      last_launched_ms=row.last_launched_ms, data=orjson.loads(row.data), version=row.version)


def _item_values(record: ItemRecord) -> dict:
    return {"completion": record.completion, "success": record.success, "score": record.score,
            "satisfied": record.satisfied, "waived": record.waived, "attempts": record.attempts,
            "total_seconds": record.total_seconds, "last_launched_ms": record.last_launched_ms,
            "data": _json(record.data)}


# The runtime's hot statements, built once: building and cache-keying a Core statement on every call
# cost more than running it (bench scorm, a commit's three statements).
_REGISTRATION = select(registrations).where(and_(
    registrations.c.store_id == bindparam("store_id"), registrations.c.id == bindparam("registration_id")))
_COURSE = select(courses).where(and_(courses.c.store_id == bindparam("store_id"),
                                     courses.c.id == bindparam("course_id")))
_ITEM_RECORDS = select(item_records).where(and_(
    item_records.c.store_id == bindparam("store_id"), item_records.c.registration_id == bindparam("registration_id")))
_SESSION = select(sessions).where(and_(sessions.c.store_id == bindparam("store_id"),
                                       sessions.c.id == bindparam("session_id")))
_SESSION_COLUMN_NAMES = ("id", "store_id", "registration_id", "course_id", "launchable_id", "launch_mode", "return_url",
                         "state", "launched_ms", "ended_ms", "launch_token_hash", "launch_token_expires_ms",
                         "session_token_hash", "data")
_INSERT_SESSION = insert(sessions).values(**{name: bindparam(f"v_{name}") for name in _SESSION_COLUMN_NAMES})
_INSERT_REGISTRATION = insert(registrations).values(**{name: bindparam(f"v_{name}") for name in (
    "store_id", "id", "course_id", "learner", "learner_key", "created_ms")})
_CHANGE_SESSION_DATA = update(sessions).where(and_(
    sessions.c.store_id == bindparam("k_store_id"), sessions.c.id == bindparam("k_id"))).values(data=bindparam("v_data"))
_END_SESSION = update(sessions).where(and_(
    sessions.c.store_id == bindparam("k_store_id"), sessions.c.id == bindparam("k_id"), sessions.c.state == "open")) \
    .values(state=bindparam("v_state"), ended_ms=bindparam("v_ended_ms"), launch_token_hash=None,
            launch_token_expires_ms=None)
# A launch token is redeemed once: the UPDATE matches only while it is still there and unexpired.
_REDEEM_LAUNCH_TOKEN = update(sessions).where(and_(
    sessions.c.launch_token_hash == bindparam("k_launch_token_hash"), sessions.c.state == "open",
    sessions.c.launch_token_expires_ms > bindparam("k_now_ms"))) \
    .values(launch_token_hash=None, launch_token_expires_ms=None, session_token_hash=bindparam("v_session_token_hash")) \
    .returning(*sessions.c)
# Compare-and-set of a session's data: only while the session is open and its data is what the writer read.
_CLAIM_SESSION_DATA = update(sessions).where(and_(
    sessions.c.id == bindparam("k_id"), sessions.c.store_id == bindparam("k_store_id"), sessions.c.state == "open",
    sessions.c.data == bindparam("k_data"))).values(data=bindparam("v_data"))
_ITEM_FIELDS = ("completion", "success", "score", "satisfied", "waived", "attempts", "total_seconds",
                "last_launched_ms", "data")
_INSERT_ITEM = insert(item_records).values(
    store_id=bindparam("k_store_id"), registration_id=bindparam("k_registration_id"),
    launchable_id=bindparam("k_launchable_id"), version=1, **{name: bindparam(f"v_{name}") for name in _ITEM_FIELDS})
_UPDATE_ITEM = update(item_records).where(and_(
    item_records.c.store_id == bindparam("k_store_id"), item_records.c.registration_id == bindparam("k_registration_id"),
    item_records.c.launchable_id == bindparam("k_launchable_id"), item_records.c.version == bindparam("k_version"))) \
    .values(version=bindparam("v_version"), **{name: bindparam(f"v_{name}") for name in _ITEM_FIELDS})
_ADD_ITEM_SECONDS = update(item_records).where(and_(
    item_records.c.store_id == bindparam("k_store_id"), item_records.c.registration_id == bindparam("k_registration_id"),
    item_records.c.launchable_id == bindparam("k_launchable_id"))) \
    .values(total_seconds=item_records.c.total_seconds + bindparam("seconds"), version=item_records.c.version + 1)
_INSERT_REGISTRATION_RECORD = insert(registration_records).values(
    store_id=bindparam("k_store_id"), registration_id=bindparam("k_registration_id"), data=bindparam("v_data"),
    version=1)
_UPDATE_REGISTRATION_RECORD = update(registration_records).where(and_(
    registration_records.c.store_id == bindparam("k_store_id"),
    registration_records.c.registration_id == bindparam("k_registration_id"),
    registration_records.c.version == bindparam("k_version"))) \
    .values(data=bindparam("v_data"), version=bindparam("v_version"))


def _item_key(item: ItemRecord) -> dict:
    return {"k_store_id": item.store_id, "k_registration_id": item.registration_id,
            "k_launchable_id": item.launchable_id, "k_version": item.version}


class DeliveryStorage:
    def __init__(self, engines: Engines):
        self._engines = engines
        self._parsed: OrderedDict[tuple[int, str], StoredCourse] = OrderedDict()
        self._parsed_lock = threading.Lock()

    def _cached_course(self, row) -> StoredCourse | None:
        """The parsed course of a row holding at least its key, created_ms and deleted flag, when it is kept."""
        key = (row.store_id, row.id)
        with self._parsed_lock:
            course = self._parsed.get(key)
            if course is not None and course.created_ms == row.created_ms:
                self._parsed.move_to_end(key)
                return course if course.deleted == bool(row.deleted) else replace(course, deleted=bool(row.deleted))
        return None

    def _course(self, row) -> StoredCourse:
        """The course of the row, parsed once; `deleted` is always the row's own (a course deleted after
        it was cached must read deleted)."""
        key = (row.store_id, row.id)
        with self._parsed_lock:
            course = self._parsed.get(key)
            if course is not None and course.created_ms == row.created_ms:
                self._parsed.move_to_end(key)
                return course if course.deleted == bool(row.deleted) else replace(course, deleted=bool(row.deleted))
        course = _parse_course(row)
        with self._parsed_lock:
            self._parsed[key] = course
            while len(self._parsed) > _COURSES_MAX:
                self._parsed.popitem(last=False)
        return course

    def _driver_write(self, sql: str, parameters: tuple) -> int:
        """PostgreSQL: one self-committing statement (`?` placeholders) on the driver's autocommit
        connection; its rowcount."""
        with translated_errors(), self._engines.driver() as connection:
            return connection.execute(sql.replace("?", "%s"), parameters).rowcount

    @contextmanager
    def _write(self):
        with self._engines.write.begin() as connection:
            yield connection

    @contextmanager
    def _read(self):
        with self._engines.read.connect() as connection:
            yield connection

    # --- courses ---------------------------------------------------------------------------------

    def add_course(self, course: StoredCourse) -> None:
        with self._write() as connection:
            connection.execute(insert(courses).values(
                store_id=course.store_id, id=course.id, standard=course.standard, edition=course.edition,
                title=course.title, launchables=_launchables_json(course.launchables),
                structure=_json(course.structure), runtime=_json(course.runtime), created_ms=course.created_ms,
                deleted=False))

    def course(self, store_id: int, course_id: str) -> StoredCourse | None:
        with self._read() as connection:
            row = connection.execute(_COURSE, {"store_id": store_id, "course_id": course_id}).first()
        return self._course(row) if row else None

    def courses(self, store_id: int) -> list[StoredCourse]:
        """The store's courses that are not deleted, oldest first."""
        with self._read() as connection:
            rows = connection.execute(select(courses).where(
                and_(courses.c.store_id == store_id, courses.c.deleted.is_(False)))
                .order_by(courses.c.created_ms, courses.c.id)).all()
        return [self._course(row) for row in rows]

    def store_of_course(self, course_id: str) -> int | None:
        """The store of a course that is not deleted (course ids are UUIDs, unique across stores); for
        the command line, which names a course by id alone."""
        with self._read() as connection:
            row = connection.execute(select(courses.c.store_id).where(
                and_(courses.c.id == course_id, courses.c.deleted.is_(False)))).first()
        return row.store_id if row else None

    def mark_course_deleted(self, store_id: int, course_id: str) -> bool:
        """False when there is no such course, or it was already deleted."""
        with self._write() as connection:
            result = connection.execute(update(courses).where(
                and_(courses.c.store_id == store_id, courses.c.id == course_id, courses.c.deleted.is_(False)))
                .values(deleted=True))
        return result.rowcount == 1

    # --- registrations ---------------------------------------------------------------------------

    def add_registration(self, registration: Registration) -> Registration:
        """The registration stored under that id: the new one, or the one already there (the caller
        compares course and learner)."""
        try:
            with self._write() as connection:
                connection.execute(_INSERT_REGISTRATION, {
                    "v_store_id": registration.store_id, "v_id": registration.id, "v_course_id": registration.course_id,
                    "v_learner": _json(registration.learner), "v_learner_key": registration.learner_key,
                    "v_created_ms": registration.created_ms})
            return registration
        except IntegrityError:
            existing = self.registration(registration.store_id, registration.id)
            if existing is None:
                raise
            return existing

    def remove_registration(self, store_id: int, registration_id: str) -> None:
        """Undoes add_registration when the standard failed to set it up (with any records it saved)."""
        with self._write() as connection:
            for table in (item_records, registration_records):
                connection.execute(delete(table).where(and_(table.c.store_id == store_id,
                                                            table.c.registration_id == registration_id)))
            connection.execute(delete(registrations).where(
                and_(registrations.c.store_id == store_id, registrations.c.id == registration_id)))

    def registration(self, store_id: int, registration_id: str) -> Registration | None:
        with self._read() as connection:
            row = connection.execute(_REGISTRATION, {"store_id": store_id, "registration_id": registration_id}).first()
        return _registration(row) if row else None

    # --- sessions --------------------------------------------------------------------------------

    def add_session(self, session: Session, *, launch_token_hash: str, launch_token_expires_ms: int) -> None:
        with self._write() as connection:
            connection.execute(_INSERT_SESSION, {
                "v_id": session.id, "v_store_id": session.store_id, "v_registration_id": session.registration_id,
                "v_course_id": session.course_id, "v_launchable_id": session.launchable_id,
                "v_launch_mode": session.launch_mode, "v_return_url": session.return_url, "v_state": session.state,
                "v_launched_ms": session.launched_ms, "v_ended_ms": session.ended_ms,
                "v_launch_token_hash": launch_token_hash, "v_launch_token_expires_ms": launch_token_expires_ms,
                "v_session_token_hash": None, "v_data": _json(session.data)})

    def remove_session(self, store_id: int, session_id: str) -> None:
        """Undoes add_session when the launch failed half-way."""
        with self._write() as connection:
            connection.execute(delete(sessions).where(
                and_(sessions.c.store_id == store_id, sessions.c.id == session_id)))

    def session(self, store_id: int, session_id: str) -> Session | None:
        with self._read() as connection:
            row = connection.execute(_SESSION, {"store_id": store_id, "session_id": session_id}).first()
        return _session(row) if row else None

    def session_by_id(self, session_id: str) -> Session | None:
        """For the runtime, which knows a session by a token it has already checked."""
        rows = self._engines.rows(_RAW_SESSION_BY_ID, (session_id,))
        return _session_of(rows[0]) if rows else None

    def sessions_of_registration(self, store_id: int, registration_id: str) -> list[Session]:
        with self._read() as connection:
            rows = connection.execute(select(sessions).where(
                and_(sessions.c.store_id == store_id, sessions.c.registration_id == registration_id))
                .order_by(sessions.c.launched_ms, sessions.c.id)).all()
        return [_session(row) for row in rows]

    def open_sessions_of_course(self, store_id: int, course_id: str) -> list[Session]:
        with self._read() as connection:
            rows = connection.execute(select(sessions).where(
                and_(sessions.c.store_id == store_id, sessions.c.course_id == course_id,
                     sessions.c.state == "open"))).all()
        return [_session(row) for row in rows]

    def redeem_launch_token(self, launch_token_hash: str, session_token_hash: str, now_ms: int) -> Session | None:
        """Swaps an unexpired launch token of an open session for a session token, once: the UPDATE
        matches only while the launch token is still there, so two redeemers cannot both win."""
        with self._write() as connection:
            found = connection.execute(_REDEEM_LAUNCH_TOKEN, {
                "k_launch_token_hash": launch_token_hash, "k_now_ms": now_ms,
                "v_session_token_hash": session_token_hash}).first()
        return _session(found) if found is not None else None

    def newer_session_exists(self, session: Session) -> bool:
        """Whether another session of the session's registration was launched at the same time or later."""
        return bool(self._engines.rows(_RAW_NEWER_SESSION, (session.store_id, session.registration_id,
                                                            session.launched_ms, session.id)))

    def session_by_token(self, session_token_hash: str) -> Session | None:
        rows = self._engines.rows(_RAW_SESSION_BY_TOKEN, (session_token_hash,))
        return _session_of(rows[0]) if rows else None

    def session_and_item_by_token(self, session_token_hash: str) -> tuple[Session, ItemRecord | None] | None:
        """The session of a token and the record of its item (None when never stored), read together."""
        rows = self._engines.rows(_RAW_SESSION_AND_ITEM_BY_TOKEN, (session_token_hash,))
        if not rows:
            return None
        row, width = rows[0], len(_SESSION_COLUMNS)
        item = row[width:]
        return _session_of(row[:width]), (_item_of(item) if item[0] is not None else None)

    def end_session(self, store_id: int, session_id: str, state: str, now_ms: int) -> bool:
        """Open -> `state`; False when the session was not open (someone else ended it first). The
        launch token goes too: an ended session can no longer be entered."""
        with self._write() as connection:
            result = connection.execute(_END_SESSION, {"k_store_id": store_id, "k_id": session_id, "v_state": state,
                                                       "v_ended_ms": now_ms})
        return result.rowcount == 1

    def change_session_data(self, store_id: int, session_id: str, data: dict) -> None:
        with self._write() as connection:
            connection.execute(_CHANGE_SESSION_DATA, {"k_store_id": store_id, "k_id": session_id, "v_data": _json(data)})

    def claim_session_data(self, store_id: int, session_id: str, seen: dict, data: dict,
                           items: tuple[ItemRecord, ...] = (), record: RegistrationRecord | None = None,
                           add_seconds: tuple[str, str, float] | None = None
                           ) -> tuple[tuple[ItemRecord, ...], RegistrationRecord | None] | None:
        """Replaces the session's data with `data` only while the session is open and its data is still
        `seen` (what the caller read and decided on), and saves the records as save_records does, in one
        transaction. `add_seconds` (registration id, launchable id, seconds): adds to that item record's
        total_seconds without reading it (a new version; a record not stored yet is created). None, and
        nothing saved, when the session ended or its data changed meanwhile; StaleRecord when a record did.
        Returns the records at their new versions."""
        if not items and record is None and add_seconds is None and self._engines.dialect == "postgresql":
            claimed = self._driver_write(_RAW_CLAIM_SESSION_DATA, (_json(data), session_id, store_id, _json(seen)))
            return ((), None) if claimed == 1 else None
        try:
            with self._write() as connection:
                result = connection.execute(_CLAIM_SESSION_DATA, {
                    "k_id": session_id, "k_store_id": store_id, "k_data": _json(seen), "v_data": _json(data)})
                if result.rowcount != 1:
                    return None  # nothing written: the commit ends an empty transaction
                if add_seconds is not None:
                    registration_id, launchable_id, seconds = add_seconds
                    key = {"k_store_id": store_id, "k_registration_id": registration_id,
                           "k_launchable_id": launchable_id}
                    if connection.execute(_ADD_ITEM_SECONDS, {**key, "seconds": seconds}).rowcount != 1:
                        fresh = ItemRecord(store_id, registration_id, launchable_id, total_seconds=seconds)
                        connection.execute(_INSERT_ITEM, {**key, **{f"v_{name}": value for name, value
                                                                    in _item_values(fresh).items()}})
                return self._save_records_in(connection, items, record)
        except IntegrityError:
            raise StaleRecord("a record was stored by someone else since it was read") from None

    # --- a registration's whole state --------------------------------------------------------------

    def registration_state(self, store_id: int, registration_id: str, *,
                           known: RegistrationState | None = None, with_sessions: bool = True,
                           all_sessions: bool = False) -> RegistrationState | None:
        """The registration, its course, records and open sessions, read on one connection; None when the
        store has no such registration or its course row is gone. `known`: a state read earlier in the
        same request, whose registration and course (which never change) are kept, and only the records
        and sessions read again. `with_sessions` False: `sessions` is empty (a caller that needs only the
        records); `all_sessions`: every session the registration had, ended ones too (its progress)."""
        postgresql = self._engines.dialect == "postgresql"
        keys = (store_id, registration_id)
        # Everything keyed by the registration goes in one batch (one round trip on PostgreSQL); the course's
        # version, which needs the registration's course id, follows when the caller did not know it.
        queries = [_RAW_REGISTRATION_RECORD, _RAW_ITEM_RECORDS]
        if with_sessions:
            queries.append(_RAW_SESSIONS_OF_REGISTRATION if all_sessions else _RAW_OPEN_SESSIONS_OF_REGISTRATION)
        if known is None:
            queries.append(_RAW_REGISTRATION)
        with translated_errors(), self._engines.driver() as connection:
            found = rows_of_each(connection, postgresql, [(sql, keys) for sql in queries])
            record_rows, item_rows = found[0], found[1]
            session_rows = found[2] if with_sessions else ()
            if known is not None:
                registration, course = known.registration, known.course
            else:
                if not found[-1]:
                    return None
                registration = _registration(_Row(_REGISTRATION_NAMES, found[-1][0]))
                course_key = (store_id, registration.course_id)
                (version,) = rows_of_each(connection, postgresql, [(_RAW_COURSE_VERSION, course_key)])
                if not version:
                    return None
                course = self._cached_course(_Row(_COURSE_VERSION_NAMES, version[0]))
                if course is None:
                    (row,) = rows_of_each(connection, postgresql, [(_RAW_COURSE, course_key)])
                    if not row:
                        return None
                    course = self._course(_Row(_COURSE_NAMES, row[0]))
        record = RegistrationRecord(store_id, registration_id)
        if record_rows:
            record = replace(record, data=orjson.loads(record_rows[0][0]), version=record_rows[0][1])
        items = ItemRecords({row[2]: row for row in item_rows}, _item_of)  # row[2]: launchable_id
        return RegistrationState(course=course, registration=registration, record=record, items=items,
                                 sessions=tuple(_session_of(row) for row in session_rows))

    # --- records ---------------------------------------------------------------------------------

    def item_records(self, store_id: int, registration_id: str) -> dict[str, ItemRecord]:
        with self._read() as connection:
            rows = connection.execute(_ITEM_RECORDS, {"store_id": store_id, "registration_id": registration_id}).all()
        return {row.launchable_id: _item(row) for row in rows}

    def item_record(self, store_id: int, registration_id: str, launchable_id: str) -> ItemRecord | None:
        rows = self._engines.rows(_RAW_ITEM_RECORD, (store_id, registration_id, launchable_id))
        return _item_of(rows[0]) if rows else None

    def registration_record(self, store_id: int, registration_id: str) -> RegistrationRecord | None:
        rows = self._engines.rows(_RAW_REGISTRATION_RECORD, (store_id, registration_id))
        return RegistrationRecord(store_id, registration_id, orjson.loads(rows[0][0]), rows[0][1]) if rows else None

    def save_records(self, items: tuple[ItemRecord, ...] = (), record: RegistrationRecord | None = None, *,
                     ending: tuple[int, str, str, int] | None = None
                     ) -> tuple[tuple[ItemRecord, ...], RegistrationRecord | None]:
        """Saves all of them in one transaction, each only if its `version` is still the stored one
        (0: not stored yet); StaleRecord and nothing saved otherwise. Returns them at their new version.
        `ending` (store id, session id, state, now ms): also ends that open session, as end_session does, in
        the same transaction; SessionEnded and nothing saved when it was not open."""
        if ending is None and len(items) == 1 and record is None and items[0].version > 0:
            return (self._update_item(items[0]),), None  # a commit's one write
        try:
            with self._write() as connection:
                if ending is not None:
                    store_id, session_id, state, now_ms = ending
                    result = connection.execute(_END_SESSION, {"k_store_id": store_id, "k_id": session_id,
                                                               "v_state": state, "v_ended_ms": now_ms})
                    if result.rowcount != 1:
                        raise SessionEnded(f"session {session_id} has already ended")
                return self._save_records_in(connection, items, record)
        except IntegrityError:
            raise StaleRecord("a record was stored by someone else since it was read") from None

    def _update_item(self, item: ItemRecord) -> ItemRecord:
        """One stored item record's UPDATE on the driver: on PostgreSQL a self-committing statement, on SQLite
        inside BEGIN IMMEDIATE on a write connection."""
        values = _item_values(item)
        parameters = (*(values[name] for name in _ITEM_FIELDS), item.version + 1, item.store_id,
                      item.registration_id, item.launchable_id, item.version)
        if self._engines.dialect == "postgresql":
            updated = self._driver_write(_RAW_UPDATE_ITEM, parameters)
        else:
            with translated_errors(), self._engines.immediate() as connection:
                updated = connection.execute(_RAW_UPDATE_ITEM, parameters).rowcount
        if updated != 1:
            raise StaleRecord(f"the record of '{item.launchable_id}' changed since it was read")
        return replace(item, version=item.version + 1)

    @staticmethod
    def _save_records_in(connection, items: tuple[ItemRecord, ...],
                         record: RegistrationRecord | None) -> tuple[tuple[ItemRecord, ...], RegistrationRecord | None]:
        saved_items = []
        for item in items:
            parameters = {**_item_key(item), **{f"v_{name}": value for name, value in _item_values(item).items()},
                          "v_version": item.version + 1}
            if item.version == 0:
                connection.execute(_INSERT_ITEM, parameters)
            else:
                result = connection.execute(_UPDATE_ITEM, parameters)
                if result.rowcount != 1:
                    raise StaleRecord(f"the record of '{item.launchable_id}' changed since it was read")
            saved_items.append(replace(item, version=item.version + 1))
        saved_record = None
        if record is not None:
            parameters = {"k_store_id": record.store_id, "k_registration_id": record.registration_id,
                          "k_version": record.version, "v_data": _json(record.data),
                          "v_version": record.version + 1}
            if record.version == 0:
                connection.execute(_INSERT_REGISTRATION_RECORD, parameters)
            else:
                result = connection.execute(_UPDATE_REGISTRATION_RECORD, parameters)
                if result.rowcount != 1:
                    raise StaleRecord("the registration record changed since it was read")
            saved_record = replace(record, version=record.version + 1)
        return tuple(saved_items), saved_record
