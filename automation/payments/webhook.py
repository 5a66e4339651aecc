"""Checks a Stripe webhook: the Stripe-Signature header with the stripe library's own verification and
tolerance (https://docs.stripe.com/webhooks#verify-events), then the event's shape."""
from __future__ import annotations

from dataclasses import dataclass

import orjson
import stripe

# A Stripe event is a few kilobytes; anything far larger is not one.
MAX_EVENT_BYTES = 512 * 1024


class WebhookRefused(Exception):
    """The request is not a Stripe event signed with our secret within the tolerance (400)."""

    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class StripeEvent:
    event_id: str
    type: str
    created: int
    body: dict  # the whole event as Stripe sent it

    @property
    def data_object(self) -> dict:
        return self.body["data"]["object"]


class StripeWebhook:
    def __init__(self, secret: str, tolerance_seconds: int = stripe.Webhook.DEFAULT_TOLERANCE):
        self._secret = secret
        self._tolerance = tolerance_seconds

    def verified_event(self, payload: bytes, signature_header: str | None) -> StripeEvent:
        if len(payload) > MAX_EVENT_BYTES:
            raise WebhookRefused(f"the body is larger than {MAX_EVENT_BYTES} bytes", "body")
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError:
            raise WebhookRefused("the body is not UTF-8", "body") from None
        try:
            # Checks the HMAC-SHA256 v1 signature over "timestamp.body" and refuses a timestamp older
            # than the tolerance: a replay of a captured request after that is refused here, and one
            # within it is a duplicate event id (PaymentEvents.record).
            stripe.WebhookSignature.verify_header(payload, signature_header, self._secret, self._tolerance)
        except stripe.SignatureVerificationError as error:
            raise WebhookRefused(f"Stripe-Signature: {error.user_message or error}", "Stripe-Signature") from None
        try:
            body = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise WebhookRefused("the body is not JSON", "body") from None
        if not isinstance(body, dict) or body.get("object") != "event":
            raise WebhookRefused("the body is not a Stripe event (object 'event')", "object")
        event_id, kind, created = body.get("id"), body.get("type"), body.get("created")
        if not isinstance(event_id, str) or not event_id or len(event_id) > 255:
            raise WebhookRefused("the event has no id", "id")
        if not isinstance(kind, str) or not kind:
            raise WebhookRefused("the event has no type", "type")
        if not isinstance(created, int) or isinstance(created, bool):
            raise WebhookRefused("the event has no created time", "created")
        data = body.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
            raise WebhookRefused("the event has no data.object", "data.object")
        return StripeEvent(event_id=event_id, type=kind, created=created, body=body)
