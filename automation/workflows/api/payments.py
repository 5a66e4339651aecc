"""POST /payments/stripe/webhook: Stripe's events, verified, kept once, then handled by the workflows."""
from __future__ import annotations

from flask import Blueprint, request

from automation.payments.webhook import WebhookRefused
from automation.workflows.api.responses import workflows
from lrs.api.responses import json_response

blueprint = Blueprint("workflow_payments", __name__)


@blueprint.route("/payments/stripe/webhook", methods=["POST"])
def stripe_webhook():
    current = workflows()
    if current.stripe is None:  # LRS_STRIPE_WEBHOOK_SECRET unset: there is no endpoint
        return json_response({"error": "not_found", "message": "Stripe webhooks are not configured"}, status=404)
    try:
        event = current.stripe.verified_event(request.get_data(cache=False), request.headers.get("Stripe-Signature"))
    except WebhookRefused as error:
        return json_response({"error": "bad_request", "message": error.message, "where": error.where}, status=400)
    new = current.payments.record(event, current.settings.stripe_store_id)
    # 200 either way: Stripe stops resending a duplicate once it is acknowledged.
    return json_response({"received": True, "id": event.event_id, "duplicate": not new})
