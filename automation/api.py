"""Admin API of the automation core under /admin/automation (HTTP Basic with an admin account, as the
rest of /admin): forwarding subscriptions and their delivery logs, and the dead-letter list."""
from __future__ import annotations

from flask import current_app, g, request
from marshmallow import Schema, fields, validate

from automation.forwarding.subscriptions import SubscriptionError
from lrs.api.admin.routes import AdminBlueprint
from lrs.api.admin.schemas import ROW_ID_MAX, QueryInteger, StrictBoolean
from lrs.xapi.errors import BadRequest, NotFound

blueprint = AdminBlueprint("automation_admin", __name__, url_prefix="/admin/automation",
                           description="Statement forwarding subscriptions, delivery logs and dead letters "
                                       "(HTTP Basic with an admin account)",
                           security=[{"adminBasic": []}], shared_errors=(401, 403, 415, 429, 503))

_IRI = [validate.Length(min=1, max=2000), validate.Regexp(r"^[^\x00]*$", error="must not contain U+0000")]


def _admin():
    return current_app.extensions["automation"].admin


@blueprint.before_request
def _authenticate_admin():
    g.admin_actor = current_app.extensions["lrs"].administration.authenticate_admin(
        request.headers.get("Authorization"), request.remote_addr)


@blueprint.before_request
def _refuse_ids_no_row_has():
    for name, value in (request.view_args or {}).items():
        if name.endswith("_id") and not 1 <= value <= ROW_ID_MAX:
            raise NotFound(f"no {name[:-3].replace('_', ' ')} {value}", path=name)


class SubscriptionRequestSchema(Schema):
    url = fields.String(required=True, validate=_IRI, metadata={"description": "http(s) URL that receives "
                                                                             "POSTs of statement arrays"})
    verb_id = fields.String(validate=_IRI, metadata={"description": "forward only statements with this verb"})
    activity_id = fields.String(validate=_IRI, metadata={"description": "... whose Object is this Activity"})
    actor = fields.Dict(metadata={"description": "... whose Actor has this identifier (an Agent object)"})


class SubscriptionSchema(Schema):
    id = fields.Integer()
    store_id = fields.Integer()
    url = fields.String()
    verb_id = fields.String(allow_none=True)
    activity_id = fields.String(allow_none=True)
    actor_key = fields.String(allow_none=True)
    enabled = fields.Boolean()
    created_ms = fields.Integer()


class IssuedSubscriptionSchema(SubscriptionSchema):
    secret = fields.String(metadata={"description": "HMAC-SHA256 key of X-LRS-Signature; shown only here"})


class SubscriptionStatusSchema(SubscriptionSchema):
    failing_attempts = fields.Integer(metadata={"description": "failed tries of the batch at its head"})
    next_attempt_ms = fields.Integer()
    last_error = fields.String(allow_none=True)


class SubscriptionChangeSchema(Schema):
    enabled = StrictBoolean(required=True)


class PageQuerySchema(Schema):
    after_id = QueryInteger(load_default=0, validate=validate.Range(min=0))
    limit = QueryInteger(load_default=100, validate=validate.Range(min=1, max=1000))


class DeadLetterQuerySchema(PageQuerySchema):
    store_id = QueryInteger(validate=validate.Range(min=1, max=ROW_ID_MAX))
    consumer = fields.String(validate=validate.Length(min=1, max=200))


class ForwardAttemptSchema(Schema):
    id = fields.Integer()
    delivery_id = fields.String()
    statements = fields.Integer()
    first_position = fields.Integer()
    last_position = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    attempt = fields.Integer()
    sent_ms = fields.Integer()
    duration_ms = fields.Integer()


class DeliverySchema(Schema):
    id = fields.Integer()
    consumer = fields.String(metadata={"description": "the handler, or forward:<subscription id>"})
    event_position = fields.Integer()
    event_kind = fields.String()
    store_id = fields.Integer(allow_none=True)
    subject = fields.String()
    status = fields.String(metadata={"description": "retrying, done, dead or discarded"})
    attempts = fields.Integer()
    next_attempt_ms = fields.Integer()
    last_error = fields.String()
    created_ms = fields.Integer()
    updated_ms = fields.Integer()


@blueprint.route("/stores/<int:store_id>/subscriptions", methods=["GET"])
@blueprint.response(200, SubscriptionSchema(many=True))
@blueprint.errors(404)
def list_subscriptions(store_id: int):
    return _admin().subscriptions(store_id)


@blueprint.route("/stores/<int:store_id>/subscriptions", methods=["POST"])
@blueprint.arguments(SubscriptionRequestSchema)
@blueprint.response(201, IssuedSubscriptionSchema)
@blueprint.errors(400, 404)
def create_subscription(body, store_id: int):
    """Forward the store's statements stored from now on (optionally only those with a verb, an
    Activity or an actor) to `url`, signed with the secret shown in this answer (docs/automation.md)."""
    try:
        return _admin().subscribe(store_id, body["url"], verb_id=body.get("verb_id"),
                                  activity_id=body.get("activity_id"), actor=body.get("actor"))
    except SubscriptionError as error:
        raise BadRequest(str(error), path=error.field) from None


@blueprint.route("/subscriptions/<int:subscription_id>", methods=["GET"])
@blueprint.response(200, SubscriptionStatusSchema)
@blueprint.errors(404)
def get_subscription(subscription_id: int):
    """The subscription and whether its receiver is failing (attempts, next try, last error)."""
    subscription = _admin().subscription(subscription_id)
    state = _admin().consumer_state(subscription_id)
    return {**SubscriptionSchema().dump(subscription), "failing_attempts": state.attempts,
            "next_attempt_ms": state.next_attempt_ms, "last_error": state.last_error}


@blueprint.route("/subscriptions/<int:subscription_id>", methods=["PATCH"])
@blueprint.arguments(SubscriptionChangeSchema)
@blueprint.response(200, SubscriptionSchema)
@blueprint.errors(404)
def change_subscription(body, subscription_id: int):
    """Pause (enabled false) or resume; a resumed subscription forwards what it missed."""
    return _admin().set_enabled(subscription_id, body["enabled"])


@blueprint.route("/subscriptions/<int:subscription_id>", methods=["DELETE"])
@blueprint.response(204)
@blueprint.errors(404)
def delete_subscription(subscription_id: int):
    _admin().unsubscribe(subscription_id)


@blueprint.route("/subscriptions/<int:subscription_id>/deliveries", methods=["GET"])
@blueprint.arguments(PageQuerySchema, location="query")
@blueprint.response(200, ForwardAttemptSchema(many=True))
@blueprint.errors(404)
def subscription_deliveries(query, subscription_id: int):
    """Every forwarding request to the receiver, oldest first: statements, answer, error, attempt."""
    return _admin().delivery_log(subscription_id, after_id=query["after_id"], limit=query["limit"])


@blueprint.route("/dead-letters", methods=["GET"])
@blueprint.arguments(DeadLetterQuerySchema, location="query")
@blueprint.response(200, DeliverySchema(many=True))
def dead_letters(query):
    """Deliveries that failed every try, oldest first."""
    return _admin().dead_letters(store_id=query.get("store_id"), consumer=query.get("consumer"),
                                 after_id=query["after_id"], limit=query["limit"])


@blueprint.route("/dead-letters/<int:delivery_id>/retry", methods=["POST"])
@blueprint.response(200, DeliverySchema)
@blueprint.errors(404)
def retry_dead_letter(delivery_id: int):
    """Try the delivery again now, with a fresh count of attempts."""
    return _admin().retry(delivery_id)


@blueprint.route("/dead-letters/<int:delivery_id>/discard", methods=["POST"])
@blueprint.response(200, DeliverySchema)
@blueprint.errors(404)
def discard_dead_letter(delivery_id: int):
    """Give the delivery up; it stays listed as discarded."""
    return _admin().discard(delivery_id)
