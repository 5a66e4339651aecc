"""multipart/mixed statement requests (xAPI-Communication 1.5.2)."""
from __future__ import annotations

import collections
import hashlib

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from lrs.xapi.attachments import (AttachmentPart, build_multipart, match_parts, parse_statement_request,
                                  require_parts_or_file_urls)
from lrs.xapi.errors import BadRequest

BOUNDARY = "abcABC0123'()+_,-./:=?"
TEXT = b"here is a simple attachment"
SHA = hashlib.sha256(TEXT).hexdigest()


def _body(*parts: bytes) -> bytes:
    return b"".join(b"--" + BOUNDARY.encode() + b"\r\n" + part + b"\r\n" for part in parts) + \
        b"--" + BOUNDARY.encode() + b"--\r\n"


FIRST = b'Content-Type: application/json\r\n\r\n[{"x": 1}]'
SECOND = (b"Content-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\n"
          b"X-Experience-API-Hash: " + SHA.encode() + b"\r\n\r\n" + TEXT)
HEADER = f'multipart/mixed; boundary="{BOUNDARY}"'


def test_the_specification_example_parses():  # xAPI-Communication 1.5.2.s6
    parsed = parse_statement_request(_body(FIRST, SECOND), HEADER)
    assert parsed.statements_json == b'[{"x": 1}]'
    assert parsed.parts == [AttachmentPart(SHA, "text/plain", TEXT)]


def test_binary_payloads_survive_byte_for_byte():  # xAPI-Communication 1.5.2.s6.b3
    payload = bytes(range(256)) * 4 + b"\r\n--not-the-boundary\r\n"
    sha = hashlib.sha512(payload).hexdigest()
    part = (b"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
            b"X-Experience-API-Hash: " + sha.encode() + b"\r\n\r\n" + payload)
    assert parse_statement_request(_body(FIRST, part), HEADER).parts[0].content == payload


@pytest.mark.parametrize("body, header", [
    (_body(FIRST, SECOND), "multipart/mixed"),                                          # no boundary
    (_body(FIRST, SECOND).replace(BOUNDARY.encode(), b"other"), HEADER),                 # boundary not used
    (_body(FIRST.replace(b"application/json", b"text/plain"), SECOND), HEADER),          # 1.5.2.s2.b2.b1
    (_body(FIRST, SECOND.replace(b"X-Experience-API-Hash", b"X-Other")), HEADER),        # 1.5.2.s2.b2.b3
    (_body(FIRST, SECOND.replace(b"binary", b"base64")), HEADER),                        # 1.5.2.s2.b2.b4
    (_body(FIRST, SECOND.replace(TEXT, b"tampered content")), HEADER),                   # 1.5.2.s1.b4
    (_body(FIRST, SECOND)[:-8], HEADER),                                                # no closing line
])
def test_malformed_multipart_is_rejected(body, header):  # xAPI-Communication 1.5.2.s2.b2.b1, b3, b4; 1.5.2.s1.b4
    with pytest.raises(BadRequest):
        parse_statement_request(body, header)


def test_every_attachment_needs_a_part_or_a_file_url():  # xAPI-Communication 1.5.2.s3.b5
    statements = [{"attachments": [{"sha2": SHA}, {"sha2": "0" * 64, "fileUrl": "http://example.com/f"}]}]
    assert set(match_parts(statements, [AttachmentPart(SHA, "text/plain", TEXT)])) == {SHA}
    with pytest.raises(BadRequest, match="no fileUrl and no part") as refused:
        match_parts(statements, [])
    assert refused.value.path == "[0].attachments"


def test_a_part_no_attachment_declares_is_rejected():  # xAPI-Communication 1.5.2.s2.b2.b2
    with pytest.raises(BadRequest, match="belongs to no attachment") as refused:
        match_parts([{"attachments": []}], [AttachmentPart(SHA, "text/plain", TEXT)])
    assert refused.value.path == "body"


def test_json_requests_carry_attachments_only_by_file_url():  # xAPI-Communication 1.5.2.s2.b1
    require_parts_or_file_urls([{"attachments": [{"sha2": SHA, "fileUrl": "http://example.com/f"}]}])
    with pytest.raises(BadRequest, match="multipart/mixed") as refused:
        require_parts_or_file_urls([{"attachments": [{"sha2": SHA}]}])
    assert refused.value.path == "[0].attachments"


def test_built_responses_parse_back():  # xAPI-Communication 1.5.2.s3.b1
    body, content_type = build_multipart(b'{"statements": []}', [AttachmentPart(SHA, "text/plain", TEXT)])
    parsed = parse_statement_request(body, content_type)
    assert parsed.statements_json == b'{"statements": []}'
    assert parsed.parts[0].content == TEXT


_BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?"
MULTIPART_CORRUPTIONS = ["none", "payload byte", "hash header", "transfer encoding", "first part type",
                         "header line", "truncated", "boundary parameter", "byte anywhere"]


def _part_lines(content_type: str, headers: list[bytes], content: bytes) -> bytes:
    return b"Content-Type: " + content_type.encode() + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + \
        b"\r\n" + content


@st.composite
def corrupted_multipart_requests(draw):
    """(body, Content-Type header, corruption): a valid statement request with 0-3 attachment parts and
    at most one thing broken, so most examples reach the checks on the parts."""
    boundary = draw(st.text(_BCHARS, min_size=1, max_size=40))
    payloads = draw(st.lists(st.binary(max_size=40), max_size=3))
    hashes = [draw(st.sampled_from([hashlib.sha256, hashlib.sha384, hashlib.sha512]))(p).hexdigest() for p in payloads]
    parts = [_part_lines("application/json", [], b'[{"x": 1}]')] + [
        _part_lines("application/octet-stream", [b"Content-Transfer-Encoding: binary",
                                                 b"X-Experience-API-Hash: " + sha.encode()], payload)
        for sha, payload in zip(hashes, payloads)]
    header = f'multipart/mixed; boundary="{boundary}"'
    corruption = draw(st.sampled_from(MULTIPART_CORRUPTIONS if payloads else
                                      [c for c in MULTIPART_CORRUPTIONS if c not in _PART_ONLY]))
    target = draw(st.integers(1, len(parts) - 1)) if len(parts) > 1 else 0
    if corruption == "payload byte" and payloads[target - 1]:
        index = draw(st.integers(0, len(payloads[target - 1]) - 1))
        changed = bytearray(payloads[target - 1])
        changed[index] ^= 1
        parts[target] = parts[target].replace(payloads[target - 1], bytes(changed))
    elif corruption == "payload byte":
        parts[target] += b"x"
    elif corruption == "hash header":
        parts[target] = parts[target].replace(b"X-Experience-API-Hash: ", b"X-Experience-API-Hash: 0")
    elif corruption == "transfer encoding":
        parts[target] = parts[target].replace(b"binary", draw(st.sampled_from([b"base64", b"8bit", b""])))
    elif corruption == "first part type":
        parts[0] = parts[0].replace(b"application/json", draw(st.sampled_from([b"text/plain", b""])))
    elif corruption == "header line":
        parts[target] = parts[target].replace(b"\r\n", b"\r\n" + draw(st.sampled_from([b"no colon", b" :x"])) + b"\r\n", 1)
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts) + \
        b"--" + boundary.encode() + b"--\r\n"
    if corruption == "truncated":
        body = body[:draw(st.integers(0, len(body) - 1))]
    elif corruption == "boundary parameter":
        header = draw(st.sampled_from(["multipart/mixed", f"multipart/mixed; boundary={boundary}x",
                                       'multipart/mixed; boundary=""', f'multipart/mixed; boundary="{boundary} "']))
    elif corruption == "byte anywhere":
        index = draw(st.integers(0, len(body) - 1))
        body = body[:index] + draw(st.binary(min_size=1, max_size=1)) + body[index + 1:]
    return body, header, corruption, payloads, hashes


_PART_ONLY = {"payload byte", "hash header", "transfer encoding"}


def _stage(error: BadRequest) -> str:
    """How far parsing got: the boundary parameter, the framing of the body, or the parts themselves."""
    if error.path == "Content-Type":
        return "boundary parameter"
    return "parts" if (error.path or "").startswith("[part") else "framing"


def test_corrupted_multipart_bodies_only_raise_bad_request_and_mostly_reach_the_parts():
    # xAPI-Communication 1.5.2: a malformed request is a 400, never a crash
    outcomes: collections.Counter = collections.Counter()

    @settings(max_examples=300, deadline=None)
    @given(request=corrupted_multipart_requests())
    def run(request):
        body, header, corruption, payloads, hashes = request
        try:
            parsed = parse_statement_request(body, header)
        except BadRequest as error:
            assert corruption != "none", (request, error)
            assert error.message, error
            stage = _stage(error)
        else:
            assert corruption not in _PART_ONLY | {"first part type", "boundary parameter"}, request
            if corruption == "none":
                assert parsed.statements_json == b'[{"x": 1}]'
                assert [(p.sha2, p.content) for p in parsed.parts] == list(zip(hashes, payloads))
            stage = "parsed"
        event(f"{corruption}: {stage}")
        outcomes[stage] += 1

    run()
    assert outcomes["parts"] + outcomes["parsed"] >= 0.5 * 300, outcomes
    assert outcomes["parts"] >= 0.15 * 300 and outcomes["parsed"] >= 0.15 * 300, outcomes
