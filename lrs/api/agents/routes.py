"""Agents Resource (xAPI-Communication 2.4)."""
from __future__ import annotations

from flask import current_app

from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal, read_parameters
from lrs.xapi.statement_query import parse_agent_parameter

blueprint = XapiBlueprint("agents", __name__, url_prefix="/xapi",
                          description="xAPI Agents Resource (xAPI-Communication 2.4)")


@blueprint.route("/agents", methods=["GET"])
def person():
    """A Person object for the agent parameter."""
    parameters = read_parameters(required=("agent",), section="xAPI-Communication 2.4.s2")
    agent = parse_agent_parameter(parameters["agent"])
    return json_response(current_app.extensions["lrs"].agents.person(current_principal(), agent))
