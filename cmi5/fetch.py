"""The fetch URL (cmi5 8.2): POST {public URL}/cmi5/fetch/{session id}?k={key}.

POST only, no Authorization, answered from any origin (AUs may live elsewhere; CORS preflights included),
always 200 application/json: the first call gets {"auth-token": ...}; a repeat, an expired key, or a call
after the session ended gets error-code "1"; an unknown key "2"; a failure of ours "3" (8.2.3.2)."""
from __future__ import annotations

import logging
import re

import orjson
from flask import Blueprint, Response, request

from delivery.errors import Unauthorized
from delivery.runtime import token_digest

from cmi5.au_session import auth_token

log = logging.getLogger(__name__)
blueprint = Blueprint("cmi5_fetch", __name__)
FETCH_PATH = "/cmi5/fetch"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


def fetch_url(public_url: str, session_id: str, key: str) -> str:
    return f"{public_url.rstrip('/')}{FETCH_PATH}/{session_id}?k={key}"


def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json", headers=headers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(code: str, text: str) -> Response:
    return _json({"error-code": code, "error-text": text})


@blueprint.after_request
def _cors(response: Response) -> Response:
    # No cookie or credential rides on this call: any origin may make it (cmi5 8.2: the AU's origin is its own).
    if request.headers.get("Origin"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        requested = request.headers.get("Access-Control-Request-Headers", "")
        if requested and re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~, -]{1,1000}", requested):
            response.headers["Access-Control-Allow-Headers"] = requested
        response.headers["Access-Control-Max-Age"] = "600"
    return response


@blueprint.route(f"{FETCH_PATH}/<session_id>", methods=["POST", "OPTIONS", "GET", "PUT", "DELETE", "PATCH"])
def fetch(session_id: str):
    if request.method == "OPTIONS":
        return Response(status=204)
    if request.method != "POST":
        # cmi5 8.2.1: "an HTTP GET is not allowed in order to prevent caching of the request".
        return _json({"error-code": "2", "error-text": "the fetch URL answers POST only"}, status=405,
                     headers={"Allow": "POST, OPTIONS"})
    from delivery.api import current_delivery
    key = request.args.get("k", "")
    try:
        delivery = current_delivery()
        session = delivery.runtime.find_session(session_id) if _UUID.match(session_id) else None
        if session is None or not key or session.data.get("fetchKey") != token_digest(key):
            return _error("2", "unknown fetch key")
        try:
            redeemed = delivery.runtime.redeem_launch_token(key)
        except Unauthorized:
            # cmi5 8.2.3.1: one auth-token per launch; also an expired key or an ended session (8.2.3.2 "1").
            return _error("1", "The authorization token has already been returned, has expired, or its session "
                               "has ended.")
        return _json({"auth-token": auth_token(redeemed.session.id, redeemed.session_token)})
    except Exception:  # noqa: BLE001 - the contract is a 200 JSON answer, error-code "3"
        log.exception("fetch for session %s failed", session_id)
        return _error("3", "the LMS could not issue a token; launch again")
