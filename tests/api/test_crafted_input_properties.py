"""Generated crafted requests: never a 500, never a partial write, and most reach body parsing.

Each example starts from a VALID request (a statement batch with an attachment as multipart/mixed, a PUT
of one statement, a State document PUT or POST) and breaks one thing in its body: random bytes over a
slice, a JSON value replaced by random or deeply nested JSON, a truncation, one part's headers or content
corrupted. Parameters stay valid, so the answer comes from the body rules; the tests count how many
examples got there (issue 10: fuzzing that stops at parameter checking proves nothing about bodies).
"""
from __future__ import annotations

import collections
import hashlib
import json
import uuid

import orjson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lrs.xapi.attachments import AttachmentPart, build_multipart
from tests import factories

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STATE = "/xapi/activities/state"
STATE_QUERY = {"activityId": "http://example.com/activities/fuzzed", "agent": json.dumps({"mbox": "mailto:f@example.com"}),
               "stateId": "fuzzed"}
# Errors whose path names a request parameter or header: the request never reached its body.
NOT_BODY_PATHS = {"statementId", "activityId", "agent", "stateId", "registration", "cachebuster",
                  "X-Experience-API-Version", "Authorization", "method"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12)


class DeeplyNested:
    """A placeholder for JSON nested `depth` levels, which `dumps` writes as text: orjson itself
    writes no more than 254 levels."""

    def __init__(self, depth: int):
        self.depth = depth
        self.marker = f"@@deep-{uuid.uuid4()}@@"

    def text(self) -> bytes:
        opening = "".join("[" if level % 2 else '{"k":' for level in range(self.depth))
        closing = "".join("]" if level % 2 else "}" for level in reversed(range(self.depth)))
        return (opening + '"leaf"' + closing).encode()


def dumps(value, deep: list[DeeplyNested] = ()) -> bytes:
    """JSON text of a value in which DeeplyNested placeholders were put as their marker strings."""
    written = orjson.dumps(value)
    for nested in deep:
        written = written.replace(orjson.dumps(nested.marker), nested.text())
    return written


nested_json = st.integers(200, 1100).map(DeeplyNested)
CONTROL_BYTES = [b"\n", b"\r", b"\x00", b"\x7f", b"\xff", b" ", b":", b"\r\n", b"\r\n\r\n", b"--"]


@st.composite
def corrupted_json_value(draw, statement: dict) -> bytes:
    """The statement's JSON with one property (at any depth) replaced by random or deeply nested JSON."""
    corrupted = orjson.loads(orjson.dumps(statement))
    deep = []
    holder = corrupted
    for _ in range(draw(st.integers(0, 3))):
        containers = [key for key, value in _items(holder) if isinstance(value, (dict, list)) and value]
        if not containers:
            break
        holder = holder[draw(st.sampled_from(containers))]
    keys = [key for key, _ in _items(holder)]
    key = draw(st.sampled_from(keys)) if keys else ("new" if isinstance(holder, dict) else None)
    if key is None:
        holder.append(None)
        key = len(holder) - 1
    replacement = draw(json_values | nested_json | st.sampled_from(
        ["\u0000", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "P" + "9" * 5000 + "DT1S",
         "http://example.com/\u0000", "²"]))
    if isinstance(replacement, DeeplyNested):
        deep.append(replacement)
        replacement = replacement.marker
    holder[key] = replacement
    return dumps(corrupted, deep)


def _items(holder):
    return holder.items() if isinstance(holder, dict) else enumerate(holder)


def corrupt_bytes(draw, data: bytes) -> bytes:
    start = draw(st.integers(0, len(data)))
    end = draw(st.integers(start, min(len(data), start + 40)))
    return data[:start] + draw(st.binary(max_size=20) | st.sampled_from(CONTROL_BYTES)) + data[end:]


def _statement_request_parts():
    payload = b"an essay\r\n--not a boundary\r\n"
    sha2 = hashlib.sha256(payload).hexdigest()
    attachment = {"usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"},
                  "contentType": "text/plain", "length": len(payload), "sha2": sha2}
    first = factories.statement(result={"duration": "PT1.5S", "response": "x"},
                                timestamp="2020-01-01T10:00:00+01:00")
    second = factories.statement(verb="http://example.com/verbs/wrote", attachments=[attachment])
    return [first, second], AttachmentPart(sha2, "text/plain", payload)


@st.composite
def corrupted_statement_posts(draw):
    """(body, Content-Type, corruption) of a POST that was valid before one thing was broken."""
    statements, part = _statement_request_parts()
    statements = [{**s, "id": str(uuid.uuid4())} for s in statements]
    corruption = draw(st.sampled_from(["json value", "json bytes", "truncated", "part headers",
                                       "part content", "plain json bytes", "plain json value"]))
    if corruption.startswith("plain"):
        statements[1].pop("attachments")
    if corruption in ("json value", "plain json value"):
        position = draw(st.integers(0, 1))
        corrupted = draw(corrupted_json_value(statements[position]))
        statements_json = b"[" + b",".join([corrupted if i == position else orjson.dumps(s)
                                            for i, s in enumerate(statements)]) + b"]"
    else:
        statements_json = orjson.dumps(statements)
    if corruption in ("json bytes", "plain json bytes"):
        statements_json = corrupt_bytes(draw, statements_json)
    if corruption.startswith("plain"):
        return statements_json, "application/json", corruption
    body, content_type = build_multipart(statements_json, [part])
    boundary = content_type.split("boundary=")[1].encode()
    if corruption == "truncated":
        body = body[:draw(st.integers(0, len(body) - 1))]
    elif corruption == "part headers":
        head_start = body.index(b"--" + boundary, 10) + len(boundary) + 4
        head_end = body.index(b"\r\n\r\n", head_start)
        inner = head_start + draw(st.integers(0, head_end - head_start))
        insert = draw(st.sampled_from(CONTROL_BYTES) | st.binary(max_size=8)
                      | st.just(b"; comment=" + b"x" * 300))
        body = body[:inner] + insert + body[inner:]
    elif corruption == "part content":
        body = body.replace(part.content, corrupt_bytes(draw, part.content), 1)
    return body, content_type, corruption


def _newest(xapi):
    return xapi.get_statements(limit="1").get_json()["statements"]


def _reached_body(response) -> bool:
    if response.status_code < 400:
        return True
    return response.get_json()["path"].split(".")[0] not in NOT_BODY_PATHS


def test_corrupted_statement_posts_never_500_nor_write_part_of_a_batch(xapi):  # xAPI-Communication 2.1.2.s2.b3, 3.2.s3.b9
    reached: collections.Counter = collections.Counter()

    @SETTINGS
    @given(request=corrupted_statement_posts())
    def run(request):
        body, content_type, corruption = request
        before = _newest(xapi)
        response = xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})
        assert response.status_code in (200, 400), (corruption, response.status_code, response.data[:300])
        if response.status_code == 400:
            error = response.get_json()
            assert error["message"] and "section" in error, error
            assert _newest(xapi) == before, "a rejected batch left a statement behind"
        else:
            assert len(response.get_json()) == 2
        outcome = "body" if _reached_body(response) else "parameters"
        event(f"{corruption}: {response.status_code} ({outcome})")
        reached[outcome] += 1

    run()
    assert reached["body"] >= 0.95 * sum(reached.values()), reached


@SETTINGS
@given(data=st.data())
def test_corrupted_statement_puts_never_500_nor_store_anything_on_400(xapi, data):  # xAPI-Communication 2.1.1
    statement_id = str(uuid.uuid4())
    given_statement = factories.statement(statement_id=statement_id, result={"duration": "PT2S"})
    if data.draw(st.booleans()):
        body = data.draw(corrupted_json_value(given_statement))
    else:
        body = corrupt_bytes(data.draw, orjson.dumps(given_statement))
    response = xapi.request("PUT", "/xapi/statements", query_string={"statementId": statement_id}, data=body,
                            headers={"Content-Type": "application/json"})
    assert response.status_code in (204, 400, 409), (response.status_code, response.data[:300])
    stored = xapi.get_statements(statementId=statement_id).status_code
    assert stored == (200 if response.status_code == 204 else 404)
    assert _reached_body(response), response.get_json()
    event(f"PUT statement: {response.status_code}")


@st.composite
def corrupted_documents(draw):
    """(method, body, Content-Type, corruption) for the State document at STATE_QUERY."""
    method = draw(st.sampled_from(["PUT", "POST"]))
    document = {"bookmark": "page-3", "scores": [1, 2, {"k": True}]}
    corruption = draw(st.sampled_from(["json value", "json bytes", "random bytes", "deep", "content type"]))
    content_type = "application/json"
    if corruption == "json value":
        body = draw(corrupted_json_value(document))
        if not draw(st.integers(0, 4)):
            body = b"[" + body + b"]"  # JSON, but not the JSON Object a merge needs
    elif corruption == "json bytes":
        body = corrupt_bytes(draw, orjson.dumps(document))
    elif corruption == "random bytes":
        body = draw(st.binary(max_size=64))
    elif corruption == "deep":
        depth = draw(st.integers(240, 1100))
        body = b'{"deep": ' + b"[" * depth + b"1" + b"]" * depth + b"}"
    else:
        body = orjson.dumps(document)
        content_type = draw(st.sampled_from(["application/json; a=" + "x" * 300, "text/plain; a=" + "y" * 250,
                                              "application/json; charset=utf-8", "text/plain"]))
    return method, body, content_type, corruption


def test_corrupted_documents_never_500_and_a_rejected_write_keeps_the_document(xapi):  # xAPI-Communication 2.2.s8.b1, 3.2.s3.b1
    reached: collections.Counter = collections.Counter()
    original = b'{"kept": true}'
    json_type = {"Content-Type": "application/json"}

    @SETTINGS
    @given(request=corrupted_documents())
    def run(request):
        method, body, content_type, corruption = request
        assert xapi.request("PUT", STATE, query_string=STATE_QUERY, data=original, headers=json_type).status_code == 204
        response = xapi.request(method, STATE, query_string=STATE_QUERY, data=body,
                                headers={"Content-Type": content_type})
        assert response.status_code in (204, 400), (corruption, response.status_code, response.data[:300])
        stored = xapi.request("GET", STATE, query_string=STATE_QUERY)
        assert stored.status_code == 200
        if response.status_code == 400:
            assert response.get_json()["message"]
            assert stored.data == original, "a rejected write changed the document"
        outcome = "body" if _reached_body(response) else "parameters"
        event(f"{method} {corruption}: {response.status_code} ({outcome})")
        reached[outcome] += 1

    run()
    assert reached["body"] >= 0.95 * sum(reached.values()), reached
