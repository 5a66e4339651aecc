"""Re-engagement, unsubscribing and the workflows' admin rules (issue 15, Workflows: Re-engagement; Email:
"a working unsubscribe link and a List-Unsubscribe header"), on SQLite and PostgreSQL."""
from __future__ import annotations

import re
import uuid

import pytest

from automation.workflows.reengagement import DAY_MS
from tests.api.automation_workflows_world import make_world
from tests.factories import new_id

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = make_world(database_url, tmp_path_factory)
    yield world
    # the SMTP server is shared by every world of this process (automation_workflows_world.shared_smtp)
    world.app.extensions["lrs"].close()


def statement(email: str, verb: str, activity: str, name: str | None = None) -> dict:
    obj = {"objectType": "Activity", "id": activity}
    if name:
        obj["definition"] = {"name": {"en-US": name}}
    return {"id": new_id(), "actor": {"objectType": "Agent", "name": "Sam Park", "mbox": f"mailto:{email}"},
            "verb": {"id": verb}, "object": obj}


def unsubscribe_url(message) -> str:
    return re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)


def sweep(world, tick_ms: int) -> int:
    [job] = [job for job in world.automation.registry.jobs if job.name == "workflows.reengagement_nudges"]
    return job.run(world.automation.effects, tick_ms)


def test_finishing_a_module_sends_congratulations_once_with_a_working_unsubscribe(world):
    email = f"sam-{uuid.uuid4().hex[:8]}@example.com"
    module = f"https://example.com/modules/{uuid.uuid4().hex}"
    world.post_statement(statement(email, COMPLETED, module, "Module 2: Extinguishers"))
    world.post_statement(statement(email, COMPLETED, module, "Module 2: Extinguishers"))  # twice: one message
    world.post_statement(statement(email, EXPERIENCED, module + "/page"))  # not a finish
    world.run()
    [message] = world.mail_to(email)
    assert message["Subject"] == "Well done: Module 2: Extinguishers"
    assert "Hello Sam Park," in message.get_body(("plain",)).get_content()
    # RFC 8058 §3.1 one-click: the mail client POSTs "List-Unsubscribe=One-Click" to the header's URL.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = unsubscribe_url(message).removeprefix("https://lrs.example.com")
    shown = world.http.get(path)
    assert shown.status_code == 200 and email in shown.get_data(as_text=True)
    assert "form-action 'self'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    clicked = world.http.post(path, data={"List-Unsubscribe": "One-Click"})
    assert clicked.status_code == 200
    world.post_statement(statement(email, COMPLETED, module + "/3", "Module 3"))
    world.run()
    assert len(world.mail_to(email)) == 1  # unsubscribed: no more non-transactional mail


def test_the_unsubscribe_page_needs_the_button_and_refuses_forged_tokens(world):
    email = f"page-{uuid.uuid4().hex[:8]}@example.com"
    tokens = world.workflows.unsubscribe_tokens
    path = tokens.url(world.store_id, email).removeprefix("https://lrs.example.com")
    assert "You are unsubscribed" not in world.http.get(path).get_data(as_text=True)
    assert not world.workflows.unsubscribes.contains(world.store_id, email)  # a GET (link preview) changes nothing
    done = world.http.post(path)  # the page's form
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert world.workflows.unsubscribes.contains(world.store_id, email)
    forged = path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB")
    assert world.http.get(forged).status_code == 404 and world.http.post(forged).status_code == 404


def test_a_quiet_learner_gets_one_nudge_per_quiet_spell(world):
    email = f"quiet-{uuid.uuid4().hex[:8]}@example.com"
    world.post_statement(statement(email, EXPERIENCED, "https://example.com/modules/intro"))
    world.run()
    [(last_ms,)] = world.app.extensions["lrs"].engines.rows(
        "SELECT last_statement_ms FROM wf_learner_activity WHERE learner_key = ?", (f"mbox|mailto:{email}",))
    assert sweep(world, last_ms + 6 * DAY_MS) >= 0 and world.mail_to(email) == []  # 6 days: not yet
    sweep(world, last_ms + 7 * DAY_MS + 1)
    sweep(world, last_ms + 8 * DAY_MS)  # the next tick: same quiet spell, nothing new
    [nudge] = world.mail_to(email)
    assert nudge["Subject"] == "Pick up where you left off" and "List-Unsubscribe" in nudge
    assert "It has been 7 days" in nudge.get_body(("plain",)).get_content()
    # Active again, then quiet again: one more nudge. (A process writes a learner's time again once it
    # moved on by LearnerActivity.resolution_ms, an hour; here seconds later, so it writes every time.)
    world.workflows.activity.resolution_ms = 0
    world.post_statement(statement(email, EXPERIENCED, "https://example.com/modules/intro"))
    world.run()
    [(again_ms,)] = world.app.extensions["lrs"].engines.rows(
        "SELECT last_statement_ms FROM wf_learner_activity WHERE learner_key = ?", (f"mbox|mailto:{email}",))
    assert again_ms > last_ms
    sweep(world, again_ms + 7 * DAY_MS + 1)
    assert len(world.mail_to(email)) == 2


def test_rules_are_data_changed_through_the_admin_api(world):
    # issue 15: "a course team changes thresholds and texts through the admin API without a deploy".
    rules = world.admin("GET", "/rules/reengagement").get_json()
    assert rules["inactive_days"] == 7
    rules.update(inactive_days=3)
    rules["congratulations"]["subject"] = "Bravo, {{ learner_name }}!"
    assert world.admin("PUT", "/rules/reengagement", json=rules).get_json() == rules
    assert world.admin("GET", "/rules/reengagement").get_json() == rules
    email = f"bravo-{uuid.uuid4().hex[:8]}@example.com"
    world.post_statement(statement(email, COMPLETED, f"https://example.com/modules/{uuid.uuid4().hex}"))
    world.run()
    assert [message["Subject"] for message in world.mail_to(email)] == ["Bravo, Sam Park!"]
    [(last_ms,)] = world.app.extensions["lrs"].engines.rows(
        "SELECT last_statement_ms FROM wf_learner_activity WHERE learner_key = ?", (f"mbox|mailto:{email}",))
    sweep(world, last_ms + 3 * DAY_MS + 1)
    assert len(world.mail_to(email)) == 2  # the 3-day threshold applies at once


@pytest.mark.parametrize(("name", "change", "path"), [
    ("reengagement", {"inactive_days": 0}, "/inactive_days"),
    ("reengagement", {"nudge": {"enabled": True, "subject": "{{ broken", "body": "b"}}, "/nudge/subject"),
    ("reengagement", {"unknown": 1}, "/"),
    ("certificates", {"rules": [{"verb": "v", "activity": "a"}]}, "/rules/0"),
    ("enrolment", {"course_url": "javascript:alert(1)"}, "/course_url"),
])
def test_invalid_rules_are_a_400_saying_where_and_change_nothing(world, name, change, path):
    before = world.admin("GET", f"/rules/{name}").get_json()
    response = world.admin("PUT", f"/rules/{name}", json={**before, **change})
    assert response.status_code == 400 and response.get_json()["path"] == path, response.get_json()
    assert world.admin("GET", f"/rules/{name}").get_json() == before


def test_the_admin_api_needs_an_admin_and_an_existing_store(world):
    assert world.http.get(f"/admin/workflows/stores/{world.store_id}/rules/support").status_code == 401
    assert world.admin("GET", "/rules/nonsense").status_code == 404
    missing = world.http.get("/admin/workflows/stores/987654/rules/support", headers=world.admin_headers)
    assert missing.status_code == 404
    assert world.admin("PUT", "/rules/support", data="x=1",
                       content_type="application/x-www-form-urlencoded").status_code == 415


def test_with_nudges_on_a_batch_of_statements_is_read_at_once(world):
    """Nudges read every statement's actor: the handler's `prepare` reads a batch's statements in a few
    queries (lrs.events.preload_statements) rather than one query per event while it handles them."""
    from automation.workflows.reengagement import ActivityHandler
    from lrs.events import STATEMENT_STORED
    log = world.app.extensions["lrs"].events
    head = log.head()
    for number in range(3):
        world.post_statement(statement(f"batch-{number}-{uuid.uuid4().hex[:6]}@example.com", EXPERIENCED,
                                       "https://example.com/modules/intro"))
    events = [event for event in log.read_after(head) if event.kind == STATEMENT_STORED]
    assert len(events) == 3 and all(event.payload.pending is not None for event in events)
    assert world.workflows.rules.get(events[0].store_id, "reengagement")["nudge"]["enabled"]
    ActivityHandler(world.workflows).prepare(events)
    assert all(event.payload.pending is None and not event.payload.erased for event in events)
