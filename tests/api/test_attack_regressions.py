"""Regressions of attacks on the write path: requests whose cost outgrew their size (issue 10)."""
from __future__ import annotations

import hashlib

import jwt
import orjson
import pytest

import lrs.services.statements as statement_service
from lrs.xapi.attachments import AttachmentPart, build_multipart
from tests.conftest import rejected
from tests.factories import new_id, statement
from tests.signing import self_signed_signer

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"


@pytest.fixture(scope="module")
def signer():
    return self_signed_signer()


@pytest.fixture
def verifications(monkeypatch):
    """How many times the service runs the real signature verification."""
    calls = []
    real = statement_service.verify_signed_statement

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(statement_service, "verify_signed_statement", counting)
    return calls


def _signed(signer, unsigned: dict):
    key, certificate = signer
    token = jwt.encode(unsigned, key, algorithm="RS256", headers={"x5c": [certificate]}).encode()
    sha = hashlib.sha256(token).hexdigest()
    signed = {**unsigned, "attachments": [{"usageType": SIGNATURE_USAGE, "display": {"en-US": "signature"},
                                           "contentType": "application/octet-stream", "length": len(token),
                                           "sha2": sha}]}
    return signed, AttachmentPart(sha, "application/octet-stream", token)


def _post_multipart(xapi, statements, parts):
    body, content_type = build_multipart(orjson.dumps(statements), parts)
    return xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})


def test_a_batch_sharing_one_signature_verifies_it_once(xapi, signer, verifications):  # xAPI-Data 2.6.s5
    signed, part = _signed(signer, statement())
    response = _post_multipart(xapi, [signed] * 50, [part])
    assert response.status_code == 200, response.data[:300]
    assert len(response.get_json()) == 50
    assert len(verifications) == 1


def test_a_bad_signature_shared_by_a_batch_is_refused_at_its_first_statement(xapi, signer, verifications):  # xAPI-Data 2.6.s5.b3.b2
    signed, part = _signed(signer, statement())
    other = {**signed, "verb": {"id": "http://example.com/verbs/forged"}}
    response = _post_multipart(xapi, [signed, signed, other, other], [part])
    rejected(response, "[2].attachments")
    assert len(verifications) == 2


def test_duplicate_ids_are_refused_before_any_signature_is_verified(xapi, signer, verifications):  # xAPI-Communication 2.1.2.s2.b6
    signed, part = _signed(signer, statement(statement_id=new_id()))
    rejected(_post_multipart(xapi, [signed, signed], [part]), "")
    assert verifications == []
