"""The AU session behind an auth-token (cmi5 8.2): the lookup the LRS uses to authorize an AU's xAPI
requests and to enforce the session rules.

The fetch URL hands out `auth-token` = base64("{session id}:{secret}"); the AU sends it as
`Authorization: Basic {auth-token}` (cmi5 8.2.1, RFC 1945 11.1), so the LRS sees the session id as the
Basic user and the secret as the password. The secret is delivery's session token (stored only as its
SHA-256); it works while the session is open and stops when it ends (terminated, abandoned, course
deleted): the token "is limited to the duration of the session".

Per-session data cmi5 keeps in delivery's Session.data (written at launch, JSON):
    activityId, publisherId, courseId, actor, moveOn, masteryScore, contextTemplate, launchUrl,
    fetchKey (digest of the fetch URL's key), and, kept by the LRS hook (cmi5.lrs_policy): rules (the session
    rules' facts), lastStatementMs, lastBatch (ids and digests of the last accepted batch, for a re-send); and
    `abandoned` ({atMs, durationMs}) once the LMS claimed the session's abandonment (cmi5.standard.end_session):
    from then on the token works no more, though delivery closes the session a moment later."""
from __future__ import annotations

import base64
import re
import binascii
from dataclasses import dataclass

from delivery.errors import SessionEnded, Unauthorized
from delivery.standard import Session

ABANDONED_MARK = "abandoned"

@dataclass(frozen=True)
class AuSession:
    store_id: int
    registration_id: str
    session_id: str           # the contextTemplate's session id (cmi5 9.6.3.1)
    course_id: str            # delivery's course id
    au_id: str                # the AU's publisher id (the grouping activity, 9.6.2.3)
    activity_id: str          # the launch activityId (8.1.5): the object of cmi5 defined statements
    actor: dict               # the launch actor (9.2): an Agent with an account
    launch_mode: str          # "Normal" | "Browse" | "Review"
    move_on: str
    mastery_score: float | None
    context_template: dict    # LMS.LaunchData contextTemplate (10.2.1)
    state: str                # delivery's session state: "open" | "ended" | "abandoned"
    launched_ms: int
    return_url: str | None


def au_session(session: Session) -> AuSession:
    data = session.data
    return AuSession(store_id=session.store_id, registration_id=session.registration_id, session_id=session.id,
                     course_id=session.course_id, au_id=session.launchable_id, activity_id=data["activityId"],
                     actor=data["actor"], launch_mode=session.launch_mode, move_on=data["moveOn"],
                     mastery_score=data.get("masteryScore"), context_template=data["contextTemplate"],
                     state=session.state, launched_ms=session.launched_ms, return_url=session.return_url)


def auth_token(session_id: str, session_token: str) -> str:
    return base64.b64encode(f"{session_id}:{session_token}".encode()).decode("ascii")


def credentials_of(token: str) -> tuple[str, str] | None:
    """(session id, secret) of an auth-token, or None when it is not one."""
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    session_id, colon, secret = decoded.partition(":")
    return (session_id, secret) if colon and session_id and secret else None


def open_session(runtime, session_id: str, secret: str) -> Session | None:
    """The open cmi5 session these Basic credentials (user = session id, password = secret) belong to, as
    delivery stores it (with its data); None as for `lookup`."""
    try:
        session = runtime.authenticate(secret)
    except (Unauthorized, SessionEnded):
        return None
    if session.id != session_id or "activityId" not in session.data or ABANDONED_MARK in session.data:
        return None
    return session


def lookup(runtime, session_id: str, secret: str) -> AuSession | None:
    """The open AU session these Basic credentials (user = session id, password = secret) belong to;
    None for an unknown secret, another session's, a session that has ended, or a non-cmi5 session."""
    session = open_session(runtime, session_id, secret)
    return au_session(session) if session is not None else None


def lookup_token(runtime, token: str) -> AuSession | None:
    """As `lookup`, from the auth-token itself (what follows "Basic " in the Authorization header)."""
    credentials = credentials_of(token)
    return lookup(runtime, *credentials) if credentials else None


# An xAPI duration (ISO 8601, xAPI-Data 4.6), already validated by the LRS: P[nY][nM][nW][nD][T[nH][nM][nS]].
_DURATION = re.compile(r"P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
                       r"(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?")
# Seconds per unit; years and months have no fixed length, so a mean one (ISO 8601 leaves it to the parties).
_UNIT_SECONDS = (365.2425 * 86400, 30.436875 * 86400, 7 * 86400, 86400, 3600, 60, 1)


def duration_seconds(duration) -> float | None:
    """The seconds of an ISO 8601 duration such as the `result.duration` of a `terminated` (cmi5 9.5.4.1:
    the session's time); None when it is not one."""
    if not isinstance(duration, str) or len(duration) > 64:
        return None
    match = _DURATION.fullmatch(duration.strip())
    if match is None or not any(match.groups()):
        return None
    return sum(float(part.replace(",", ".")) * unit for part, unit in zip(match.groups(), _UNIT_SECONDS) if part)
