"""multipart/mixed statement requests (xAPI-Communication 1.5.2)."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
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
    with pytest.raises(BadRequest):
        match_parts(statements, [])


def test_a_part_no_attachment_declares_is_rejected():  # xAPI-Communication 1.5.2.s2.b2.b2
    with pytest.raises(BadRequest):
        match_parts([{"attachments": []}], [AttachmentPart(SHA, "text/plain", TEXT)])


def test_json_requests_carry_attachments_only_by_file_url():  # xAPI-Communication 1.5.2.s2.b1
    require_parts_or_file_urls([{"attachments": [{"sha2": SHA, "fileUrl": "http://example.com/f"}]}])
    with pytest.raises(BadRequest):
        require_parts_or_file_urls([{"attachments": [{"sha2": SHA}]}])


def test_built_responses_parse_back():  # xAPI-Communication 1.5.2.s3.b1
    body, content_type = build_multipart(b'{"statements": []}', [AttachmentPart(SHA, "text/plain", TEXT)])
    parsed = parse_statement_request(body, content_type)
    assert parsed.statements_json == b'{"statements": []}'
    assert parsed.parts[0].content == TEXT


@given(body=st.binary(max_size=300), boundary=st.text(min_size=1, max_size=20))
def test_hostile_bodies_only_ever_raise_bad_request(body, boundary):
    try:
        parse_statement_request(body, f'multipart/mixed; boundary="{boundary}"')
    except BadRequest:
        pass
