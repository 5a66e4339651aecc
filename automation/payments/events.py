"""Every Stripe event we accepted, kept once by its event id. The row and the `payment.received` event
that sets the workflows going are written in one transaction (the spine's transactional outbox)."""
from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import select, update

from automation.payments.webhook import StripeEvent
from automation.workflows.storage.rows import insert_if_absent, now_ms
from automation.workflows.storage.tables import payment_events

PAYMENT_RECEIVED = "payment.received"


@dataclass(frozen=True)
class KeptPaymentEvent:
    event_id: str
    type: str
    store_id: int | None
    stripe_created: int
    received_ms: int
    outcome: str
    body: dict


class PaymentEvents:
    def __init__(self, engines, events):
        """`events` is the spine's EventLog (lrs/events.py)."""
        self._engines = engines
        self._events = events

    def record(self, event: StripeEvent, store_id: int | None) -> bool:
        """True for an event id not seen before; a duplicate delivery changes nothing and emits nothing."""
        with self._engines.write.begin() as connection:
            inserted = insert_if_absent(connection, payment_events, {
                "event_id": event.event_id, "type": event.type, "store_id": store_id,
                "object_id": _object_id(event),
                "stripe_created": event.created, "received_ms": now_ms(),
                "payload": orjson.dumps(event.body).decode(), "outcome": "received"})
            if inserted:
                self._events.emit(PAYMENT_RECEIVED, store_id, event.event_id,
                                  {"event_id": event.event_id, "type": event.type}, connection=connection)
        return inserted

    def get(self, event_id: str) -> KeptPaymentEvent | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(payment_events).where(payment_events.c.event_id == event_id)).first()
        return None if row is None else _kept(row)

    def subscription_end_ms(self, subscription_id: str) -> int | None:
        """When a deleted subscription's access ends, if its customer.subscription.deleted event is kept."""
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(payment_events.c.payload).where(
                payment_events.c.object_id == subscription_id,
                payment_events.c.type == "customer.subscription.deleted")).all()
        ends = [subscription_ends_ms(orjson.loads(row.payload)["data"]["object"]) for row in rows]
        return min(ends) if ends else None

    def set_outcome(self, event_id: str, outcome: str) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(update(payment_events).where(payment_events.c.event_id == event_id)
                               .values(outcome=outcome))

    def listing(self, store_id: int | None, limit: int = 100, before_ms: int | None = None) -> list[KeptPaymentEvent]:
        query = select(payment_events).order_by(payment_events.c.received_ms.desc()).limit(limit)
        if store_id is not None:
            query = query.where(payment_events.c.store_id == store_id)
        if before_ms is not None:
            query = query.where(payment_events.c.received_ms < before_ms)
        with self._engines.read.connect() as connection:
            return [_kept(row) for row in connection.execute(query)]


def subscription_ends_ms(subscription: dict) -> int:
    """The end of the period already paid for: access lasts until then (issue 15, "at the period end").
    Newer Stripe API versions keep current_period_end on the subscription's items."""
    candidates = [subscription.get("current_period_end")]
    items = subscription.get("items")
    if isinstance(items, dict) and isinstance(items.get("data"), list):
        candidates += [item.get("current_period_end") for item in items["data"] if isinstance(item, dict)]
    candidates += [subscription.get("ended_at"), subscription.get("canceled_at")]
    for value in candidates:
        if isinstance(value, int) and not isinstance(value, bool):
            return value * 1000
    return now_ms()


def _object_id(event: StripeEvent) -> str | None:
    object_id = event.data_object.get("id")
    return object_id if isinstance(object_id, str) and len(object_id) <= 255 else None


def _kept(row) -> KeptPaymentEvent:
    return KeptPaymentEvent(event_id=row.event_id, type=row.type, store_id=row.store_id,
                            stripe_created=row.stripe_created, received_ms=row.received_ms, outcome=row.outcome,
                            body=orjson.loads(row.payload))
