"""The audit log and the admin accounts that write most of it."""
from __future__ import annotations

import time
from dataclasses import dataclass

import orjson
from sqlalchemy import select

from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import admins, audit_log


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at_ms: int
    actor: str
    action: str
    store_id: int | None
    detail: dict


@dataclass(frozen=True)
class AdminRecord:
    id: int
    username: str
    password_hash: str


class AuditStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def record(self, actor: str, action: str, store_id: int | None, detail: dict) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(audit_log.insert().values(
                at_ms=int(time.time() * 1000), actor=actor, action=action, store_id=store_id,
                detail=orjson.dumps(detail).decode()))

    def entries(self, *, store_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if store_id is not None:
            query = query.where(audit_log.c.store_id == store_id)
        with self._engines.read.connect() as connection:
            return [AuditEntry(row.id, row.at_ms, row.actor, row.action, row.store_id, orjson.loads(row.detail))
                    for row in connection.execute(query)]


class AdminStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def create(self, username: str, password_hash: str) -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            return connection.execute(admins.insert().values(
                username=username, password_hash=password_hash,
                created_ms=int(time.time() * 1000))).inserted_primary_key[0]

    def by_username(self, username: str) -> AdminRecord | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(admins).where(admins.c.username == username)).first()
        return None if row is None else AdminRecord(row.id, row.username, row.password_hash)
