"""Issued certificates: one per store, learner and course (a unique key, so issuing twice, or on two
workers at once, keeps the first), each with a random id that is its verification URL."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from automation.workflows.storage.rows import insert_if_absent, now_ms
from automation.workflows.storage.tables import certificates


@dataclass(frozen=True)
class Certificate:
    id: str
    store_id: int
    learner_key: str
    learner_name: str
    learner_email: str | None
    course_id: str
    course_title: str
    completed_ms: int
    issued_ms: int
    revoked_ms: int | None
    revoke_reason: str | None

    @property
    def revoked(self) -> bool:
        return self.revoked_ms is not None


class CertificateStore:
    def __init__(self, engines):
        self._engines = engines

    def issue(self, *, store_id: int, learner_key: str, learner_name: str, learner_email: str | None,
              course_id: str, course_title: str, completed_ms: int) -> tuple[Certificate, bool]:
        """(the certificate, True when this call issued it); an existing one is returned unchanged."""
        with self._engines.write.begin() as connection:
            created = insert_if_absent(connection, certificates, {
                "id": secrets.token_urlsafe(32), "store_id": store_id, "learner_key": learner_key,
                "learner_name": learner_name, "learner_email": learner_email, "course_id": course_id,
                "course_title": course_title, "completed_ms": completed_ms, "issued_ms": now_ms(),
                "revoked_ms": None, "revoke_reason": None})
            row = connection.execute(select(certificates).where(
                certificates.c.store_id == store_id, certificates.c.learner_key == learner_key,
                certificates.c.course_id == course_id)).one()
        return Certificate(**row._mapping), created

    def get(self, certificate_id: str) -> Certificate | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(certificates).where(certificates.c.id == certificate_id)).first()
        return None if row is None else Certificate(**row._mapping)

    def for_store(self, store_id: int, learner_key: str | None = None) -> list[Certificate]:
        query = select(certificates).where(certificates.c.store_id == store_id).order_by(certificates.c.issued_ms)
        if learner_key is not None:
            query = query.where(certificates.c.learner_key == learner_key)
        with self._engines.read.connect() as connection:
            return [Certificate(**row._mapping) for row in connection.execute(query)]

    def revoke(self, store_id: int, certificate_id: str, reason: str) -> Certificate | None:
        """Revokes it (the first revocation's time and reason stay); None for another store's or no id."""
        with self._engines.write.begin() as connection:
            connection.execute(update(certificates).where(
                certificates.c.id == certificate_id, certificates.c.store_id == store_id,
                certificates.c.revoked_ms.is_(None)).values(revoked_ms=now_ms(), revoke_reason=reason))
            row = connection.execute(select(certificates).where(certificates.c.id == certificate_id,
                                                                certificates.c.store_id == store_id)).first()
        return None if row is None else Certificate(**row._mapping)
