"""What each kept Stripe event does (issue 15, Payments): checkout.session.completed (and an
asynchronous payment that succeeded) enrols the learner; invoice.payment_failed sends a retry notice;
customer.subscription.deleted ends access at the end of the period paid for. Every event is kept whatever
its type (PaymentEvents); its outcome says what came of it."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from automation.email.mailer import valid_address
from automation.payments.events import PAYMENT_RECEIVED, subscription_ends_ms
from automation.workflows.keys import effect_key
from delivery.errors import DeliveryError

log = logging.getLogger(__name__)

ENROLLING = frozenset({"checkout.session.completed", "checkout.session.async_payment_succeeded"})
PAID = frozenset({"paid", "no_payment_required"})


def _text(value) -> str | None:
    return value if isinstance(value, str) and value else None


class PaymentHandler:
    name = "workflows.payments"
    kinds = frozenset({PAYMENT_RECEIVED})

    def __init__(self, workflows):
        self._workflows = workflows

    def handle(self, event, effects) -> None:
        payments = self._workflows.payments
        kept = payments.get(event.payload["event_id"])
        if kept is None:
            return
        data = kept.body["data"]["object"]
        if kept.type in ENROLLING:
            outcome = self._enrol(kept, data)
        elif kept.type == "invoice.payment_failed":
            outcome = self._retry_notice(kept, data, effects)
        elif kept.type == "customer.subscription.deleted":
            outcome = self._end_subscription(kept, data)
        else:
            outcome = "kept"
        payments.set_outcome(kept.event_id, outcome)

    def _enrol(self, kept, session: dict) -> str:
        if session.get("payment_status") not in PAID:
            return f"not enrolled: payment_status {session.get('payment_status')!r}"
        if kept.store_id is None:
            return "not enrolled: no store (LRS_STRIPE_STORE_ID)"
        details = session.get("customer_details") if isinstance(session.get("customer_details"), dict) else {}
        email = _text(details.get("email")) or _text(session.get("customer_email"))
        if email is None or not valid_address(email):
            return "not enrolled: the session has no usable customer email"
        metadata = session.get("metadata") if isinstance(session.get("metadata"), dict) else {}
        workflows = self._workflows
        subscription_id = _text(session.get("subscription"))
        try:
            course_ids = workflows.enrolment.courses_of(kept.store_id, course_id=_text(metadata.get("course_id")),
                                                        tier=_text(metadata.get("tier")))
            grants = workflows.enrolment.enrol(
                kept.store_id, learner=workflows.paying_learner(email, _text(details.get("name"))), email=email,
                name=_text(details.get("name")), course_ids=course_ids, source=f"stripe:{session.get('id')}",
                subscription_id=subscription_id,
                # A subscription cancelled before this checkout was handled (events come in any order).
                ends_ms=workflows.payments.subscription_end_ms(subscription_id) if subscription_id else None)
        except DeliveryError as error:  # an unknown course or tier: retrying will not help
            log.warning("Stripe event %s enrols no one: %s", kept.event_id, error.message)
            return f"not enrolled: {error.message}"
        return "enrolled: " + ", ".join(grant.course_id for grant in grants)

    def _retry_notice(self, kept, invoice: dict, effects) -> str:
        email = _text(invoice.get("customer_email"))
        if email is None or kept.store_id is None:
            return "no retry notice: no customer email or store"
        amount = invoice.get("amount_due")
        currency = _text(invoice.get("currency"))
        next_attempt = invoice.get("next_payment_attempt")
        context = {"learner_name": _text(invoice.get("customer_name")) or email,
                   "amount": f"{currency.upper()} {amount / 100:.2f}" if isinstance(amount, int) and currency else None,
                   "retry_url": _text(invoice.get("hosted_invoice_url")),
                   "next_attempt": datetime.fromtimestamp(next_attempt, tz=timezone.utc).strftime("%d %B %Y")
                   if isinstance(next_attempt, int) else None}
        key = effect_key("payment-retry-notice", kept.store_id, kept.event_id)
        effects.run_once(key, lambda: self._workflows.mailer.send(
            store_id=kept.store_id, to=email, template="payment_failed", context=context, transactional=True,
            message_key=key))
        return "retry notice sent"

    def _end_subscription(self, kept, subscription: dict) -> str:
        subscription_id = _text(subscription.get("id"))
        if subscription_id is None or kept.store_id is None:
            return "nothing ended: no subscription id or store"
        ends_ms = subscription_ends_ms(subscription)
        ended = self._workflows.enrolment.end(kept.store_id, subscription_id=subscription_id, ends_ms=ends_ms,
                                              reason=f"stripe:{kept.event_id}")
        return f"access ends at {ends_ms} for {len(ended)} grant(s)"
