"""The Stripe webhook and what payments do (issue 15, Workflows: Payments), on SQLite and PostgreSQL:
webhooks built and signed with the stripe library's signing scheme and a test secret; never Stripe's API."""
from __future__ import annotations

import time
import uuid

import orjson
import pytest
import stripe

from tests.api.automation_workflows_world import WEBHOOK_SECRET, make_world, stripe_event


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = make_world(database_url, tmp_path_factory)
    yield world
    # the SMTP server is shared by every world of this process (automation_workflows_world.shared_smtp)
    world.app.extensions["lrs"].close()


def checkout(world, email: str, **extra) -> dict:
    session = {"id": f"cs_test_{uuid.uuid4().hex}", "object": "checkout.session", "mode": "payment",
               "payment_status": "paid", "customer_details": {"email": email, "name": "Noor Haddad"},
               "metadata": {"course_id": world.course_id}, "subscription": None}
    return stripe_event(f"evt_{uuid.uuid4().hex}", "checkout.session.completed", {**session, **extra})


def grants(world, email: str) -> list[dict]:
    learner = orjson.dumps(world.workflows.paying_learner(email, None)).decode()
    response = world.api("GET", "/api/v1/enrolments", query_string={"learner": learner})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["grants"]


def enrolment_events(world, email: str) -> list:
    from lrs.xapi.agents import ifi_key
    key = ifi_key(world.workflows.paying_learner(email, None))
    return [event for event in world.app.extensions["lrs"].events.read_after(0, 100_000)
            if event.kind == "enrolment.changed" and event.subject == key]


def test_checkout_completed_enrols_the_learner_and_sends_one_welcome_email_with_the_course_link(world):
    rules = world.admin("GET", "/rules/enrolment").get_json()  # the course site's link (none by default)
    rules["course_url"] = "https://school.example.com/learn/{course_id}"
    assert world.admin("PUT", "/rules/enrolment", json=rules).status_code == 200
    email = f"noor-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout(world, email)
    response = world.stripe_post(event)
    assert response.status_code == 200 and response.get_json() == {"received": True, "id": event["id"],
                                                                    "duplicate": False}
    world.run()
    [grant] = grants(world, email)
    assert grant["course"] == world.course_id and grant["active"] and grant["source"].startswith("stripe:cs_test_")
    [welcome] = world.mail_to(email)
    assert welcome["Subject"] == "Welcome to Fire Safety"
    assert f"https://school.example.com/learn/{world.course_id}" in welcome.get_body(("plain",)).get_content()
    assert "Noor Haddad" in welcome.get_body(("html",)).get_content()
    assert "List-Unsubscribe" not in welcome  # transactional
    # The grant is a delivery registration of the course for the paying learner.
    registration = world.api("GET", f"/api/v1/registrations/{grant['registration']}")
    assert registration.status_code == 200 and registration.get_json()["course"] == world.course_id
    # The enrolment change went through the spine's event log (issue 15: enrolment changes emit events).
    [changed] = enrolment_events(world, email)
    assert changed.payload["change"] == "granted" and changed.payload["course_id"] == world.course_id


def test_a_duplicate_event_id_is_acknowledged_and_enrols_once(world):
    # issue 15: "duplicate event ids are refused or ignored ... a duplicate event enrols once".
    email = f"dup-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout(world, email)
    assert world.stripe_post(event).get_json()["duplicate"] is False
    world.run()
    again = world.stripe_post(event)  # Stripe resends an event it thinks was not received
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    # The same checkout delivered under a new event id still grants nothing new.
    assert world.stripe_post({**event, "id": f"evt_{uuid.uuid4().hex}"}).get_json()["duplicate"] is False
    world.run()
    assert len(grants(world, email)) == 1
    assert len(world.mail_to(email)) == 1
    assert len(enrolment_events(world, email)) == 1


def test_bad_signatures_and_stale_timestamps_are_refused_and_keep_nothing(world):
    # Stripe docs, Verify webhook signatures: HMAC-SHA256 over "t.body" with the endpoint secret; a
    # timestamp older than the tolerance (the library's default, 300 s) is a replay and refused.
    email = f"bad-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout(world, email)
    payload = orjson.dumps(event).decode()
    cases = {
        "wrong secret": world.stripe_post(event, secret="whsec_someone_else"),
        "stale timestamp": world.stripe_post(event, timestamp=int(time.time()) - 301),
        "no header": world.stripe_post(event, header=""),
        "garbage header": world.stripe_post(event, header="t=abc,v1=zz"),
        "body changed after signing": world.http.post(
            "/payments/stripe/webhook", data=payload.replace("Noor", "Mallory"), content_type="application/json",
            headers={"Stripe-Signature": stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)}),
    }
    for name, response in cases.items():
        assert response.status_code == 400, name
        assert response.get_json()["error"] == "bad_request" and response.get_json()["where"] == "Stripe-Signature"
    world.run()
    assert grants(world, email) == [] and world.mail_to(email) == []
    listed = world.admin("GET", "/payment-events").get_json()["events"]
    assert event["id"] not in {kept["id"] for kept in listed}


def test_a_captured_request_replayed_after_the_tolerance_is_refused(world):
    email = f"replay-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout(world, email)
    payload = orjson.dumps(event).decode()
    captured = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET,
                                                                  timestamp=int(time.time()) - 3600)
    response = world.stripe_post(event, header=captured)
    assert response.status_code == 400 and "tolerance" in response.get_json()["message"]


def test_a_signed_body_that_is_not_an_event_is_refused(world):
    for body, where in (({"object": "charge", "id": "ch_1"}, "object"),
                        ({"object": "event", "id": "evt_1", "type": "x", "created": 1}, "data.object")):
        assert world.stripe_post(body).get_json()["where"] == where


def test_every_payment_event_is_kept_with_its_outcome(world):
    other = stripe_event(f"evt_{uuid.uuid4().hex}", "customer.created", {"id": "cus_1", "object": "customer"})
    unpaid = checkout(world, "later@example.com", payment_status="unpaid")
    for event in (other, unpaid):
        assert world.stripe_post(event).status_code == 200
    world.run()
    kept = {item["id"]: item for item in world.admin("GET", "/payment-events").get_json()["events"]}
    assert kept[other["id"]]["type"] == "customer.created" and kept[other["id"]]["outcome"] == "kept"
    assert kept[unpaid["id"]]["outcome"] == "not enrolled: payment_status 'unpaid'"
    assert grants(world, "later@example.com") == []


def test_invoice_payment_failed_sends_one_retry_notice(world):
    email = f"card-{uuid.uuid4().hex[:8]}@example.com"
    invoice = {"id": f"in_{uuid.uuid4().hex}", "object": "invoice", "customer_email": email,
               "customer_name": "Ravi", "amount_due": 4900, "currency": "eur",
               "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1/test_123",
               "next_payment_attempt": 1_900_000_000}
    event = stripe_event(f"evt_{uuid.uuid4().hex}", "invoice.payment_failed", invoice)
    world.stripe_post(event)
    world.stripe_post(event)
    world.run()
    [notice] = world.mail_to(email)
    assert notice["Subject"] == "Your payment did not go through"
    text = notice.get_body(("plain",)).get_content()
    assert "EUR 49.00" in text and "https://invoice.stripe.com/i/acct_1/test_123" in text and "Ravi" in text


def test_subscription_deleted_ends_access_at_the_period_end(world):
    email = f"sub-{uuid.uuid4().hex[:8]}@example.com"
    subscription_id = f"sub_{uuid.uuid4().hex}"
    world.stripe_post(checkout(world, email, mode="subscription", subscription=subscription_id))
    world.run()
    assert grants(world, email)[0]["endsMs"] is None
    period_end = int(time.time()) + 3 * 24 * 3600
    deleted = stripe_event(f"evt_{uuid.uuid4().hex}", "customer.subscription.deleted",
                           {"id": subscription_id, "object": "subscription", "status": "canceled",
                            "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": period_end}]}})
    world.stripe_post(deleted)
    world.run()
    [grant] = grants(world, email)
    # Access lasts until the end of the period already paid for, then stops.
    assert grant["endsMs"] == period_end * 1000 and grant["active"] is True
    assert [event.payload["change"] for event in enrolment_events(world, email)] == ["granted", "ending"]


def test_a_subscription_deleted_before_its_checkout_is_handled_still_ends_access(world):
    # Stripe does not guarantee delivery order: the ending is found when the checkout arrives later.
    email = f"order-{uuid.uuid4().hex[:8]}@example.com"
    subscription_id = f"sub_{uuid.uuid4().hex}"
    ended_at = int(time.time()) - 60
    world.stripe_post(stripe_event(f"evt_{uuid.uuid4().hex}", "customer.subscription.deleted",
                                   {"id": subscription_id, "object": "subscription", "current_period_end": ended_at}))
    world.run()
    world.stripe_post(checkout(world, email, mode="subscription", subscription=subscription_id))
    world.run()
    [grant] = grants(world, email)
    assert grant["endsMs"] == ended_at * 1000 and grant["active"] is False


def test_an_unknown_course_or_tier_enrols_no_one_and_says_why(world):
    email = f"tier-{uuid.uuid4().hex[:8]}@example.com"
    event = checkout(world, email, metadata={"tier": "platinum"})
    world.stripe_post(event)
    world.run()
    kept = {item["id"]: item for item in world.admin("GET", "/payment-events").get_json()["events"]}
    assert kept[event["id"]]["outcome"].startswith("not enrolled: no tier 'platinum'")
    # A tier defined in the rules (data, changed without a deploy) grants its courses.
    rules = world.admin("GET", "/rules/enrolment").get_json()
    rules["tiers"]["platinum"] = [world.course_id]
    assert world.admin("PUT", "/rules/enrolment", json=rules).status_code == 200
    world.stripe_post(checkout(world, email, metadata={"tier": "platinum"}))
    world.run()
    assert [grant["course"] for grant in grants(world, email)] == [world.course_id]
