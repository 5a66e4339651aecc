"""Which documents an AU token may use, and cmi5LearnerPreferences' content (cmi5 8.2.1, 10.2.1, 11.0-11.2,
12.0)."""
from __future__ import annotations

import orjson
import pytest

from lrs.xapi.agents import ifi_key
from lrs.xapi.documents import DocumentKind, DocumentScope

from cmi5 import vocabulary as v
from cmi5.session_rules import SessionRuleBroken
from cmi5.session_rules_documents import (DELETE, READ, WRITE, check_document_request, check_learner_preferences,
                                          is_language_preference, reads_learner_preferences)
from tests.unit.cmi5.test_session_rules import Launch

LAUNCH = Launch()
ACTOR = ifi_key(LAUNCH.actor)
OTHER = ifi_key({"mbox": "mailto:catapult@example.com"})
PREFERENCES = v.LEARNER_PREFERENCES_PROFILE_ID


def state(agent_key=ACTOR, activity_id=LAUNCH.activity_id, registration=LAUNCH.registration_id):
    return DocumentScope(DocumentKind.STATE, activity_id=activity_id, agent_key=agent_key, registration=registration)


def section(scope, document_id, action) -> str:
    with pytest.raises(SessionRuleBroken) as caught:
        check_document_request(LAUNCH, scope, document_id, action)
    return caught.value.section


@pytest.mark.parametrize("action", [WRITE, DELETE])
def test_launch_data_is_read_only(action):
    # cmi5 10.2.1: the AU MUST NOT modify or delete the LMS.LaunchData State document
    check_document_request(LAUNCH, state(), v.LAUNCH_DATA_STATE_ID, READ)
    assert section(state(), v.LAUNCH_DATA_STATE_ID, action) == "cmi5 10.2.1"


@pytest.mark.parametrize("registration", [LAUNCH.registration_id, None])
def test_deleting_every_state_document_of_the_au_would_delete_launch_data(registration):
    # cmi5 10.2.1
    assert section(state(registration=registration), None, DELETE) == "cmi5 10.2.1"


def test_the_au_keeps_its_own_state():
    # cmi5 8.2.1: the token works for the AU's xAPI communication (State API: its actor, its registration)
    for action in (READ, WRITE, DELETE):
        check_document_request(LAUNCH, state(), "bookmark", action)
        check_document_request(LAUNCH, state(activity_id="https://example.com/other", registration=None), None,
                               action)


@pytest.mark.parametrize("scope", [state(agent_key=OTHER), state(registration="ccaf384c-f8d4-4e7a-8304-49af58f0b176")])
def test_state_of_another_learner_or_registration_is_refused(scope):
    # cmi5 8.2.1: the token is the launch's (actor and registration)
    assert section(scope, "bookmark", READ) == "cmi5 8.2.1"


def test_activity_profiles_are_free():
    # cmi5 12.0: the AU MAY use the Activity Profile API according to xAPI
    scope = DocumentScope(DocumentKind.ACTIVITY_PROFILE, activity_id="https://example.com/anything")
    for action in (READ, WRITE, DELETE):
        check_document_request(LAUNCH, scope, "notes", action)


@pytest.mark.parametrize("action", [READ, WRITE, DELETE])
def test_agent_profile_of_another_agent_is_refused(action):
    # cmi5 11.0: the agent in Agent Profile requests MUST match the launch actor
    scope = DocumentScope(DocumentKind.AGENT_PROFILE, agent_key=OTHER)
    assert section(scope, PREFERENCES, action) == "cmi5 11.0"
    check_document_request(LAUNCH, DocumentScope(DocumentKind.AGENT_PROFILE, agent_key=ACTOR), PREFERENCES, action)


def test_reading_the_learner_preferences_is_recognised():
    # cmi5 11.0: the AU MUST retrieve the Learner Preferences document on startup
    mine = DocumentScope(DocumentKind.AGENT_PROFILE, agent_key=ACTOR)
    assert reads_learner_preferences(LAUNCH, mine, PREFERENCES)
    assert not reads_learner_preferences(LAUNCH, mine, "other")
    assert not reads_learner_preferences(LAUNCH, DocumentScope(DocumentKind.AGENT_PROFILE, agent_key=OTHER),
                                         PREFERENCES)


GOOD = {"languagePreference": "en-US,fr-FR,fr-BE", "audioPreference": "on"}


@pytest.mark.parametrize("content, content_type, section_id", [
    (GOOD, "application/octet-stream", "cmi5 11.0"),
    ("just some text", "text/plain", "cmi5 11.0"),
    (["en-US"], "application/json", "cmi5 11.0"),
    ({"audioPreference": "on"}, "application/json", "cmi5 11.0"),
    ({"languagePreference": "en-US"}, "application/json", "cmi5 11.0"),
    ({**GOOD, "languagePreference": "not comma separated"}, "application/json", "cmi5 11.1"),
    ({**GOOD, "languagePreference": ""}, "application/json", "cmi5 11.1"),
    ({**GOOD, "languagePreference": "en-US;fr-FR"}, "application/json", "cmi5 11.1"),
    ({**GOOD, "languagePreference": ["en-US"]}, "application/json", "cmi5 11.1"),
    ({**GOOD, "audioPreference": "loud"}, "application/json", "cmi5 11.2"),
    ({**GOOD, "audioPreference": True}, "application/json", "cmi5 11.2"),
])
def test_learner_preferences_are_validated(content, content_type, section_id):
    # cmi5 11.0 (a JSON object with languagePreference and audioPreference), 11.1, 11.2
    body = content.encode() if isinstance(content, str) else orjson.dumps(content)
    with pytest.raises(SessionRuleBroken) as caught:
        check_learner_preferences(body, content_type, whole=True)
    assert caught.value.section == section_id


def test_valid_learner_preferences():
    # cmi5 11.0-11.2
    check_learner_preferences(orjson.dumps(GOOD), "application/json; charset=utf-8", whole=True)
    check_learner_preferences(orjson.dumps({"audioPreference": "off"}), "application/json", whole=False)
    with pytest.raises(SessionRuleBroken):
        check_learner_preferences(b"not json", "application/json", whole=False)


@pytest.mark.parametrize("value", ["en", "en-US", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1901",
                                   "x-private", "en-US-x-twain", "i-klingon", "en-US, fr-FR"])
def test_language_tags(value):
    # cmi5 11.1: RFC 5646 language tags
    assert is_language_preference(value)


@pytest.mark.parametrize("value", ["", "en_US", "english language", "en-", "-en", "a", "en,,fr", "123"])
def test_not_language_tags(value):
    # cmi5 11.1
    assert not is_language_preference(value)
