"""Request ids, error families and log lines (issue 16: logs never carry a secret, token, statement body or
document; one JSON line per request with its request id)."""
from __future__ import annotations

import logging

import orjson
import pytest

from lrs.operations.exchange import error_family, request_id_from, statement_count
from lrs.operations.log_format import JsonFormatter, TextFormatter, redacted


@pytest.mark.parametrize("client_id", ["0f8fad5b-d9cb-469f-a165-70867728950e", "proxy.id:0001", "a" * 128])
def test_a_plain_client_request_id_is_kept(client_id):
    assert request_id_from(client_id) == client_id


@pytest.mark.parametrize("client_id", [None, "", "short", "a" * 129, "id with space", "<script>alert(1)</script>",
                                       "id\nforged-line", "Basic dXNlcjpwYXNz=="])
def test_anything_else_gets_a_new_random_id(client_id):
    generated = request_id_from(client_id)
    assert generated != client_id and len(generated) == 32 and generated != request_id_from(client_id)


def test_error_family_is_the_error_name_of_a_json_body():
    assert error_family(b'{"error": "InvalidStatement", "message": "m"}') == "InvalidStatement"
    assert error_family(b'{"error": "invalid_package"}') == "invalid_package"
    for body in (b"", b"not json", b"[1]", b'{"error": 3}', b'{"error": "has spaces in it"}',
                 b'{"error": "' + b"x" * 65 + b'"}'):
        assert error_family(body) is None


def test_statement_count_reads_the_ids_of_a_post_answer():
    assert statement_count(b'["a", "b", "c"]') == 3
    assert statement_count(b'{"not": "a list"}') == 0


def test_sql_and_its_parameters_are_cut_from_logged_text():
    # SQLAlchemy's own error text names the statement and its parameters (a statement body, say).
    from sqlalchemy.exc import IntegrityError
    error = IntegrityError("INSERT INTO statements (body)\nVALUES (:body)", {"body": '{"secret": "statement body"}'},
                           Exception("duplicate key"))
    assert "statement body" in str(error)
    cleaned = redacted(str(error))
    assert "statement body" not in cleaned and "INSERT" not in cleaned
    assert cleaned.startswith("(builtins.Exception) duplicate key")


def _record(message: str, **extra) -> logging.LogRecord:
    record = logging.LogRecord("lrs.test", logging.ERROR, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_is_one_object_with_the_request_fields():
    fields = {"request_id": "abc", "method": "GET", "route": "/xapi/statements", "status": 200}
    line = JsonFormatter().format(_record("request", request_fields=fields))
    assert "\n" not in line
    parsed = orjson.loads(line)
    assert parsed["level"] == "error" and parsed["logger"] == "lrs.test" and parsed.items() >= fields.items()


def test_a_logged_exception_stays_one_json_line_without_its_sql_parameters():
    try:
        raise RuntimeError("failed\n[SQL: UPDATE documents SET body = ?]\n[parameters: ('document content',)]")
    except RuntimeError:
        import sys
        record = logging.LogRecord("lrs.test", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line and "document content" not in line
    assert "RuntimeError" in orjson.loads(line)["exception"]


def test_text_lines_list_the_request_fields():
    line = TextFormatter().format(_record("request", request_fields={"request_id": "abc", "status": 200,
                                                                    "store_id": None}))
    assert "request_id=abc status=200" in line and "store_id" not in line


def test_an_error_line_written_during_a_request_carries_its_request_id():
    from flask import Flask

    from lrs.operations.exchange import ENVIRON_KEY, Exchange
    exchange = Exchange(request_id="proxy-id-0042", method="GET", remote_addr="127.0.0.1", started=0.0)
    with Flask(__name__).test_request_context("/xapi/statements", environ_base={ENVIRON_KEY: exchange}):
        json_line = orjson.loads(JsonFormatter().format(_record("unexpected error on GET /xapi/statements")))
        text_line = TextFormatter().format(_record("database unavailable"))
    assert json_line["request_id"] == "proxy-id-0042"
    assert "[proxy-id-0042] database unavailable" in text_line


def test_a_line_written_in_an_answer_made_without_flask_carries_its_request_id():
    """The plain routes (lrs/api/plain_routes.py) answer inside ObservedRequests but outside Flask: a line
    they log names the request all the same, and nothing is named once the answer is made."""
    from werkzeug.routing import Map

    from lrs.operations.exchange import current_request_id
    from lrs.operations.observation import ObservedRequests

    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(orjson.loads(JsonFormatter().format(record)))

    logger = logging.getLogger("tests.plain_answer")
    logger.addHandler(handler := Capture())
    logger.setLevel(logging.INFO)

    def plain_app(environ, start_response):
        logger.warning("the store is busy")
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"[]"]

    observed = ObservedRequests(plain_app, observers=(), url_map=Map())
    try:
        for request_id in ("proxy-id-0042", "proxy-id-0043"):
            environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/xapi/statements", "HTTP_X_REQUEST_ID": request_id,
                       "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "SERVER_NAME": "localhost",
                       "SERVER_PORT": "80"}
            assert b"".join(observed(environ, lambda status, headers, exc_info=None: None)) == b"[]"
            assert current_request_id() is None
    finally:
        logger.removeHandler(handler)
    assert [line["request_id"] for line in lines] == ["proxy-id-0042", "proxy-id-0043"]
