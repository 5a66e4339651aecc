"""What the operations layer knows about one request and its answer: filled by ObservedRequests (the
WSGI layer, lrs/operations/observation.py) and by Flask's after_request, read by the metrics and the
request log. It never holds a header value, a query string, a body or a path: only the route template."""
from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

import orjson

REQUEST_ID_HEADER = "X-Request-Id"
ENVIRON_KEY = "lrs.operations.exchange"
UNMATCHED_ROUTE = "unmatched"
# A client's id is kept only when it is a plain token (a proxy's or a tracing header's id); anything else
# is replaced, so a log line never carries what a client chose to smuggle into it.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}\Z")
_ERROR_NAME = re.compile(r"[A-Za-z_]{1,64}\Z")
_ERROR_BODY_MAX_BYTES = 64 * 1024


def request_id_from(header: str | None) -> str:
    """The client's X-Request-Id when it is a plain token, else a new random one."""
    if header and _CLIENT_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


@dataclass
class Exchange:
    request_id: str
    method: str
    remote_addr: str
    started: float
    route: str = UNMATCHED_ROUTE
    status: int = 0
    duration_seconds: float = 0.0
    store_id: int | None = None
    credential_key: str | None = None
    # The error family of a refused request: the `error` of its JSON body (xAPI: BadRequest, Conflict, ...;
    # the course API: invalid_package, ...), or the exception's type when nothing answered.
    error: str | None = None
    statements_stored: int = 0
    # Set when Flask's after_request saw the answer; a WSGI layer that answers by itself (the plain
    # statement POST, lrs/api/statements/post_route.py) leaves the route to be matched from the path.
    noted: bool = False


# The Exchange of the request this thread is answering: ObservedRequests sets it while the app runs.
CURRENT_EXCHANGE: ContextVar[Exchange | None] = ContextVar("lrs_current_exchange", default=None)


def current_request_id() -> str | None:
    """The id of the request this thread is answering (set by ObservedRequests while the app runs, so also
    inside an answer made without Flask, lrs/api/plain_routes.py); None outside a request."""
    exchange = CURRENT_EXCHANGE.get()
    return exchange.request_id if exchange is not None else None


def error_family(body: bytes) -> str | None:
    """The `error` name of a JSON error body, when it is a plain name."""
    if not body or len(body) > _ERROR_BODY_MAX_BYTES:
        return None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    name = parsed.get("error") if isinstance(parsed, dict) else None
    return name if isinstance(name, str) and _ERROR_NAME.match(name) else None


def statement_count(body: bytes) -> int:
    """How many ids a POST /statements answer lists."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return 0
    return len(parsed) if isinstance(parsed, list) else 0
