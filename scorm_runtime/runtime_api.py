"""The runtime calls of the SCORM player page (docs/scorm-player-protocol.md, Calls): start, commit,
terminate, navigate and request-valid under /player/api/sessions/{session}/. Thin: each handler reads
the JSON body and calls scorm_runtime.sessions.

The session token is in the body (a beacon cannot set headers), so any Content-Type is read as JSON.
Errors are `{"error": CODE, "message": TEXT}`: 400 bad_request, 401 invalid_token, 404 not_found,
409 session_ended (and 409 not_allowed / stale_record from delivery's rules; a SCORM 2004 request that
sequencing refuses is 409 not_allowed with `exception`, the SN exception id, as launch is)."""
from __future__ import annotations

import orjson
from flask import Blueprint, Response, current_app, request

from delivery.errors import BadRequest, DeliveryError, Unauthorized
from scorm_runtime import sessions

blueprint = Blueprint("scorm_runtime", __name__, url_prefix="/player/api/sessions")

_MAX_BODY_BYTES = 8 * 1024 * 1024  # a full CMI copy of 64,000-character strings fits many times over


# Every answer's headers besides its length (the plain commit, scorm_runtime/plain_commit.py, sends them too).
JSON_HEADERS = (("Content-Type", "application/json"), ("Cache-Control", "no-store"))


def _json(body: dict, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, headers=list(JSON_HEADERS))


@blueprint.errorhandler(DeliveryError)
def _delivery_error(error: DeliveryError):
    body = error.to_dict()
    if isinstance(error, Unauthorized):
        body["error"] = "invalid_token"  # the protocol's name for a wrong, used or expired token
    return _json(body, error.status)


def _body() -> dict:
    return parse_body(request.get_data(cache=False))


def parse_body(raw: bytes) -> dict:
    """A runtime call's JSON object (any Content-Type: a beacon cannot choose it); BadRequest otherwise."""
    if len(raw) > _MAX_BODY_BYTES:
        raise BadRequest(f"the body is larger than {_MAX_BODY_BYTES} bytes")
    try:
        body = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        raise BadRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _settings() -> sessions.RuntimeSettings:
    return sessions.RuntimeSettings.from_settings(current_app.extensions["lrs_settings"])


def _runtime():
    from delivery.api import current_runtime
    return current_runtime()


def _launcher(state, launch_request) -> str | None:
    """Launches the next item for navigate through delivery, as POST /registrations/{id}/launch would."""
    from delivery.api import current_delivery
    from delivery.requests import ItemChoice, LaunchBody
    body = LaunchBody(choice=ItemChoice(launch_request.launchable_id, None),
                      launch_mode=launch_request.launch_mode, return_url=launch_request.return_url)
    return current_delivery().launch(state.registration.store_id, state.registration.id, body, known=state)["url"]


@blueprint.route("/<session_id>/start", methods=["POST"])
def start(session_id: str):
    body = _body()
    return _json(sessions.start(_runtime(), session_id, body.get("launchToken"), _settings()))


@blueprint.route("/<session_id>/commit", methods=["POST"])
def commit(session_id: str):
    # A plain commit (no query string) is answered in front of Flask: scorm_runtime/plain_commit.py.
    body = _body()
    return _json(sessions.commit(_runtime(), session_id, body.get("sessionToken"), body.get("cmi"), _settings()))


def _install_plain_commit(state) -> None:
    from scorm_runtime.plain_commit import PlainCommit
    PlainCommit.install(state.app)


blueprint.record_once(_install_plain_commit)


@blueprint.route("/<session_id>/terminate", methods=["POST"])
def terminate(session_id: str):
    body = _body()
    return _json(sessions.terminate(_runtime(), session_id, body.get("sessionToken"), body.get("cmi"),
                                    _settings()))


@blueprint.route("/<session_id>/navigate", methods=["POST"])
def navigate(session_id: str):
    body = _body()
    return _json(sessions.navigate(_runtime(), session_id, body.get("sessionToken"), body.get("request"),
                                   body.get("target"), body.get("cmi"), _settings(), _launcher))


@blueprint.route("/<session_id>/request-valid", methods=["POST"])
def request_valid(session_id: str):
    body = _body()
    return _json(sessions.request_valid(_runtime(), session_id, body.get("sessionToken")))
