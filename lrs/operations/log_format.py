"""Log line formats: one JSON object a line (log collectors) or plain text (a developer's terminal).
Both carry the request id of the request a line was written in, and neither carries SQL parameters:
SQLAlchemy puts a failed statement's parameters (statement bodies, documents, credential hashes) in its
error text, which a logged error would otherwise copy."""
from __future__ import annotations

import logging
import re
import sys
from datetime import datetime, timezone

import orjson
from flask import has_request_context, request

from lrs.operations.exchange import ENVIRON_KEY, current_request_id

_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)|\[SQL: .*?\](?=\n|$)", re.DOTALL)


# gunicorn logs a request line it refuses as it came
# ("Invalid HTTP request line: 'GET /x?key=... HTTP/1.1'"): its query string (a cmi5 fetch key,
# an agent) and any user:password of an absolute URL are cut, as the access log's are.
_QUERY_STRING = re.compile(r"(/[^\s'\"?#]*)\?[^\s'\"#]*")
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://)[^\s'\"/@]*@")


def redacted(text: str) -> str:
    return _SQL_PARAMETERS.sub("[SQL and parameters not logged]", text)


def server_redacted(text: str) -> str:
    """A line of the HTTP server's own (gunicorn.*): no query string, no URL credentials."""
    return _QUERY_STRING.sub(r"\1?[query not logged]", _USERINFO.sub(r"\1[credentials not logged]@", text))


def _redacted_for(record: logging.LogRecord, text: str) -> str:
    text = redacted(text)
    return server_redacted(text) if record.name.startswith("gunicorn.") else text


def _request_id() -> str | None:
    """The request's id while ObservedRequests runs the app (answers made without Flask included), then
    while Flask still holds the request (a streamed body's lines)."""
    request_id = current_request_id()
    if request_id is not None or not has_request_context():
        return request_id
    exchange = request.environ.get(ENVIRON_KEY)
    return exchange.request_id if exchange is not None else None


class JsonFormatter(logging.Formatter):
    """{"time", "level", "logger", "message", "request_id"?, "exception"?} plus a request line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name,
                "message": _redacted_for(record, record.getMessage())}
        fields = getattr(record, "request_fields", None)
        if fields:
            line.update(fields)
        elif (request_id := _request_id()) is not None:
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = _redacted_for(record, self.formatException(record.exc_info))
        return orjson.dumps(line).decode()


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "request_fields", None)
        if fields:
            message = " ".join(f"{name}={value}" for name, value in fields.items() if value is not None)
        else:
            message = record.getMessage()
            if (request_id := _request_id()) is not None:
                message = f"[{request_id}] {message}"
        text = f"{self.formatTime(record)} {record.levelname} {record.name}: {message}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return _redacted_for(record, text)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else TextFormatter()


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it per test)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass
