"""Enrolment through the store API (issue 15, Workflows: Enrolment: "create the learner if new, grant the
course (or tier), and send the welcome email with the course link"), on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid

import orjson
import pytest

from tests.api.automation_workflows_world import make_world


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = make_world(database_url, tmp_path_factory)
    yield world
    # the SMTP server is shared by every world of this process (automation_workflows_world.shared_smtp)
    world.app.extensions["lrs"].close()


def learner(email: str) -> dict:
    return {"objectType": "Agent", "name": "Iris Vo", "mbox": f"mailto:{email}"}


def test_a_new_learner_is_created_granted_the_course_and_welcomed_once(world):
    email = f"iris-{uuid.uuid4().hex[:8]}@example.com"
    first = world.api("POST", "/api/v1/enrolments", json={"learner": learner(email), "course": world.course_id})
    assert first.status_code == 200, first.get_json()
    [grant] = first.get_json()["grants"]
    assert grant["course"] == world.course_id and grant["active"] and grant["source"] == "api"
    again = world.api("POST", "/api/v1/enrolments", json={"learner": learner(email), "course": world.course_id})
    assert again.get_json()["grants"] == [grant]  # the same registration, nothing new
    world.run()
    [welcome] = world.mail_to(email)
    assert welcome["Subject"] == "Welcome to Fire Safety" and welcome["To"] == email
    # No course link by default: this server has no learner's course page, and a launch URL is one-time
    # (docs/automation.md, rules `enrolment`); the course site's link comes from the rules (next test).
    text, html = welcome.get_body(("plain",)).get_content(), welcome.get_body(("html",)).get_content()
    assert "You are enrolled in Fire Safety." in text and "Start here" not in text and "http" not in text.split("--")[0]
    assert "Start the course" not in html and "<strong>Fire Safety</strong>" in html
    listed = world.api("GET", "/api/v1/enrolments", query_string={"learner": orjson.dumps(learner(email)).decode()})
    assert listed.status_code == 200 and listed.get_json()["grants"] == [grant]
    learner_row = world.workflows.enrolment.learner(world.store_id, f"mbox|mailto:{email}")
    assert learner_row.email == email and learner_row.name == "Iris Vo"


def test_the_course_link_follows_the_rules(world):
    rules = world.admin("GET", "/rules/enrolment").get_json()
    rules["course_url"] = "https://school.example.com/learn/{course_id}?r={registration_id}"
    assert world.admin("PUT", "/rules/enrolment", json=rules).status_code == 200
    email = f"link-{uuid.uuid4().hex[:8]}@example.com"
    grant = world.api("POST", "/api/v1/enrolments", json={"learner": learner(email), "course": world.course_id}
                      ).get_json()["grants"][0]
    world.run()
    link = f"https://school.example.com/learn/{world.course_id}?r={grant['registration']}"
    assert link in world.mail_to(email)[0].get_body(("plain",)).get_content()


def test_ending_access_through_the_admin_api_is_an_enrolment_change(world):
    email = f"end-{uuid.uuid4().hex[:8]}@example.com"
    world.api("POST", "/api/v1/enrolments", json={"learner": learner(email), "course": world.course_id})
    ended = world.admin("POST", "/enrolments/end", json={"learner": learner(email), "course": world.course_id,
                                                          "atMs": 1_000})
    assert ended.status_code == 200 and ended.get_json()["ended"][0]["active"] is False
    events = [event.payload["change"] for event in world.app.extensions["lrs"].events.read_after(0, 100_000)
              if event.kind == "enrolment.changed" and event.subject == f"mbox|mailto:{email}"]
    assert events == ["granted", "ending"]
    # Granting again after the end re-grants (and tells so), but does not welcome twice.
    regranted = world.api("POST", "/api/v1/enrolments", json={"learner": learner(email), "course": world.course_id})
    assert regranted.get_json()["grants"][0]["active"] is True
    world.run()
    assert len(world.mail_to(email)) == 1


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"course": "00000000-0000-4000-8000-000000000000"}, 404, "no course"),
    ({"course": "x", "tier": "y"}, 400, "either 'course'"),
    ({}, 400, "either 'course'"),
    ({"tier": "nope"}, 400, "no tier 'nope'"),
    ({"course": "COURSE", "learner": {"name": "no identifier"}}, 400, "'learner'"),
    ({"course": "COURSE", "email": "not an address"}, 400, "'email'"),
])
def test_bad_enrolments_are_refused_and_grant_nothing(world, body, status, message):
    email = f"bad-{uuid.uuid4().hex[:8]}@example.com"
    payload = {"learner": learner(email), **body}
    if payload.get("course") == "COURSE":
        payload["course"] = world.course_id
    response = world.api("POST", "/api/v1/enrolments", json=payload)
    assert response.status_code == status and message in response.get_json()["message"], response.get_json()
    assert world.workflows.enrolment.grants(world.store_id, f"mbox|mailto:{email}") == []


def test_the_listing_needs_a_learner_and_the_post_needs_json(world):
    assert world.api("GET", "/api/v1/enrolments").status_code == 400
    assert world.api("GET", "/api/v1/enrolments", query_string={"learner": "{"}).status_code == 400
    assert world.api("POST", "/api/v1/enrolments", data="learner=x",
                     content_type="application/x-www-form-urlencoded").status_code == 400
