"""Signed statements (xAPI-Data 2.6): the JWS attachment must be well formed and match the statement."""
from __future__ import annotations

import base64
import binascii
import copy

import jwt
import orjson
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.exceptions import PyJWTError

from lrs.xapi.attachments import SIGNATURE_USAGE
from lrs.xapi.comparison import statements_match
from lrs.xapi.errors import BadRequest, InvalidStatement
from lrs.xapi.validation import validate_statement
from lrs.xapi.versions import V1_0_3

SECTION = "xAPI-Data 2.6"
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512")
# Bounds checked before any verification: each link costs one signature check, and an RSA key's cost
# grows with its exponent and modulus (a forged 3072-bit exponent makes one check take ~20 ms).
MAX_CHAIN_LENGTH = 10
_RSA_EXPONENTS = (3, 65537)
_RSA_MAX_BITS = 4096
_EC_CURVES = ("secp256r1", "secp384r1", "secp521r1")


def signature_attachment(statement: dict) -> dict | None:
    for attachment in statement.get("attachments") or ():
        if attachment.get("usageType") == SIGNATURE_USAGE:
            return attachment
    return None


def _unsigned(statement: dict) -> dict:
    """The statement as it was before its signature attachment was added."""
    unsigned = copy.deepcopy(statement)
    remaining = [a for a in unsigned.get("attachments", []) if a.get("usageType") != SIGNATURE_USAGE]
    if remaining:
        unsigned["attachments"] = remaining
    else:
        unsigned.pop("attachments", None)
    return unsigned


def _fail(message: str, path: str) -> None:
    raise BadRequest(message, path=path, section=SECTION)


def _b64url_json(segment: str, what: str, path: str):
    try:
        return orjson.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        _fail(f"the JWS {what} is not base64url-encoded JSON", path)


def verify_signed_statement(statement: dict, jws: bytes, position: str, version: str = V1_0_3) -> None:
    """Rejects with 400 a signature that is malformed, uses another algorithm, signs a different
    statement, or does not verify against its own x5c certificate (xAPI-Data 2.6.s5)."""
    attachment = signature_attachment(statement)
    path = f"{position}attachments"
    if attachment.get("contentType", "").split(";")[0].strip() != "application/octet-stream":
        _fail("a signature attachment must have contentType application/octet-stream", path)
    try:
        token = jws.decode("ascii").strip()
    except UnicodeDecodeError:
        _fail("the signature is not a JWS compact serialization", path)
    segments = token.split(".")
    if len(segments) != 3:
        _fail("the signature is not a JWS compact serialization", path)
    header = _b64url_json(segments[0], "header", path)
    if not isinstance(header, dict) or header.get("alg") not in ALLOWED_ALGORITHMS:
        _fail("the JWS algorithm must be RS256, RS384 or RS512", path)
    payload = _b64url_json(segments[1], "payload", path)
    # The payload is compared only once valid, so comparison sees the formats validation bounds.
    try:
        validate_statement(payload, version)
    except InvalidStatement as error:
        _fail(f"the JWS payload is not a valid statement: {error.message} (at '{error.path}')", path)
    if not statements_match(payload, _unsigned(statement)):
        _fail("the JWS payload is not the signed statement", path)
    if "x5c" in header:
        _verify_with_certificate(token, header, path)


def _verify_with_certificate(token: str, header: dict, path: str) -> None:
    chain = header["x5c"]
    if not isinstance(chain, list) or not chain or not all(isinstance(c, str) for c in chain):
        _fail("the JWS x5c header must be a non-empty array of certificates", path)
    if len(chain) > MAX_CHAIN_LENGTH:
        _fail(f"the JWS x5c header may hold at most {MAX_CHAIN_LENGTH} certificates", path)
    if len(set(chain)) != len(chain):
        _fail("the JWS x5c header holds the same certificate twice", path)
    try:
        certificates = [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in chain]
        keys = [certificate.public_key() for certificate in certificates]
    except (binascii.Error, ValueError, TypeError):
        _fail("the JWS x5c header holds a malformed certificate", path)
    for key in keys:
        _check_key_cost(key, path)
    for child, parent in zip(certificates, certificates[1:]):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature):
            _fail("the JWS x5c certificates do not form a chain", path)
    if not isinstance(keys[0], rsa.RSAPublicKey):
        _fail("the JWS x5c certificate must hold an RSA key for RS256, RS384 or RS512", path)
    try:
        jwt.api_jws.PyJWS().decode_complete(token, key=keys[0], algorithms=[header["alg"]])
    except (PyJWTError, ValueError, TypeError):
        _fail("the JWS signature does not verify against its x5c certificate", path)


def _check_key_cost(key, path: str) -> None:
    """Only keys whose verification cost is bounded: RSA up to 4096 bits with exponent 3 or 65537,
    EC on P-256, P-384 or P-521."""
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size > _RSA_MAX_BITS:
            _fail(f"an x5c certificate's RSA key is longer than {_RSA_MAX_BITS} bits", path)
        if key.public_numbers().e not in _RSA_EXPONENTS:
            _fail("an x5c certificate's RSA public exponent must be 3 or 65537", path)
    elif isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.name not in _EC_CURVES:
            _fail("an x5c certificate's EC key must be on curve P-256, P-384 or P-521", path)
    else:
        _fail("an x5c certificate must hold an RSA or EC key", path)
