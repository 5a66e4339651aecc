"""Agents Resource (xAPI-Communication 2.4)."""
from __future__ import annotations

from flask import current_app, request

from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal
from lrs.xapi.errors import BadRequest
from lrs.xapi.statement_query import parse_agent_parameter

blueprint = XapiBlueprint("agents", __name__, url_prefix="/xapi",
                          description="xAPI Agents Resource (xAPI-Communication 2.4)")


@blueprint.route("/agents", methods=["GET"])
def person():
    """A Person object for the agent parameter."""
    parameters = request.args.to_dict()
    if "agent" not in parameters:
        raise BadRequest("the agent parameter is required", path="agent", section="xAPI-Communication 2.4.s2")
    unknown = set(parameters) - {"agent"}
    if unknown:
        name = sorted(unknown)[0]
        raise BadRequest(f"unknown parameter '{name}'", path=name, section="xAPI-Communication 2.4.s2")
    agent = parse_agent_parameter(parameters["agent"])
    return json_response(current_app.extensions["lrs"].agents.person(current_principal(), agent))
