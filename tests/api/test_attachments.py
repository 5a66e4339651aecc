"""Statements with attachments over HTTP (xAPI-Communication 1.5.2, 2.1.3; xAPI-Data 2.4.11, 2.6)."""
from __future__ import annotations

import hashlib

import jwt
import pytest

from lrs.xapi.attachments import AttachmentPart, build_multipart, split_multipart
from tests.factories import new_id, statement
from tests.signing import self_signed_signer

ESSAY = "An essay about roses.\r\n--with a line that looks like a boundary\r\n".encode()
ESSAY_SHA = hashlib.sha256(ESSAY).hexdigest()
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


def _attachment(sha2: str, length: int, **extra) -> dict:
    return {"usageType": "http://example.com/usage/essay", "display": {"en-US": "essay"},
            "contentType": "text/plain", "length": length, "sha2": sha2, **extra}


def _post_multipart(xapi, statements, parts: list[AttachmentPart]):
    import orjson
    body, content_type = build_multipart(orjson.dumps(statements), parts)
    return xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})


def test_statement_with_attachment_round_trips(xapi):  # xAPI-Communication 1.5.2.s3.b1, b4; xAPI-Communication 1.5.2.s1.b4, 1.5.2.s2.b2, 1.5.2.s2.b2.b1
    given = statement(statement_id=new_id(), attachments=[_attachment(ESSAY_SHA, len(ESSAY))])
    response = _post_multipart(xapi, [given], [AttachmentPart(ESSAY_SHA, "text/plain", ESSAY)])
    assert response.status_code == 200, response.get_json()
    fetched = xapi.get_statements(statementId=given["id"], attachments="true")
    parts = split_multipart(fetched.data, fetched.headers["Content-Type"])
    assert parts[1][0]["x-experience-api-hash"] == ESSAY_SHA
    assert parts[1][0]["content-transfer-encoding"] == "binary"
    assert parts[1][1] == ESSAY


def test_query_returns_only_the_payloads_its_statements_reference(xapi):  # xAPI-Communication 2.1.3.s2.b6
    other = b"another file"
    other_sha = hashlib.sha256(other).hexdigest()
    first = statement(verb="http://example.com/verbs/a", attachments=[_attachment(ESSAY_SHA, len(ESSAY))])
    second = statement(verb="http://example.com/verbs/b", attachments=[_attachment(other_sha, len(other))])
    assert _post_multipart(xapi, [first, second], [AttachmentPart(ESSAY_SHA, "text/plain", ESSAY),
                                                    AttachmentPart(other_sha, "text/plain", other)]).status_code == 200
    fetched = xapi.get_statements(verb="http://example.com/verbs/b", attachments="true")
    parts = split_multipart(fetched.data, fetched.headers["Content-Type"])
    assert [headers.get("x-experience-api-hash") for headers, _ in parts[1:]] == [other_sha]


def test_json_request_with_attachment_lacking_file_url_is_rejected(xapi):  # xAPI-Communication 1.5.2.s2.b1
    response = xapi.post_statements(statement(attachments=[_attachment(ESSAY_SHA, len(ESSAY))]))
    assert response.status_code == 400


def test_json_request_with_file_url_attachment_is_accepted(xapi):  # xAPI-Communication 1.5.1.s1.b2
    given = statement(attachments=[_attachment(ESSAY_SHA, 10, fileUrl="http://example.com/essay.txt")])
    assert xapi.post_statements(given).status_code == 200


def test_multipart_with_missing_payload_is_rejected(xapi):  # xAPI-Communication 1.5.2.s3.b5
    given = statement(statement_id=new_id(), attachments=[_attachment(ESSAY_SHA, len(ESSAY))])
    assert _post_multipart(xapi, [given], []).status_code == 400
    assert xapi.get_statements(statementId=given["id"]).status_code == 404


def test_multipart_with_an_extra_part_is_rejected(xapi):  # xAPI-Communication 1.5.2.s2.b2.b2
    response = _post_multipart(xapi, [statement()], [AttachmentPart(ESSAY_SHA, "text/plain", ESSAY)])
    assert response.status_code == 400


def test_multipart_form_data_is_rejected(xapi):  # xAPI-Communication 1.5.2
    response = xapi.request("POST", "/xapi/statements", data=b"--x\r\n\r\n{}\r\n--x--",
                            headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert response.status_code == 400


@pytest.fixture(scope="module")
def signer():
    return self_signed_signer()


def _signed_post(xapi, signer, algorithm: str):
    key, certificate = signer
    unsigned = statement(statement_id=new_id())
    signing_key = key if algorithm.startswith("RS") else "a-shared-secret-long-enough-for-hmac-256"
    headers = {"x5c": [certificate]} if algorithm.startswith("RS") else None
    token = jwt.encode(unsigned, signing_key, algorithm=algorithm, headers=headers).encode()
    sha = hashlib.sha256(token).hexdigest()
    signed = {**unsigned, "attachments": [{"usageType": SIGNATURE_USAGE, "display": {"en-US": "signature"},
                                           "contentType": "application/octet-stream", "length": len(token),
                                           "sha2": sha}]}
    return _post_multipart(xapi, [signed], [AttachmentPart(sha, "application/octet-stream", token)])


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_accepted(xapi, signer, algorithm):  # xAPI-Data 2.6.s4.b4, 2.6.s5.b3, 2.6.s5.b3.b1
    assert _signed_post(xapi, signer, algorithm).status_code == 200


def test_signed_statement_with_another_algorithm_is_rejected(xapi, signer):  # xAPI-Data 2.6.s5.b1
    assert _signed_post(xapi, signer, "HS256").status_code == 400
