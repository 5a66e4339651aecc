"""HTTP Basic authentication against argon2-hashed credential secrets (xAPI-Communication 4.0)."""
from __future__ import annotations

import base64
import hashlib
import threading
import time

from lrs.auth.principal import Principal
from lrs.auth.secrets import secret_matches
from lrs.storage.credentials import CredentialStorage
from lrs.xapi.errors import Unauthorized


def parse_basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    key, separator, secret = decoded.partition(":")
    return (key, secret) if separator else None


class BasicAuthenticator:
    """Argon2 verification is deliberately slow, so a successful check is remembered for a short time,
    keyed by a digest of the presented secret and the stored hash (a rotated secret misses the cache)."""

    def __init__(self, credentials: CredentialStorage, cache_seconds: float):
        self._credentials = credentials
        self._cache_seconds = cache_seconds
        self._verified: dict[tuple[str, bytes, str], float] = {}
        self._lock = threading.Lock()

    def authenticate(self, authorization_header: str | None) -> Principal:
        parsed = parse_basic(authorization_header)
        if parsed is None:
            raise Unauthorized("HTTP Basic credentials are required", section="xAPI-Communication 4.0")
        key, secret = parsed
        record = self._credentials.by_key(key)
        if record is None or record.revoked or not record.store_enabled:
            raise Unauthorized("unknown, revoked or disabled credentials", section="xAPI-Communication 4.0")
        digest = hashlib.sha256(secret.encode()).digest()
        cache_key = (key, digest, record.secret_hash)
        now = time.monotonic()
        expires = self._verified.get(cache_key)
        if expires is None or expires < now:
            if not secret_matches(record.secret_hash, secret):
                raise Unauthorized("unknown, revoked or disabled credentials",
                                   section="xAPI-Communication 4.0")
            with self._lock:
                if len(self._verified) > 10_000:
                    self._verified.clear()
                self._verified[cache_key] = now + self._cache_seconds
        return Principal(credential_id=record.id, store_id=record.store_id, name=record.name, key=record.key,
                         scopes=frozenset(record.scopes.split()))

