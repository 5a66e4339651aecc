"""About resource (xAPI-Communication 2.8): the versions this LRS speaks."""
from __future__ import annotations

from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint
from lrs.xapi.versions import ABOUT_VERSIONS

blueprint = XapiBlueprint("about", __name__, url_prefix="/xapi", public=True,
                          description="xAPI About resource")


@blueprint.route("/about", methods=["GET"])
@blueprint.answers(200, "The versions this LRS speaks (xAPI-Communication 2.8)", content={
    "application/json": {"schema": {"type": "object", "required": ["version"],
                                    "properties": {"version": {"type": "array", "items": {"type": "string"}},
                                                   "extensions": {"type": "object"}}}}})
def about():
    """Versions of the xAPI this LRS supports."""
    return json_response({"version": list(ABOUT_VERSIONS), "extensions": {}})
