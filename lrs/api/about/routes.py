"""About resource (xAPI-Communication 2.8): the versions this LRS speaks."""
from __future__ import annotations

from lrs.api.responses import json_response
from lrs.api.xapi import XapiBlueprint
from lrs.xapi.versions import ABOUT_VERSIONS

blueprint = XapiBlueprint("about", __name__, url_prefix="/xapi", public=True,
                          description="xAPI About resource")


@blueprint.route("/about", methods=["GET"])
def about():
    """Versions of the xAPI this LRS supports."""
    return json_response({"version": list(ABOUT_VERSIONS), "extensions": {}})
