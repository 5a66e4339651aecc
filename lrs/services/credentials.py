"""Use cases for credentials: create one for a store, and authenticate requests with it."""
from __future__ import annotations

from dataclasses import dataclass

from lrs.auth.secrets import hash_secret, new_key, new_secret
from lrs.storage.credentials import CredentialStorage
from lrs.xapi.scopes import parse_scopes

DEFAULT_STORE = "default"


@dataclass(frozen=True)
class IssuedCredential:
    credential_id: int
    store_id: int
    key: str
    secret: str


class CredentialService:
    def __init__(self, storage: CredentialStorage):
        self._storage = storage

    def create(self, *, name: str, store_name: str = DEFAULT_STORE, key: str | None = None,
               secret: str | None = None, scopes: str = "all") -> IssuedCredential:
        """Creates a credential; the secret is returned once and only its argon2 hash is kept."""
        scopes = " ".join(sorted(parse_scopes(scopes)))
        store_id = self._storage.ensure_store(store_name)
        key = key or new_key()
        secret = secret or new_secret()
        credential_id = self._storage.create(store_id=store_id, name=name, key=key,
                                             secret_hash=hash_secret(secret), scopes=scopes)
        return IssuedCredential(credential_id, store_id, key, secret)
