"""GET /metrics on the API's own address, when LRS_METRICS=credential: the Prometheus text format to a
scraper sending `Authorization: Bearer <LRS_METRICS_TOKEN>`, 401 to anyone else."""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request

from lrs.api.responses import json_response
from lrs.operations.metrics import CONTENT_TYPE

blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
def metrics():
    operations = current_app.extensions["lrs_operations"]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                             operations.settings.metrics_token.encode()):
        return json_response({"error": "Unauthorized", "message": "the metrics need the scraper's bearer token"},
                             status=401, headers={"WWW-Authenticate": 'Bearer realm="LRS metrics"'})
    return Response(operations.metrics.exposition(), content_type=CONTENT_TYPE,
                    headers={"Cache-Control": "no-store"})
