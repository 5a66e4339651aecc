"""Activities Resource (xAPI-Communication 2.5)."""
from __future__ import annotations

from flask import current_app

from lrs.api.openapi import IRI, query_parameter
from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint, current_principal, read_parameters
from lrs.xapi.statement_query import parse_iri

blueprint = XapiBlueprint("activities", __name__, url_prefix="/xapi",
                          description="xAPI Activities Resource (xAPI-Communication 2.5)")


@blueprint.route("/activities", methods=["GET"])
@blueprint.query(query_parameter("activityId", "The Activity's id", IRI, required=True))
@blueprint.answers(200, "The Activity, with the definition this LRS holds (xAPI-Data 2.4.4.1)", content={
    "application/json": {"schema": {"type": "object", "required": ["objectType", "id"],
                                    "properties": {"objectType": {"type": "string", "enum": ["Activity"]},
                                                   "id": IRI, "definition": {"type": "object"}}}}})
def activity():
    """The complete Activity object for activityId."""
    parameters = read_parameters(required=("activityId",), section="xAPI-Communication 2.5.s1")
    activity_id = parse_iri(parameters["activityId"], "activityId")
    return json_response(current_app.extensions["lrs"].activities.activity(current_principal(), activity_id))
