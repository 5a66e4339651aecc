"""The forwarding signature: HMAC-SHA256 over the timestamp and the body, in one header.

    X-LRS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

A receiver recomputes v1 over the raw body with the subscription's secret, compares in constant time, and
refuses a timestamp further than its tolerance (5 minutes advised) from its clock: a captured request
replayed later fails. The statements' ids (and X-LRS-Delivery) tell a re-sent batch apart."""
from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-LRS-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, *, tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """What a receiver does (and the tests): the signature matches and the timestamp is recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
        sent = parts["v1"]
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, sent)
