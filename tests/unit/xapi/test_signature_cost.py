"""A signature's x5c chain is bounded before anything is verified, so a forged chain cannot pin a worker
(xAPI-Data 2.6: the LRS verifies the JWS against its x5c certificate)."""
from __future__ import annotations

import base64
import datetime
import math
import secrets
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from lrs.xapi.errors import BadRequest
from lrs.xapi.signatures import MAX_CHAIN_LENGTH, verify_signed_statement
from tests.signing import self_signed_signer

STATEMENT = {"id": "6a1d6cf0-4e26-4f8b-a0e4-1c6b1b8c4f9a", "actor": {"mbox": "mailto:a@example.com"},
             "verb": {"id": "http://example.com/verbs/signed"}, "object": {"id": "http://example.com/doc"}}


def _certificate(key, signing_key=None) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now)
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(signing_key or key, hashes.SHA256()))
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def _key_with_huge_exponent(bits: int = 2048):
    """An RSA key whose public exponent is nearly as long as its modulus: each verification is slow."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = key.private_numbers()
    p, q = numbers.p, numbers.q
    phi = (p - 1) * (q - 1)
    while True:
        e = secrets.randbits(bits - 8) | 1 | (1 << (bits - 9))
        if math.gcd(e, phi) == 1:
            break
    d = pow(e, -1, phi)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


def _signed(key, chain: list[str]):
    token = jwt.encode(STATEMENT, key, algorithm="RS256", headers={"x5c": chain})
    statement = {**STATEMENT, "attachments": [{
        "usageType": "http://adlnet.gov/expapi/attachments/signature", "display": {"en-US": "signature"},
        "contentType": "application/octet-stream", "length": len(token), "sha2": "0" * 64}]}
    return statement, token.encode()


def _refused(statement, token, match: str) -> BadRequest:
    with pytest.raises(BadRequest, match=match) as caught:
        verify_signed_statement(statement, token, "[3].")
    assert caught.value.path == "[3].attachments" and caught.value.section == "xAPI-Data 2.6"
    return caught.value


def test_an_rsa_key_with_a_huge_public_exponent_is_refused_unverified():  # xAPI-Data 2.6
    key = _key_with_huge_exponent()
    statement, token = _signed(key, [_certificate(key)])
    started = time.perf_counter()
    _refused(statement, token, "exponent")
    assert time.perf_counter() - started < 0.05  # not one link of the chain was verified


def test_a_chain_longer_than_the_limit_is_refused():  # xAPI-Data 2.6
    key, certificate = self_signed_signer()
    others = [_certificate(rsa.generate_private_key(public_exponent=65537, key_size=1024), key)
              for _ in range(MAX_CHAIN_LENGTH)]
    statement, token = _signed(key, [certificate] + others)
    _refused(statement, token, "at most")


def test_the_same_certificate_twice_in_a_chain_is_refused():  # xAPI-Data 2.6
    key, certificate = self_signed_signer()
    statement, token = _signed(key, [certificate, certificate])
    _refused(statement, token, "twice")


def test_an_ec_key_on_a_curve_outside_p256_p384_p521_is_refused():  # xAPI-Data 2.6
    key, certificate = self_signed_signer()
    odd_curve = ec.generate_private_key(ec.SECP256K1())
    statement, token = _signed(key, [certificate, _certificate(odd_curve)])
    _refused(statement, token, "curve")


def test_an_ordinary_chain_of_two_still_verifies():  # xAPI-Data 2.6.s5.b3
    root = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_rsa = rsa.generate_private_key(public_exponent=3, key_size=2048)
    statement, token = _signed(leaf_rsa, [_certificate(leaf_rsa, root), _certificate(root)])
    verify_signed_statement(statement, token, "")
