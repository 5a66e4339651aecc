"""Signed statements (xAPI-Data 2.6.s5): well-formed JWS, allowed algorithm, matching payload, x5c."""
from __future__ import annotations


import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from lrs.xapi.errors import BadRequest
from tests.signing import self_signed_signer
from lrs.xapi.signatures import verify_signed_statement

STATEMENT = {"id": "6a1d6cf0-4e26-4f8b-a0e4-1c6b1b8c4f9a", "actor": {"mbox": "mailto:a@example.com"},
             "verb": {"id": "http://example.com/verbs/signed"}, "object": {"id": "http://example.com/doc"}}


@pytest.fixture(scope="module")
def key_and_certificate():
    return self_signed_signer()


def _signed(payload: dict, key, algorithm="RS256", headers=None):
    token = jwt.encode(payload, key, algorithm=algorithm, headers=headers)
    statement = {**STATEMENT, "attachments": [{
        "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "signature"},
        "contentType": "application/octet-stream", "length": len(token), "sha2": "0" * 64}]}
    return statement, token.encode()


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_rsa_signatures_with_x5c_are_accepted(key_and_certificate, algorithm):  # xAPI-Data 2.6.s4.b4; xAPI-2.0 s13-s14
    key, certificate = key_and_certificate
    statement, token = _signed(STATEMENT, key, algorithm, {"x5c": [certificate]})
    verify_signed_statement(statement, token, "")


def test_another_algorithm_is_rejected():  # xAPI-Data 2.6.s4.b4
    statement, token = _signed(STATEMENT, "shared-secret-that-is-long-enough-for-hs256", "HS256")
    with pytest.raises(BadRequest, match="RS256"):
        verify_signed_statement(statement, token, "")


def test_payload_of_another_statement_is_rejected(key_and_certificate):  # xAPI-Data 2.6.s5.b3.b2, 2.6.s4.b3
    key, _ = key_and_certificate
    statement, token = _signed({**STATEMENT, "verb": {"id": "http://example.com/verbs/other"}}, key)
    with pytest.raises(BadRequest, match="payload"):
        verify_signed_statement(statement, token, "")


def test_signature_not_matching_its_certificate_is_rejected(key_and_certificate):  # xAPI-Data 2.6.s5.b3.b3
    _, certificate = key_and_certificate
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    statement, token = _signed(STATEMENT, other_key, "RS256", {"x5c": [certificate]})
    with pytest.raises(BadRequest, match="x5c"):
        verify_signed_statement(statement, token, "")


@pytest.mark.parametrize("token", [b"not-a-jws", b"a.b.c", b"\xff\xfe", b"e30.e30.e30"])
def test_malformed_jws_is_rejected(token):  # xAPI-Data 2.6.s5.b1
    statement, _ = _signed(STATEMENT, "x" * 32, "HS256")
    with pytest.raises(BadRequest):
        verify_signed_statement(statement, token, "")


def test_signature_attachment_with_wrong_content_type_is_rejected(key_and_certificate):  # xAPI-Data 2.6.s4.b1, 2.6.s5.b3.b4
    key, _ = key_and_certificate
    statement, token = _signed(STATEMENT, key)
    statement["attachments"][0]["contentType"] = "text/plain"
    with pytest.raises(BadRequest, match="octet-stream"):
        verify_signed_statement(statement, token, "")


def test_signature_comparison_ignores_duration_precision_beyond_hundredths(key_and_certificate):
    # xAPI-2.0 s25; xAPI-Data 4.6.s1.b5 (ADL v2_0/4.2.7 signs 0.12S and sends 0.1237S)
    key, _ = key_and_certificate
    signed = {**STATEMENT, "result": {"duration": "P1DT12H36M0.12S"}}
    statement, token = _signed(signed, key)
    verify_signed_statement({**statement, "result": {"duration": "P1DT12H36M0.1237S"}}, token, "")
    with pytest.raises(BadRequest, match="payload"):
        verify_signed_statement({**statement, "result": {"duration": "P1DT12H36M0.13S"}}, token, "")
