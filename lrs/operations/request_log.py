"""One log line per request, on the logger `lrs.requests`: method, route template, status, duration,
store id, credential key, request id, client address, and the error family of a refusal. Built only
from the Exchange, which never holds a header value, query string, body or path, so no secret, token,
statement or document can reach it."""
from __future__ import annotations

import logging

from lrs.operations.exchange import Exchange
from lrs.operations.log_format import StderrHandler, formatter

REQUEST_LOGGER = "lrs.requests"


def request_logger(log_format: str) -> logging.Logger:
    """`lrs.requests` with its own stderr handler in `log_format`: an access log is written whatever level
    the server logs other things at. Idempotent (several apps in one process share the logger)."""
    logger = logging.getLogger(REQUEST_LOGGER)
    handler = next((handler for handler in logger.handlers if isinstance(handler, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        logger.addHandler(handler)
    handler.setFormatter(formatter(log_format))
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


class RequestLog:
    def __init__(self, log_format: str):
        self.logger = request_logger(log_format)

    def __call__(self, exchange: Exchange) -> None:
        fields = {"request_id": exchange.request_id, "method": exchange.method, "route": exchange.route,
                  "status": exchange.status, "duration_ms": round(exchange.duration_seconds * 1000, 2),
                  "store_id": exchange.store_id, "credential": exchange.credential_key,
                  "client": exchange.remote_addr}
        if exchange.error is not None:
            fields["error"] = exchange.error
        if exchange.statements_stored:
            fields["statements_stored"] = exchange.statements_stored
        level = logging.ERROR if exchange.status >= 500 else logging.INFO
        if self.logger.isEnabledFor(level):
            # makeRecord and handle, not log(): log() looks up the caller's frame, a third of this line's cost.
            self.logger.handle(self.logger.makeRecord(REQUEST_LOGGER, level, __file__, 0, "request", (), None,
                                                      extra={"request_fields": fields}))
