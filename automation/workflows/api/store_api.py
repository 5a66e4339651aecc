"""The store's API (a credential with the scope `courses` or `all`, as the course and launch API):
POST/GET /api/v1/enrolments and POST /api/v1/support/requests."""
from __future__ import annotations

import orjson
from flask import Blueprint, current_app, g, request

from automation.workflows.api.responses import workflows
from automation.email.mailer import valid_address
from automation.workflows.storage.rows import now_ms
from delivery.api.errors import register_error_handlers
from delivery.errors import BadRequest, Forbidden
from delivery.requests import json_object, learner_agent
from lrs.api.responses import json_response
from lrs.xapi.agents import ifi_key
from lrs.xapi.scopes import COURSES

blueprint = Blueprint("workflow_store_api", __name__, url_prefix="/api/v1")
register_error_handlers(blueprint)


@blueprint.before_request
def _authenticate():
    principal = current_app.extensions["lrs"].authenticator.authenticate(request.headers.get("Authorization"),
                                                                         request.remote_addr)
    g.principal = principal  # the request log names the credential (lrs/operations/observation.py)
    if not ({COURSES, "all"} & set(principal.scopes)):
        raise Forbidden("these credentials may not use the enrolment and support API: that needs the scope "
                        "courses or all")
    g.workflows_store_id = principal.store_id


def _body() -> dict:
    if request.mimetype != "application/json":
        raise BadRequest("the body must be application/json")
    return json_object(request.get_data(cache=True))


def _optional_text(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or not value or len(value) > 300):
        raise BadRequest(f"'{name}' must be a non-empty string of at most 300 characters")
    return value


@blueprint.route("/enrolments", methods=["POST"])
def enrol():
    """{"learner": Agent, "email"?, "name"?, "course": ID | "tier": NAME} -> the learner's grants."""
    body = _body()
    store_id = g.workflows_store_id
    current = workflows()
    email = _optional_text(body, "email")
    if email is not None:
        if not valid_address(email):
            raise BadRequest("'email' must be one email address")
    course_ids = current.enrolment.courses_of(store_id, course_id=_optional_text(body, "course"),
                                              tier=_optional_text(body, "tier"))
    grants = current.enrolment.enrol(store_id, learner=body.get("learner"), email=email,
                                     name=_optional_text(body, "name"), course_ids=course_ids, source="api")
    now = now_ms()
    return json_response({"learner": learner_agent(body["learner"]), "grants": [grant.body(now) for grant in grants]})


@blueprint.route("/enrolments", methods=["GET"])
def enrolments():
    """?learner=Agent (JSON): the learner's grants, each saying whether it gives access now."""
    raw = request.args.get("learner")
    if raw is None:
        raise BadRequest("'learner' (an xAPI Agent as JSON) is required")
    try:
        agent = learner_agent(orjson.loads(raw))
    except orjson.JSONDecodeError:
        raise BadRequest("'learner' is not valid JSON") from None
    now = now_ms()
    grants = workflows().enrolment.grants(g.workflows_store_id, ifi_key(agent))
    return json_response({"learner": agent, "grants": [grant.body(now) for grant in grants]})


@blueprint.route("/support/requests", methods=["POST"])
def support_request():
    """{"email", "subject", "message"} -> 202 with the request's id and category; routing follows."""
    submitted = workflows().support.submit(g.workflows_store_id, _body())
    return json_response({"id": submitted.id, "category": submitted.category}, status=202)

