"""Malformed requests are a 400 bad_request (launch-api.md, Conventions: both launchable and index, an
unknown launchMode, a bad UUID)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from delivery.errors import BadRequest
from delivery.requests import (ItemChoice, absolute_http_url, launch_body, learner_agent, registration_request,
                               uuid_text, waive_body)


@pytest.mark.parametrize("body", [{"launchable": "a", "index": 0}, {"launchMode": "Fast"}, {"index": -1},
                                  {"index": True}, {"index": "1"}, {"launchable": ""}, {"launchable": 3},
                                  {"returnUrl": "javascript:alert(1)"}, {"returnUrl": "data:text/html,x"},
                                  {"returnUrl": "/relative"}, {"returnUrl": "https://a b.com/"}])
def test_malformed_launch_requests_are_bad_requests(body):
    with pytest.raises(BadRequest):
        launch_body(body)


def test_a_launch_request_with_neither_item_is_continue():
    parsed = launch_body({"launchMode": "Review", "returnUrl": "https://lms.example.com/back?x=1"})
    assert parsed.choice == ItemChoice(None, None) and parsed.launch_mode == "Review"
    assert launch_body({}).launch_mode == "Normal"


@pytest.mark.parametrize("value", ["not-a-uuid", "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a1", 42, None,
                                   "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11\n"])
def test_bad_uuids_are_bad_requests(value):
    with pytest.raises(BadRequest):
        uuid_text(value, "id")


def test_uuids_are_kept_in_lower_case():
    assert uuid_text("6B1F3A52-8F0E-4D8E-9D55-1C7D2D0C2A11", "id") == "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11"


@pytest.mark.parametrize("learner", [{}, {"name": "Kim"}, {"mbox": "kim@example.com"},
                                     {"mbox": "mailto:kim@example.com", "openid": "https://kim.example.com"},
                                     {"objectType": "Group", "mbox": "mailto:team@example.com"},
                                     {"mbox": "mailto:kim@example.com", "name": 7}, "kim", [],
                                     {"account": {"homePage": "https://lms.example.com"}}])
def test_a_learner_is_an_agent_with_one_identifier(learner):
    # launch-api.md, Registrations: learner is an xAPI Agent (xAPI-Data 2.4.2.3).
    with pytest.raises(BadRequest):
        learner_agent(learner)


def test_registration_requests_need_a_course_and_a_learner():
    for body in ({}, {"course": "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11"},
                 {"learner": {"mbox": "mailto:kim@example.com"}},
                 {"course": "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11", "learner": {"mbox": "mailto:kim@example.com"},
                  "id": "nope"}):
        with pytest.raises(BadRequest):
            registration_request(body)


@pytest.mark.parametrize("body", [{"launchable": "a"}, {"launchable": "a", "reason": ""},
                                  {"launchable": "a", "reason": "   "}, {"reason": "Tested Out"},
                                  {"launchable": "a", "index": 1, "reason": "Tested Out"}])
def test_a_waiver_names_an_item_and_a_reason(body):
    # launch-api.md, waive: 400 an empty reason.
    with pytest.raises(BadRequest):
        waive_body(body)


@given(st.text(max_size=60))
def test_only_absolute_http_urls_are_return_urls(text):
    try:
        accepted = absolute_http_url(text, "returnUrl")
    except BadRequest:
        return
    assert accepted.lower().startswith(("http://", "https://"))
