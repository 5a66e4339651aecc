"""Public pages: unsubscribe (RFC 8058 one-click POST too), certificate verification, the help form."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, current_app, request

from automation.certificates.pdf import completed_on
from automation.workflows.api.responses import not_found_page, page, workflows
from delivery.errors import BadRequest
from lrs.xapi.errors import NotFound

blueprint = Blueprint("workflow_pages", __name__)
_ONE_CLICK = "List-Unsubscribe=One-Click"


@blueprint.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    found = workflows().unsubscribe_tokens.read(token)
    if found is None:
        return not_found_page("This unsubscribe link is not one of ours, or it was changed on the way.")
    store_id, email = found
    if request.method == "GET":  # a link checker or prefetch must not unsubscribe anyone
        return page("unsubscribe", email=email, done=False)
    workflows().unsubscribes.add(store_id, email)
    if request.form.get("List-Unsubscribe") == "One-Click":  # RFC 8058 §3.1: the mail client's POST
        return current_app.response_class("unsubscribed\n", mimetype="text/plain")
    return page("unsubscribe", email=email, done=True)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat().replace("+00:00", "Z")


@blueprint.route("/certificates/<certificate_id>", methods=["GET"])
def certificate(certificate_id: str):
    issuer = workflows().certificates
    found = issuer.store.get(certificate_id) if len(certificate_id) <= 64 else None
    if found is None:
        return not_found_page("No certificate has this address. Check that the whole link was copied.")
    revoked = found.revoked_ms
    return page("certificate", certificate=found, issuer=issuer.issuer_name, completed_on=completed_on(found),
                completed_iso=_iso(found.completed_ms),
                revoked_on=datetime.fromtimestamp(revoked / 1000, tz=timezone.utc).strftime("%d %B %Y")
                if revoked else None, revoked_iso=_iso(revoked) if revoked else None)


@blueprint.route("/support/<int:store_id>/help", methods=["GET", "POST"])
def help_form(store_id: int):
    try:
        current_app.extensions["lrs"].administration.store(store_id)
    except NotFound:
        return not_found_page("There is no help desk here.")
    if request.method == "GET":
        return page("support_form", error=None, values={"email": "", "subject": "", "message": ""})
    values = {name: request.form.get(name, "") for name in ("email", "subject", "message")}
    try:
        submitted = workflows().support.submit(store_id, values)
    except BadRequest as error:
        return page("support_form", status=400, error=error.message.replace("'", ""), values=values)
    self_service = submitted.category in workflows().rules.get(store_id, "support")["self_service"]
    return page("support_received", status=201, request=submitted, self_service=self_service)
