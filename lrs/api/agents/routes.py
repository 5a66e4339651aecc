"""Agents Resource (xAPI-Communication 2.4)."""
from __future__ import annotations

from flask import current_app

from lrs.api.openapi import AGENT, json_query_parameter
from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal, read_parameters
from lrs.xapi.statement_query import parse_agent_parameter

blueprint = XapiBlueprint("agents", __name__, url_prefix="/xapi",
                          description="xAPI Agents Resource (xAPI-Communication 2.4)")


_IFI_LISTS = {name: {"type": "array"} for name in ("name", "mbox", "mbox_sha1sum", "openid", "account")}


@blueprint.route("/agents", methods=["GET"])
@blueprint.query(json_query_parameter("agent", "The Agent (or identified Group)", AGENT, required=True))
@blueprint.answers(200, "A Person: every name and identifier this LRS knows for the agent (xAPI-Data 2.4.2.2)",
                   content={"application/json": {"schema": {
                       "type": "object", "required": ["objectType"],
                       "properties": {"objectType": {"type": "string", "enum": ["Person"]}, **_IFI_LISTS}}}})
def person():
    """A Person object for the agent parameter."""
    parameters = read_parameters(required=("agent",), section="xAPI-Communication 2.4.s2")
    agent = parse_agent_parameter(parameters["agent"])
    return json_response(current_app.extensions["lrs"].agents.person(current_principal(), agent))
