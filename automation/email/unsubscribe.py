"""Unsubscribe links: a token signed with the server secret (HMAC-SHA256 through itsdangerous) naming the
store and address, so it cannot be guessed or altered, and the list of addresses that used one."""
from __future__ import annotations

import hashlib

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from automation.workflows.storage.rows import insert_if_absent, now_ms
from automation.workflows.storage.tables import unsubscribes

_SALT = "lrs.automation.email.unsubscribe"


class UnsubscribeTokens:
    def __init__(self, secret_key: str, public_url: str):
        self._serializer = URLSafeSerializer(secret_key, salt=_SALT, signer_kwargs={"digest_method": hashlib.sha256})
        self._public_url = public_url.rstrip("/")

    def token(self, store_id: int, email: str) -> str:
        return self._serializer.dumps([store_id, email.lower()])

    def url(self, store_id: int, email: str) -> str:
        return f"{self._public_url}/email/unsubscribe/{self.token(store_id, email)}"

    def read(self, token: str) -> tuple[int, str] | None:
        """(store id, address), or None for a token this server did not sign."""
        try:
            store_id, email = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        if not isinstance(store_id, int) or not isinstance(email, str):
            return None
        return store_id, email


class Unsubscribes:
    def __init__(self, engines):
        self._engines = engines

    def add(self, store_id: int, email: str) -> None:
        with self._engines.write.begin() as connection:
            insert_if_absent(connection, unsubscribes,
                             {"store_id": store_id, "email": email.lower(), "created_ms": now_ms()})

    def contains(self, store_id: int, email: str) -> bool:
        with self._engines.read.connect() as connection:
            return connection.execute(select(unsubscribes.c.email).where(
                unsubscribes.c.store_id == store_id, unsubscribes.c.email == email.lower())).first() is not None
