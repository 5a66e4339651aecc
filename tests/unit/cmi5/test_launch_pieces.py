"""The launch URL, LaunchData and the auth-token's shape (cmi5 8.1, 8.2, 10.2), without a server."""
from __future__ import annotations

import base64
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cmi5 import vocabulary as v
from cmi5.au_session import auth_token, credentials_of
from cmi5.launch import au_base_url, launch_data, launch_url
from cmi5.standard import iso_seconds

ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.example.com", "name": "kim & co"}}


def test_launch_parameters_are_appended_url_encoded_after_the_aus_own_query():
    # cmi5 8.1: name/value pairs appended; each value URL-encoded; 13.1.4 url: the AU's query merged.
    url = launch_url("https://au.example.com/start.html?lang=fr#intro", endpoint="https://lrs.example.com/xapi",
                     fetch="https://lrs.example.com/cmi5/fetch/s?k=abc", actor=ACTOR, registration_id="r-1",
                     activity_id="urn:uuid:1")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == ("https", "au.example.com", "/start.html",
                                                                        "intro")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    assert [name for name, _ in pairs] == ["lang", *v.LAUNCH_PARAMETERS]
    values = dict(pairs)
    assert values["endpoint"] == "https://lrs.example.com/xapi"
    assert values["fetch"] == "https://lrs.example.com/cmi5/fetch/s?k=abc"
    assert orjson.loads(values["actor"]) == ACTOR
    assert "%2F" in parts.query and "&k=" not in parts.query  # nested URLs stay one value each


def test_a_relative_au_url_is_served_from_the_content_origin():
    au = {"url": "my dir/start.html?x=1#top", "relative": True}
    assert au_base_url(au, lambda path: "https://content.example.com/c1/" + path.replace(" ", "%20")) == \
        "https://content.example.com/c1/my%20dir/start.html?x=1#top"
    assert au_base_url({"url": "https://au.example.com/a?b=1", "relative": False}, None) == "https://au.example.com/a?b=1"


def test_launch_data_holds_what_10_2_asks():
    au = {"moveOn": "Passed", "masteryScore": 0.8, "launchParameters": "Start=1", "entitlementKey": "xyz"}
    document = launch_data(au, session_id="s-1", publisher_id="https://example.com/au/1", launch_mode="Review",
                           return_url="https://lms.example.com/back")
    assert document == {
        "contextTemplate": {"contextActivities": {"grouping": [{"id": "https://example.com/au/1"}]},
                            "extensions": {v.SESSION_ID_EXTENSION: "s-1"}},
        "launchMode": "Review", "moveOn": "Passed", "masteryScore": 0.8, "launchParameters": "Start=1",
        "returnURL": "https://lms.example.com/back", "entitlementKey": {"courseStructure": "xyz"}}
    minimal = launch_data({"moveOn": "NotApplicable"}, session_id="s", publisher_id="p", launch_mode="Normal",
                          return_url=None)
    assert set(minimal) == {"contextTemplate", "launchMode", "moveOn"}


def test_the_auth_token_is_a_basic_credential():
    # cmi5 8.2.1: the AU puts the auth-token in the Authorization header as RFC 1945 Basic.
    token = auth_token("session-1", "secret:with:colons")
    assert base64.b64decode(token) == b"session-1:secret:with:colons"
    assert credentials_of(token) == ("session-1", "secret:with:colons")


@given(st.text(max_size=60))
def test_anything_else_is_no_credential_or_a_split_one(text):
    result = credentials_of(text)
    assert result is None or (result[0] and result[1])


@pytest.mark.parametrize("milliseconds, text", [(0, "PT0S"), (1500, "PT1.500S"), (61_000, "PT61S"), (-5, "PT0S")])
def test_durations(milliseconds, text):
    # cmi5 9.5.4: an ISO 8601 duration.
    assert iso_seconds(milliseconds) == text
