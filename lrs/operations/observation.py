"""One WSGI layer around the whole application sees every request, those the inner layers refuse too:
it gives each an id (X-Request-Id, returned on the answer), times it until its answer is ready to send,
and hands the finished Exchange to the observers (metrics, request log). Flask's after_request adds what
only the application knows: the route template, the credential, the error family and what was stored."""
from __future__ import annotations

import logging
import time
from typing import Callable, Iterable

from flask import Response, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

from lrs.operations.exchange import (CURRENT_EXCHANGE, ENVIRON_KEY, REQUEST_ID_HEADER, UNMATCHED_ROUTE, Exchange,
                                     error_family, request_id_from, statement_count)

log = logging.getLogger(__name__)

STATEMENTS_ROUTE = "/xapi/statements"
# Matching a path costs more than the rest of the observation; the answering layers outside Flask serve
# a few fixed paths, so their routes are kept (and all forgotten past this many).
_UNROUTED_CACHE_SIZE = 256

Observer = Callable[[Exchange], None]


class ObservedRequests:
    def __init__(self, wsgi_app, observers: Iterable[Observer], url_map: Map):
        self.wsgi_app = wsgi_app
        self.observers = tuple(observers)
        self.url_map = url_map
        self._unrouted: dict[tuple[str, str], str] = {}  # (method, path) -> route template

    def __call__(self, environ, start_response):
        exchange = Exchange(request_id=request_id_from(environ.get("HTTP_X_REQUEST_ID")),
                            method=environ.get("REQUEST_METHOD", ""),
                            remote_addr=environ.get("REMOTE_ADDR", ""), started=time.perf_counter())
        environ[ENVIRON_KEY] = exchange

        def start_with_request_id(status: str, headers: list, exc_info=None):
            exchange.status = int(status.split(" ", 1)[0])
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, exchange.request_id))
            return start_response(status, headers, exc_info)

        current = CURRENT_EXCHANGE.set(exchange)  # log lines written while the app runs name the request
        try:
            body = self.wsgi_app(environ, start_with_request_id)
        except BaseException as error:
            exchange.status = exchange.status or 500
            exchange.error = exchange.error or type(error).__name__
            self._finish(exchange)
            raise
        finally:
            CURRENT_EXCHANGE.reset(current)
        if not exchange.noted:
            self._note_unrouted(exchange, environ, body)
        if exchange.status:
            # Recorded before the server sends a byte, so a client that has its answer (and then scrapes
            # /metrics) always finds it counted.
            self._finish(exchange)
            return body
        return _ObservedBody(body, lambda: self._finish(exchange))  # an app that starts its answer late

    def _note_unrouted(self, exchange: Exchange, environ, body) -> None:
        """The route of an answer no Flask hook saw, matched from the path; for a statement POST, the ids
        of a body already in hand. Store and credential stay unknown."""
        key = (exchange.method, environ.get("PATH_INFO", ""))
        route = self._unrouted.get(key)
        if route is None:
            try:
                rule, _arguments = self.url_map.bind_to_environ(environ).match(return_rule=True)
            except HTTPException:
                return
            route = rule.rule
            if len(self._unrouted) >= _UNROUTED_CACHE_SIZE:
                self._unrouted.clear()
            self._unrouted[key] = route
        exchange.route = route
        if (exchange.route == STATEMENTS_ROUTE and exchange.method == "POST" and exchange.status == 200
                and isinstance(body, list)):
            exchange.statements_stored = statement_count(b"".join(body))

    def _finish(self, exchange: Exchange) -> None:
        exchange.duration_seconds = time.perf_counter() - exchange.started
        for observer in self.observers:
            try:
                observer(exchange)
            except Exception:  # noqa: BLE001 - observing must never break an answer already sent
                log.exception("an operations observer failed")


def note_response(response: Response) -> Response:
    """Flask after_request: the route, the credential, the error family and the statements stored."""
    exchange: Exchange | None = request.environ.get(ENVIRON_KEY)
    if exchange is None:
        return response
    exchange.noted = True
    exchange.method = request.method  # after the alternate request syntax (xAPI-Communication 1.3)
    exchange.route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
    principal = g.get("principal")
    if principal is not None:
        exchange.store_id, exchange.credential_key = principal.store_id, principal.key
    if response.status_code >= 400 and response.mimetype == "application/json" and not response.is_streamed:
        exchange.error = error_family(response.get_data())
    elif exchange.route == STATEMENTS_ROUTE:
        if request.method == "POST" and response.status_code == 200 and not response.is_streamed:
            exchange.statements_stored = statement_count(response.get_data())
        elif request.method == "PUT" and response.status_code == 204:
            exchange.statements_stored = 1
    return response


class _ObservedBody:
    """The answer's body, passed on as it is; `finished` runs once, after its last byte or at close(),
    whichever comes first (a server always closes; a test client may only read)."""

    def __init__(self, body, finished: Callable[[], None]):
        self._body = body
        self._finished = finished
        self._done = False

    def __iter__(self):
        yield from self._body
        self._finish()

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()

    def _finish(self) -> None:
        if not self._done:
            self._done = True
            self._finished()
