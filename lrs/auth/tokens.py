"""OAuth 2.0 access tokens: short-lived JWTs (PyJWT, HS256) signed with keys from settings.

The first key signs; every key verifies, so a new key is rolled in first and the old one removed
after one token lifetime (docs/security.md).
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import jwt

from lrs.xapi.errors import Unauthorized

_ALGORITHM = "HS256"
_AUDIENCE = "xapi-lrs"


@dataclass(frozen=True)
class TokenClaims:
    credential_key: str
    scopes: frozenset[str]
    expires_at: int


class TokenIssuer:
    def __init__(self, keys: tuple[tuple[str, str], ...], *, secret_key: str, lifetime_seconds: int):
        if not keys:
            keys = (("default", hashlib.sha256(("oauth-token:" + secret_key).encode()).hexdigest()),)
        self._signing_kid, self._signing_secret = keys[0]
        self._keys = dict(keys)
        self.lifetime_seconds = lifetime_seconds

    def issue(self, credential_key: str, scopes: frozenset[str]) -> str:
        now = int(time.time())
        claims = {"sub": credential_key, "scope": " ".join(sorted(scopes)), "iat": now,
                  "exp": now + self.lifetime_seconds, "aud": _AUDIENCE, "jti": secrets.token_urlsafe(12)}
        return jwt.encode(claims, self._signing_secret, algorithm=_ALGORITHM,
                          headers={"kid": self._signing_kid})

    def verify(self, token: str) -> TokenClaims:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            secret = self._keys.get(kid)
            if secret is None:
                raise Unauthorized("the access token was signed with an unknown key",
                                   section="xAPI-Communication 4.2")
            claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], audience=_AUDIENCE,
                                options={"require": ["exp", "sub", "scope"]})
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the access token has expired", section="xAPI-Communication 4.2") from None
        except jwt.InvalidTokenError:
            raise Unauthorized("the access token is not valid", section="xAPI-Communication 4.2") from None
        if not (isinstance(claims["sub"], str) and isinstance(claims["scope"], str)):
            raise Unauthorized("the access token is not valid", section="xAPI-Communication 4.2")
        return TokenClaims(credential_key=claims["sub"], scopes=frozenset(claims["scope"].split()),
                           expires_at=claims["exp"])
