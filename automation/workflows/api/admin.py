"""The workflows' admin API (HTTP Basic with an admin account, as /admin): rules, payment events,
certificates (revoke), support requests and ending a learner's access."""
from __future__ import annotations

import orjson
from flask import Blueprint, current_app, g, request

from automation.workflows.api.responses import workflows
from automation.workflows.rules import InvalidRules, Rules
from automation.workflows.storage.rows import now_ms
from delivery.requests import learner_agent
from delivery.errors import BadRequest as DeliveryBadRequest
from lrs.api.responses import json_response
from lrs.xapi.agents import ifi_key
from lrs.xapi.errors import BadRequest, NotFound

blueprint = Blueprint("workflow_admin", __name__, url_prefix="/admin/workflows/stores/<int:store_id>")


@blueprint.before_request
def _authenticate_admin():
    administration = current_app.extensions["lrs"].administration
    g.admin_actor = administration.authenticate_admin(request.headers.get("Authorization"), request.remote_addr)
    administration.store(request.view_args["store_id"])  # 404 for a store that does not exist


def _json_body() -> dict:
    if request.mimetype != "application/json":
        raise BadRequest("the body must be application/json", path="Content-Type")
    try:
        body = orjson.loads(request.get_data(cache=True) or b"null")
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _rule_name(name: str) -> str:
    if name not in Rules.NAMES:
        raise NotFound(f"no rules named {name!r}; there are {', '.join(Rules.NAMES)}", path="name")
    return name


@blueprint.route("/rules/<name>", methods=["GET"])
def get_rules(store_id: int, name: str):
    return json_response(workflows().rules.get(store_id, _rule_name(name)))


@blueprint.route("/rules/<name>", methods=["PUT"])
def put_rules(store_id: int, name: str):
    try:
        return json_response(workflows().rules.put(store_id, _rule_name(name), _json_body()))
    except InvalidRules as error:
        raise BadRequest(error.message, path=error.where) from None


@blueprint.route("/payment-events", methods=["GET"])
def payment_events(store_id: int):
    return json_response({"events": [
        {"id": kept.event_id, "type": kept.type, "created": kept.stripe_created, "receivedMs": kept.received_ms,
         "outcome": kept.outcome} for kept in workflows().payments.listing(store_id)]})


def _certificate_body(certificate) -> dict:
    return {"id": certificate.id, "learnerName": certificate.learner_name, "courseId": certificate.course_id,
            "courseTitle": certificate.course_title, "completedMs": certificate.completed_ms,
            "issuedMs": certificate.issued_ms, "revokedMs": certificate.revoked_ms,
            "revokeReason": certificate.revoke_reason,
            "verificationUrl": workflows().certificates.verification_url(certificate.id)}


@blueprint.route("/certificates", methods=["GET"])
def certificates(store_id: int):
    return json_response({"certificates": [_certificate_body(certificate)
                                           for certificate in workflows().certificates.store.for_store(store_id)]})


@blueprint.route("/certificates/<certificate_id>/revoke", methods=["POST"])
def revoke_certificate(store_id: int, certificate_id: str):
    reason = _json_body().get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 500:
        raise BadRequest("'reason' must be 1 to 500 characters", path="reason")
    revoked = workflows().certificates.store.revoke(store_id, certificate_id, reason.strip())
    if revoked is None:
        raise NotFound(f"no certificate {certificate_id} in store {store_id}", path="certificate_id")
    return json_response(_certificate_body(revoked))


@blueprint.route("/support-requests", methods=["GET"])
def support_requests(store_id: int):
    return json_response({"requests": [item.as_json() for item in workflows().support.recent(store_id)]})


@blueprint.route("/enrolments/end", methods=["POST"])
def end_enrolment(store_id: int):
    """{"learner": Agent, "course": ID, "atMs"?: when access ends (default now)}."""
    body = _json_body()
    try:
        agent = learner_agent(body.get("learner"))
    except DeliveryBadRequest as error:
        raise BadRequest(error.message, path="learner") from None
    course_id, at_ms = body.get("course"), body.get("atMs", now_ms())
    if not isinstance(course_id, str) or not course_id:
        raise BadRequest("'course' (a course id) is required", path="course")
    if not isinstance(at_ms, int) or isinstance(at_ms, bool) or at_ms < 0:
        raise BadRequest("'atMs' must be milliseconds since the epoch", path="atMs")
    ended = workflows().enrolment.end(store_id, learner_key=ifi_key(agent), course_id=course_id, ends_ms=at_ms,
                                      reason=g.admin_actor)
    return json_response({"ended": [grant.body(now_ms()) for grant in ended]})
