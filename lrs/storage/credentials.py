"""Stores (tenants) and the credentials that open them."""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select, update

from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import credentials, stores


_BY_KEY = ("SELECT c.id, c.store_id, c.name, c.key, c.secret_hash, c.scopes, c.revoked_ms, s.enabled "
           "FROM credentials c JOIN stores s ON s.id = c.store_id WHERE c.key = ?")


@dataclass(frozen=True)
class CredentialRecord:
    id: int
    store_id: int
    name: str
    key: str
    secret_hash: str
    scopes: str
    revoked: bool
    store_enabled: bool


def _now_ms() -> int:
    return int(time.time() * 1000)


class CredentialStorage:
    """`recheck_seconds`: how long this process may answer `by_key` from memory. Every request needs the
    credential, and reading it costs a round trip and a sixth of a small request's CPU; a write through
    this object forgets what it remembered at once, another process's write takes effect within the
    interval (0 reads on every request)."""

    def __init__(self, engines: Engines, recheck_seconds: float = 0.0):
        self._engines = engines
        self._recheck_seconds = recheck_seconds
        self._recent: dict[str, tuple[CredentialRecord, float]] = {}
        self._generation = 0  # bumped by every change, so a read that raced a change is not remembered

    def ensure_store(self, name: str) -> int:
        with self._engines.write.begin() as connection:
            store_id = connection.execute(select(stores.c.id).where(stores.c.name == name)).scalar()
            if store_id is None:
                store_id = connection.execute(stores.insert().values(
                    name=name, enabled=True, created_ms=_now_ms())).inserted_primary_key[0]
        return store_id

    def create(self, *, store_id: int, name: str, key: str, secret_hash: str, scopes: str = "all") -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            return connection.execute(credentials.insert().values(
                store_id=store_id, name=name, key=key, secret_hash=secret_hash, scopes=scopes,
                created_ms=_now_ms())).inserted_primary_key[0]

    def by_key(self, key: str) -> CredentialRecord | None:
        now, generation = time.monotonic(), self._generation
        remembered = self._recent.get(key)
        if remembered is not None and remembered[1] > now:
            return remembered[0]
        rows = self._engines.rows(_BY_KEY, (key,))
        if not rows:
            return None  # unknown keys are not remembered: a credential created elsewhere works at once
        credential_id, store_id, name, key, secret_hash, scopes, revoked_ms, store_enabled = rows[0]
        record = CredentialRecord(credential_id, store_id, name, key, secret_hash, scopes, revoked_ms is not None,
                                  bool(store_enabled))
        if self._recheck_seconds > 0 and generation == self._generation:
            if len(self._recent) > 10_000:
                self._recent.clear()
            # Counted from before the read, so a row read before a change is never used past the interval.
            self._recent[key] = (record, now + self._recheck_seconds)
        return record

    def _forget(self) -> None:
        """After a change to credentials or stores, this process reads them afresh."""
        self._generation += 1
        self._recent.clear()

    def last_version(self, credential_id: int) -> str | None:
        with self._engines.read.connect() as connection:
            return connection.execute(select(credentials.c.last_version).where(
                credentials.c.id == credential_id)).scalar()

    def set_last_version(self, credential_id: int, version: str) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(update(credentials).where(credentials.c.id == credential_id).values(
                last_version=version))

    # --- administration ----------------------------------------------------------------------

    def stores(self) -> list[StoreRecord]:
        counts = (select(credentials.c.store_id, func.count().label("n")).where(credentials.c.revoked_ms.is_(None))
                  .group_by(credentials.c.store_id).subquery())
        query = (select(stores, func.coalesce(counts.c.n, 0).label("n"))
                 .outerjoin(counts, counts.c.store_id == stores.c.id).order_by(stores.c.id))
        with self._engines.read.connect() as connection:
            return [StoreRecord(row.id, row.name, bool(row.enabled), row.created_ms, row.n)
                    for row in connection.execute(query)]

    def store(self, store_id: int) -> StoreRecord | None:
        return next((store for store in self.stores() if store.id == store_id), None)

    def create_store(self, name: str) -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            return connection.execute(stores.insert().values(
                name=name, enabled=True, created_ms=_now_ms())).inserted_primary_key[0]

    def update_store(self, store_id: int, **values) -> None:
        with translated_errors(), self._engines.write.begin() as connection:
            connection.execute(update(stores).where(stores.c.id == store_id).values(**values))
        self._forget()  # after the commit, so no request re-reads the old row

    def credentials_of(self, store_id: int) -> list[CredentialRecord]:
        query = (select(credentials, stores.c.enabled.label("store_enabled"))
                 .join(stores, stores.c.id == credentials.c.store_id)
                 .where(credentials.c.store_id == store_id).order_by(credentials.c.id))
        with self._engines.read.connect() as connection:
            return [_record(row) for row in connection.execute(query)]

    def by_id(self, credential_id: int) -> CredentialRecord | None:
        return self._one(credentials.c.id == credential_id)

    def _one(self, condition) -> CredentialRecord | None:
        query = (select(credentials, stores.c.enabled.label("store_enabled"))
                 .join(stores, stores.c.id == credentials.c.store_id).where(condition))
        with self._engines.read.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else _record(row)

    def set_secret_hash(self, credential_id: int, secret_hash: str) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(update(credentials).where(credentials.c.id == credential_id).values(
                secret_hash=secret_hash))
        self._forget()  # after the commit, so no request re-reads the old row

    def revoke(self, credential_id: int) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(update(credentials).where(credentials.c.id == credential_id,
                                                         credentials.c.revoked_ms.is_(None)).values(
                revoked_ms=_now_ms()))
        self._forget()  # after the commit, so no request re-reads the old row


def _record(row) -> CredentialRecord:
    return CredentialRecord(row.id, row.store_id, row.name, row.key, row.secret_hash, row.scopes,
                            row.revoked_ms is not None, bool(row.store_enabled))


@dataclass(frozen=True)
class StoreRecord:
    id: int
    name: str
    enabled: bool
    created_ms: int
    active_credentials: int
