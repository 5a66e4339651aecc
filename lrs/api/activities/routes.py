"""Activities Resource (xAPI-Communication 2.5)."""
from __future__ import annotations

from flask import current_app, request

from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal
from lrs.xapi.errors import BadRequest
from lrs.xapi.statement_query import parse_iri

blueprint = XapiBlueprint("activities", __name__, url_prefix="/xapi",
                          description="xAPI Activities Resource (xAPI-Communication 2.5)")


@blueprint.route("/activities", methods=["GET"])
def activity():
    """The complete Activity object for activityId."""
    parameters = request.args.to_dict()
    if "activityId" not in parameters:
        raise BadRequest("the activityId parameter is required", path="activityId",
                         section="xAPI-Communication 2.5.s1")
    unknown = set(parameters) - {"activityId"}
    if unknown:
        name = sorted(unknown)[0]
        raise BadRequest(f"unknown parameter '{name}'", path=name, section="xAPI-Communication 2.5.s1")
    activity_id = parse_iri(parameters["activityId"], "activityId")
    return json_response(current_app.extensions["lrs"].activities.activity(current_principal(), activity_id))
