"""Who is calling: HTTP Basic with a credential's key and secret, or an OAuth 2.0 Bearer token issued
for one (xAPI-Communication 4.0). Either way the credential must still exist, be unrevoked and belong
to an enabled store. Revoking a key or disabling a store takes effect at once in the process that did
it and within LRS_CREDENTIAL_RECHECK_SECONDS in every other (lrs/storage/credentials.py)."""
from __future__ import annotations

import hashlib
import threading
import time
from typing import Callable

from lrs.auth.basic import parse_basic
from lrs.auth.principal import Principal
from lrs.auth.secrets import DUMMY_HASH, secret_matches
from lrs.auth.throttle import FailureThrottle
from lrs.auth.tokens import TokenIssuer
from lrs.storage.credentials import CredentialRecord, CredentialStorage
from lrs.xapi.errors import Unauthorized
from lrs.xapi.scopes import allows

_REFUSED = "unknown, revoked or disabled credentials"


class Authenticator:
    """Argon2 verification is deliberately slow, so a successful check is remembered for a short time,
    keyed by a digest of the presented secret and the stored hash (a rotated secret misses the cache)."""

    def __init__(self, credentials: CredentialStorage, tokens: TokenIssuer, throttle: FailureThrottle,
                 cache_seconds: float):
        self._credentials = credentials
        self._tokens = tokens
        self._throttle = throttle
        self._cache_seconds = cache_seconds
        self._verified: dict[tuple[str, bytes, str], float] = {}
        self._lock = threading.Lock()
        # Resolvers of Basic credentials that are not stored credentials (session tokens), asked first.
        self._other_basic: tuple[Callable[[str, str], Principal | None], ...] = ()

    def add_basic_resolver(self, resolver: Callable[[str, str], Principal | None]) -> None:
        """`resolver(user, password)` -> the Principal these Basic credentials stand for; None at once when the
        user is not of the resolver's shape (stored credentials then pay only that check); Unauthorized when it
        is, but the password is wrong. Resolvers are asked before the credential store, which saves a session
        token's request a credential read; a refusal stands only if the key is no stored credential's either,
        so a stored key of the same shape still works, and an unknown key of another shape is a regular miss."""
        self._other_basic = (*self._other_basic, resolver)

    def authenticate(self, authorization_header: str | None, client_address: str | None = None) -> Principal:
        if authorization_header and authorization_header[:7].lower() == "bearer ":
            return self._bearer(authorization_header[7:].strip(), client_address)
        parsed = parse_basic(authorization_header)
        if parsed is None:
            raise Unauthorized("HTTP Basic credentials or a Bearer token are required",
                               section="xAPI-Communication 4.0")
        key, secret = parsed
        record = self._verify(key, secret, client_address, resolve_others=True)
        if isinstance(record, Principal):
            return record
        return _principal(record, frozenset(record.scopes.split()))

    def verify_secret(self, key: str, secret: str, client_address: str | None) -> CredentialRecord:
        """The credential whose key and secret these are, or 401; failures count towards a 429."""
        return self._verify(key, secret, client_address, resolve_others=False)

    def _verify(self, key: str, secret: str, client_address: str | None, *,
                resolve_others: bool) -> CredentialRecord | Principal:
        subjects = ("key:" + key, "address:" + (client_address or "unknown"))
        self._throttle.check(*subjects)
        refusal = None
        if resolve_others:
            try:
                principal = self._resolve_other(key, secret)
            except Unauthorized as refused:
                principal, refusal = None, refused
            if principal is not None:
                return principal
        record = self._credentials.by_key(key)
        if record is None or record.revoked or not record.store_enabled:
            if record is None and refusal is not None:
                raise refusal  # the resolver's own refusal, as cheap as it chose to make it
            secret_matches(DUMMY_HASH, secret)  # same work as a real check: no key enumeration by timing
            self._throttle.failed(*subjects)
            raise Unauthorized(_REFUSED, section="xAPI-Communication 4.0")
        digest = hashlib.sha256(secret.encode()).digest()
        cache_key = (key, digest, record.secret_hash)
        now = time.monotonic()
        expires = self._verified.get(cache_key)
        if expires is None or expires < now:
            if not secret_matches(record.secret_hash, secret):
                self._throttle.failed(*subjects)
                raise Unauthorized(_REFUSED, section="xAPI-Communication 4.0")
            with self._lock:
                if len(self._verified) > 10_000:
                    self._verified.clear()
                self._verified[cache_key] = now + self._cache_seconds
        return record

    def _resolve_other(self, key: str, secret: str) -> Principal | None:
        for resolve in self._other_basic:
            principal = resolve(key, secret)
            if principal is not None:
                return principal
        return None

    def _bearer(self, token: str, client_address: str | None) -> Principal:
        subject = "address:" + (client_address or "unknown")
        self._throttle.check(subject)
        try:
            claims = self._tokens.verify(token)
        except Unauthorized:
            self._throttle.failed(subject)
            raise
        record = self._credentials.by_key(claims.credential_key)
        if record is None or record.revoked or not record.store_enabled:
            raise Unauthorized(_REFUSED, section="xAPI-Communication 4.0")
        # A token never grants more than its credential holds now.
        credential_scopes = frozenset(record.scopes.split())
        scopes = frozenset(scope for scope in claims.scopes if allows(credential_scopes, frozenset({scope})))
        return _principal(record, scopes, via_token=True)


def _principal(record: CredentialRecord, scopes: frozenset[str], via_token: bool = False) -> Principal:
    return Principal(credential_id=record.id, store_id=record.store_id, name=record.name, key=record.key,
                     scopes=scopes, via_token=via_token)
