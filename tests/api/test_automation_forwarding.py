"""Statement forwarding (issue 15): per-store webhook subscriptions filtered by verb, activity or actor,
bodies signed with HMAC-SHA256 and a timestamp, retries with back-off, order kept per subscription, a
per-subscription delivery log and dead letters for admins; on SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import os
import threading
import time
import uuid

import orjson
import pytest
from sqlalchemy import func, select

from automation.container import build_automation
from automation.forwarding.receiver import RecordingReceiver
from automation.forwarding.signing import signature, verify
from automation.handlers import HandlerRegistry
from automation.settings import AutomationSettings
from automation.storage.tables import effects as effects_table
from lrs.app import create_app
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, XapiClient
from tests.factories import issue_credential

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def forwarding_app(request, tmp_path_factory):
    """An app of its own (its own SQLite file), with no runner: the tests drive the dispatcher."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('forwarding') / 'lrs.sqlite3'}"
    else:
        url = request.getfixturevalue("postgresql_database_url")
    upgrade(url)
    previous = os.environ.get("LRS_AUTOMATION_RUNNER")
    os.environ["LRS_AUTOMATION_RUNNER"] = "off"
    try:
        application = create_app(Settings(database_url=url, secret_key=SERVER_SECRET, auth_failure_limit=100_000))
    finally:
        os.environ.pop("LRS_AUTOMATION_RUNNER") if previous is None else os.environ.update(
            LRS_AUTOMATION_RUNNER=previous)
    yield application
    application.extensions["lrs"].close()


def _automation(app, **settings):
    """The dispatcher under test: no workflow handlers, short back-off."""
    options = {"runner": "off", "max_attempts": 35, "retry_base_seconds": 1.0, "batch_size": 50, **settings}
    return build_automation(app.extensions["lrs_settings"], app.extensions["lrs"],
                            automation_settings=AutomationSettings(**options), registry=HandlerRegistry())


@pytest.fixture
def admin(forwarding_app):
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    forwarding_app.extensions["lrs"].administration.create_admin("test", username, password)
    client = forwarding_app.test_client()
    headers = {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}

    def call(method: str, path: str, **kwargs):
        return client.open(path, method=method, headers=headers, **kwargs)
    return call


@pytest.fixture
def learner_store(forwarding_app):
    issued = issue_credential(forwarding_app.extensions["lrs"], "forwarding")
    return XapiClient(forwarding_app.test_client(), issued.key, issued.secret), issued.store_id


def _statement(verb: str, activity: str, mbox: str = "mailto:ann@example.com") -> dict:
    return {"actor": {"mbox": mbox}, "verb": {"id": verb}, "object": {"id": activity}}


def _subscribe(admin, receiver, store_id: int, **filters) -> int:
    response = admin("POST", f"/admin/automation/stores/{store_id}/subscriptions",
                     json={"url": receiver.url, **filters})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    receiver.secrets[str(created["id"])] = created["secret"]
    return created["id"]


def test_each_subscription_gets_its_matching_statements_once_in_stored_order(forwarding_app, admin, learner_store):
    client, store_id = learner_store
    automation = _automation(forwarding_app)
    with RecordingReceiver() as receiver:
        everything = _subscribe(admin, receiver, store_id)
        by_verb = _subscribe(admin, receiver, store_id, verb_id=COMPLETED)
        by_activity = _subscribe(admin, receiver, store_id, activity_id="http://example.com/course/1")
        by_actor = _subscribe(admin, receiver, store_id, actor={"mbox": "mailto:bob@example.com"})
        sent = [_statement(COMPLETED, "http://example.com/course/1"),
                _statement(ATTEMPTED, "http://example.com/course/2", "mailto:bob@example.com"),
                _statement(ATTEMPTED, "http://example.com/course/1"),
                _statement(COMPLETED, "http://example.com/course/2", "mailto:bob@example.com")]
        ids = client.post_statements(sent[:1]).get_json() + client.post_statements(sent[1:]).get_json()
        automation.dispatcher.run_until_idle()
        automation.dispatcher.run_until_idle()  # nothing more to send: still once each
        assert receiver.ids(everything) == ids
        assert receiver.ids(by_verb) == [ids[0], ids[3]]
        assert receiver.ids(by_activity) == [ids[0], ids[2]]
        assert receiver.ids(by_actor) == [ids[1], ids[3]]
        assert receiver.refused == 0 and receiver.resent() == 0
        forwarded = receiver.statements[str(everything)][0]
        assert forwarded["verb"]["id"] == COMPLETED and forwarded["stored"]  # the statement as stored
        log = admin("GET", f"/admin/automation/subscriptions/{everything}/deliveries").get_json()
        assert sum(entry["statements"] for entry in log) == 4 and {entry["status_code"] for entry in log} == {200}


def test_a_subscription_forwards_only_what_is_stored_after_it_and_only_its_store(forwarding_app, admin,
                                                                                  learner_store):
    client, store_id = learner_store
    other = issue_credential(forwarding_app.extensions["lrs"], "other-store")
    other_client = XapiClient(forwarding_app.test_client(), other.key, other.secret)
    automation = _automation(forwarding_app)
    client.post_statements(_statement(COMPLETED, "http://example.com/before"))
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        other_client.post_statements(_statement(COMPLETED, "http://example.com/elsewhere"))
        [after] = client.post_statements(_statement(COMPLETED, "http://example.com/after")).get_json()
        automation.dispatcher.run_until_idle()
        assert receiver.ids(subscription) == [after]


def test_two_runners_on_one_subscription_forward_each_statement_once_as_get_returns_it(forwarding_app, admin,
                                                                                       learner_store):
    """Two runners (two workers on PostgreSQL) advance one subscription at once: its cursor is held through
    the batch, so the second finds it moved and sends nothing; no effect row is kept per statement. Each
    statement arrives as GET /statements returns it (xAPI-Communication 2.1.3, format=exact)."""
    client, store_id = learner_store
    runners = [_automation(forwarding_app), _automation(forwarding_app)]
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        ids = client.post_statements([_statement(ATTEMPTED, f"http://example.com/race/{n}")
                                      for n in range(30)]).get_json()
        receiver.answer_delay_seconds = 0.3  # the first runner's POST is still out while the second reads
        steps = []
        threads = [threading.Thread(target=lambda runner=runner: steps.append(runner.dispatcher.advance(
            runner.dispatcher.consumers()[f"forward:{subscription}"]))) for runner in runners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(step.handled for step in steps) == [0, 30]
        assert receiver.ids(subscription) == ids and receiver.resent() == 0
        returned = client.get_statements(limit=30, ascending="true").get_json()["statements"]
        assert receiver.statements[str(subscription)] == returned
        with forwarding_app.extensions["lrs"].engines.read.connect() as connection:
            kept = connection.execute(select(func.count()).select_from(effects_table).where(
                effects_table.c.effect_key.like(f"forward:{subscription}:%"))).scalar_one()
        assert kept == 0


def test_a_slow_receiver_does_not_hold_back_another_subscription(forwarding_app, admin, learner_store):
    """While one subscription's request waits on its receiver, another subscription still reads the
    statements stored meanwhile: the batch in flight holds its cursor without a transaction id, which would
    make every outbox reader wait for it (lrs/events.py, PostgreSQL)."""
    if forwarding_app.extensions["lrs"].engines.dialect != "postgresql":
        pytest.skip("SQLite's one runner dispatches one batch at a time (automation/embedded.py)")
    client, store_id = learner_store
    automation = _automation(forwarding_app)
    with RecordingReceiver() as slow, RecordingReceiver() as fast:
        held = _subscribe(admin, slow, store_id)
        other = _subscribe(admin, fast, store_id)
        [first] = client.post_statements(_statement(ATTEMPTED, "http://example.com/slow/1")).get_json()
        slow.answer_delay_seconds = 1.5
        consumers = automation.dispatcher.consumers()
        in_flight = threading.Thread(target=automation.dispatcher.advance, args=(consumers[f"forward:{held}"],))
        in_flight.start()
        try:
            time.sleep(0.3)
            [second] = client.post_statements(_statement(ATTEMPTED, "http://example.com/slow/2")).get_json()
            step = _automation(forwarding_app).dispatcher.advance(consumers[f"forward:{other}"])
            assert in_flight.is_alive() and step.handled == 2
            assert fast.ids(other) == [first, second]
        finally:
            in_flight.join()
        assert slow.ids(held) == [first]


def test_signature_is_hmac_sha256_over_timestamp_and_body_and_refuses_replays():
    body = orjson.dumps([{"id": "x"}])
    header = signature("secret", body, int(time.time()))
    assert verify("secret", body, header)
    assert not verify("other secret", body, header)
    assert not verify("secret", body + b" ", header)
    old = signature("secret", body, int(time.time()) - 3600)  # a captured request replayed an hour later
    assert not verify("secret", body, old, tolerance_seconds=300)
    assert not verify("secret", body, "v1=abc")


def test_receiver_down_for_an_hour_gets_everything_in_order_when_back(forwarding_app, admin, learner_store):
    client, store_id = learner_store
    automation = _automation(forwarding_app, retry_base_seconds=1.0, retry_max_delay_seconds=600.0)
    dispatcher = automation.dispatcher
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        receiver.answer_status = 503
        ids = []
        clock = int(time.time() * 1000)
        for minute in range(60):  # an hour of ingest while the receiver is down, on a simulated clock
            ids += client.post_statements([_statement(ATTEMPTED, f"http://example.com/{minute}/{n}")
                                           for n in range(3)]).get_json()
            clock += 60_000
            dispatcher.run_until_idle(now=lambda: clock)
        status = admin("GET", f"/admin/automation/subscriptions/{subscription}").get_json()
        assert status["failing_attempts"] >= 5 and "503" in status["last_error"]
        assert admin("GET", "/admin/automation/dead-letters",
                     query_string={"consumer": f"forward:{subscription}"}).get_json() == []
        receiver.answer_status = 200
        clock += 601_000  # the longest back-off
        dispatcher.run_until_idle(now=lambda: clock)
        assert receiver.ids(subscription) == ids  # all 180, in stored order
        log = admin("GET", f"/admin/automation/subscriptions/{subscription}/deliveries",
                    query_string={"limit": 1000}).get_json()
        failures = [entry for entry in log if entry["status_code"] == 503]
        assert failures and [entry["attempt"] for entry in failures] == list(range(1, len(failures) + 1))
        assert log[-1]["status_code"] == 200


def test_backoff_between_tries_grows_exponentially(forwarding_app, admin, learner_store):
    client, store_id = learner_store
    automation = _automation(forwarding_app, retry_base_seconds=1.0, retry_max_delay_seconds=600.0)
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        receiver.answer_status = 500
        client.post_statements(_statement(ATTEMPTED, "http://example.com/backoff"))
        clock = int(time.time() * 1000)
        waits = []
        consumer = automation.dispatcher.consumers()[f"forward:{subscription}"]
        for _ in range(5):
            step = automation.dispatcher.advance(consumer, now=clock)
            waits.append(step.waiting_until_ms - clock)
            clock = step.waiting_until_ms
        assert waits == [1000, 2000, 4000, 8000, 16000]
        assert receiver.requests == 5


def test_dead_letters_are_listed_retried_and_discarded(forwarding_app, admin, learner_store):
    client, store_id = learner_store
    automation = _automation(forwarding_app, max_attempts=2, retry_base_seconds=0.001)
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        receiver.answer_status = 500
        first, second = client.post_statements([_statement(ATTEMPTED, "http://example.com/dead/1"),
                                                _statement(ATTEMPTED, "http://example.com/dead/2")]).get_json()
        clock = int(time.time() * 1000)
        for _ in range(3):
            clock += 1000
            automation.dispatcher.run_until_idle(now=lambda: clock)
        letters = admin("GET", "/admin/automation/dead-letters",
                        query_string={"consumer": f"forward:{subscription}"}).get_json()
        assert [(letter["subject"], letter["status"], letter["attempts"]) for letter in letters] == [
            (first, "dead", 1), (second, "dead", 1)]
        assert "500" in letters[0]["last_error"]
        # the subscription goes on after its dead letters
        receiver.answer_status = 200
        [later] = client.post_statements(_statement(ATTEMPTED, "http://example.com/dead/3")).get_json()
        automation.dispatcher.run_until_idle()
        assert receiver.ids(subscription) == [later]
        retried = admin("POST", f"/admin/automation/dead-letters/{letters[0]['id']}/retry")
        assert retried.status_code == 200 and retried.get_json()["status"] == "retrying"
        discarded = admin("POST", f"/admin/automation/dead-letters/{letters[1]['id']}/discard")
        assert discarded.get_json()["status"] == "discarded"
        automation.dispatcher.run_until_idle()
        assert receiver.ids(subscription) == [later, first]  # a retried dead letter comes after
        assert automation.progress.delivery(letters[0]["id"]).status == "done"
        assert admin("POST", f"/admin/automation/dead-letters/{letters[1]['id']}/retry").status_code == 404
        assert admin("GET", "/admin/automation/dead-letters",
                     query_string={"consumer": f"forward:{subscription}"}).get_json() == []


def test_paused_subscription_forwards_what_it_missed_when_resumed(forwarding_app, admin, learner_store):
    client, store_id = learner_store
    automation = _automation(forwarding_app)
    with RecordingReceiver() as receiver:
        subscription = _subscribe(admin, receiver, store_id)
        assert admin("PATCH", f"/admin/automation/subscriptions/{subscription}",
                     json={"enabled": False}).get_json()["enabled"] is False
        automation.forwarding.refresh()
        ids = client.post_statements([_statement(ATTEMPTED, "http://example.com/paused")]).get_json()
        automation.dispatcher.run_until_idle()
        assert receiver.ids(subscription) == []
        admin("PATCH", f"/admin/automation/subscriptions/{subscription}", json={"enabled": True})
        automation.forwarding.refresh()
        automation.dispatcher.run_until_idle()
        assert receiver.ids(subscription) == ids
        assert admin("DELETE", f"/admin/automation/subscriptions/{subscription}").status_code == 204
        assert admin("GET", f"/admin/automation/subscriptions/{subscription}").status_code == 404


@pytest.mark.parametrize("body, field", [
    ({}, "url"),
    ({"url": "ftp://example.com/x"}, "url"),
    ({"url": "/relative"}, "url"),
    ({"url": "http://example.com/x", "actor": {"name": "no identifier"}}, "actor"),
    ({"url": "http://example.com/x", "verb_id": ""}, "verb_id"),
])
def test_bad_subscription_requests_are_400_naming_the_field(admin, learner_store, body, field):
    _, store_id = learner_store
    response = admin("POST", f"/admin/automation/stores/{store_id}/subscriptions", json=body)
    assert response.status_code == 400
    assert field in orjson.dumps(response.get_json()).decode()


def test_admin_automation_needs_an_admin_and_existing_rows(forwarding_app, admin):
    assert forwarding_app.test_client().get("/admin/automation/dead-letters").status_code == 401
    assert admin("POST", "/admin/automation/stores/999999/subscriptions",
                 json={"url": "http://example.com/x"}).status_code == 404
    assert admin("GET", "/admin/automation/subscriptions/999999").status_code == 404
    assert admin("POST", "/admin/automation/dead-letters/999999/retry").status_code == 404
    assert admin("PATCH", "/admin/automation/subscriptions/1", json={"enabled": 1}).status_code in (400, 404)
    assert admin("GET", "/admin/automation/dead-letters", query_string={"limit": "x"}).status_code == 400
