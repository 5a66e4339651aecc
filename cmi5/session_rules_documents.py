"""The documents an AU token may read and write (cmi5 8.2.1, 10.2.1, 11.0-11.2, 12.0), and the
cmi5LearnerPreferences document's content rules. Pure: no I/O, no Flask, no SQL.

An AU works for one learner in one registration: State documents of its actor (in its registration or in
none), any Activity Profile (12.0), and its actor's own Agent Profile (11.0). LMS.LaunchData is read only
(10.2.1)."""
from __future__ import annotations

import re
from typing import Any

import orjson

from lrs.xapi.agents import ifi_key
from lrs.xapi.documents import DocumentKind, DocumentScope, media_type

from cmi5 import vocabulary as v
from cmi5.session_rules import AuLaunch, SessionRuleBroken

READ, WRITE, DELETE = "read", "write", "delete"

# RFC 5646 2.1, a well-formed language tag: langtag (language, script, region, variants, extensions,
# private use), a private use tag, or an irregular grandfathered "i-" tag.
_LANGTAG = re.compile(
    r"(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"
    r"|[Ii]-[A-Za-z]{2,8})")
AUDIO_VALUES = ("on", "off")


def check_document_request(session: AuLaunch, scope: DocumentScope, document_id: str | None, action: str) -> None:
    """Raises SessionRuleBroken (403) for a document request the AU token may not make. `document_id` is
    None for a list or a delete of many."""
    actor_key = ifi_key(session.actor)
    if scope.kind is DocumentKind.ACTIVITY_PROFILE:
        return  # cmi5 12.0: the AU MAY use the Activity Profile API according to xAPI
    if scope.kind is DocumentKind.AGENT_PROFILE:
        if scope.agent_key != actor_key:
            raise SessionRuleBroken("11.0", "an AU may use the Agent Profile of its launch actor only")
        return
    if scope.agent_key != actor_key:
        raise SessionRuleBroken("8.2.1", "an auth-token works for the launch actor's State documents only")
    if scope.registration is not None and scope.registration != session.registration_id:
        raise SessionRuleBroken("8.2.1", "an auth-token works for the launch registration's State documents "
                                         "only")
    if action == READ or scope.activity_id != session.activity_id:
        return
    if document_id == v.LAUNCH_DATA_STATE_ID or (document_id is None and action == DELETE):
        raise SessionRuleBroken("10.2.1", "the AU must not modify or delete the LMS.LaunchData State document")


def reads_learner_preferences(session: AuLaunch, scope: DocumentScope, document_id: str | None) -> bool:
    """cmi5 11.0: whether this read is the AU retrieving its learner's preferences."""
    return scope.kind is DocumentKind.AGENT_PROFILE and document_id == v.LEARNER_PREFERENCES_PROFILE_ID \
        and scope.agent_key == ifi_key(session.actor)


def writes_learner_preferences(scope: DocumentScope, document_id: str | None) -> bool:
    return scope.kind is DocumentKind.AGENT_PROFILE and document_id == v.LEARNER_PREFERENCES_PROFILE_ID


def check_learner_preferences(content: bytes, content_type: str | None, *, whole: bool) -> None:
    """cmi5 11.0-11.2: a JSON object with `languagePreference` (RFC 5646 tags, comma-separated, in order of
    preference) and `audioPreference` ("on" or "off"). `whole`: a PUT (both properties); a POST merges
    into the stored document, so it may send either."""
    if media_type(content_type or "") != "application/json":
        raise SessionRuleBroken("11.0", "cmi5LearnerPreferences must be sent as application/json")
    try:
        document: Any = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise SessionRuleBroken("11.0", "cmi5LearnerPreferences must be a JSON object") from None
    if not isinstance(document, dict):
        raise SessionRuleBroken("11.0", "cmi5LearnerPreferences must be a JSON object")
    for name in ("languagePreference", "audioPreference"):
        if whole and name not in document:
            raise SessionRuleBroken("11.0", f"cmi5LearnerPreferences must have {name}")
    if "languagePreference" in document and not is_language_preference(document["languagePreference"]):
        raise SessionRuleBroken("11.1", "languagePreference must be a comma-separated list of RFC 5646 "
                                        "language tags")
    if "audioPreference" in document and document["audioPreference"] not in AUDIO_VALUES:
        raise SessionRuleBroken("11.2", 'audioPreference must be "on" or "off"')


def is_language_preference(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return all(_LANGTAG.fullmatch(tag.strip()) for tag in value.split(","))
