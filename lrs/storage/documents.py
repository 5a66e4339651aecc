"""State, Activity Profile and Agent Profile documents per store."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import delete, func, insert, select, update

from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import documents
from lrs.xapi.documents import Document, DocumentAddress, DocumentScope

# Given the stored document (or None), the document to store (or None to delete it).
Change = Callable[[Document | None], Document | None]


class DocumentStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def get(self, store_id: int, address: DocumentAddress) -> Document | None:
        with self._engines.read.connect() as connection:
            return self._find(connection, store_id, address, for_update=False)

    def list_ids(self, store_id: int, scope: DocumentScope, *, since_ms: int | None) -> tuple[list[str], int | None]:
        """The ids of the scope's documents updated after `since_ms` (exclusive), and when the most
        recent of them was updated."""
        query = select(documents.c.document_id, documents.c.updated_ms).where(
            *self._scope_filter(store_id, scope))
        if since_ms is not None:
            query = query.where(documents.c.updated_ms > since_ms)
        with self._engines.read.connect() as connection:
            rows = connection.execute(query.order_by(documents.c.updated_ms, documents.c.document_id)).all()
        ids = list(dict.fromkeys(document_id for document_id, _ in rows))  # one per registration
        return ids, max((updated for _, updated in rows), default=None)

    def change(self, store_id: int, address: DocumentAddress, change: Change) -> None:
        """Reads the document, asks `change` what it becomes and writes that, all in one transaction
        with the row locked, so a precondition checked by `change` still holds when the write lands.
        A concurrent first insert of the same document raises ConcurrentInsert: retry."""
        with translated_errors(), self._engines.write.begin() as connection:
            existing = self._find(connection, store_id, address, for_update=True)
            replacement = change(existing)
            key = self._key_filter(store_id, address)
            if replacement is None:
                if existing is not None:
                    connection.execute(delete(documents).where(*key))
            elif existing is None:
                scope = address.scope
                connection.execute(insert(documents).values(
                    store_id=store_id, scope_hash=scope.scope_hash, registration=scope.registration or "",
                    document_hash=address.document_hash, kind=int(scope.kind), activity_id=scope.activity_id,
                    agent_key=scope.agent_key, document_id=address.document_id,
                    content_type=replacement.content_type, content=replacement.content,
                    updated_ms=replacement.updated_ms))
            else:
                connection.execute(update(documents).where(*key).values(
                    content_type=replacement.content_type, content=replacement.content,
                    updated_ms=replacement.updated_ms))

    def delete_many(self, store_id: int, scope: DocumentScope) -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            return connection.execute(delete(documents).where(*self._scope_filter(store_id, scope))).rowcount

    def count(self, store_id: int) -> int:
        with self._engines.read.connect() as connection:
            return connection.execute(select(func.count()).select_from(documents).where(
                documents.c.store_id == store_id)).scalar_one()

    def _find(self, connection, store_id: int, address: DocumentAddress, *, for_update: bool) -> Document | None:
        query = select(documents.c.content, documents.c.content_type, documents.c.updated_ms).where(
            *self._key_filter(store_id, address))
        if for_update:
            query = query.with_for_update()
        row = connection.execute(query).first()
        if row is None:
            return None
        return Document(content=bytes(row.content), content_type=row.content_type, updated_ms=row.updated_ms)

    @staticmethod
    def _key_filter(store_id: int, address: DocumentAddress) -> list:
        scope = address.scope
        return [documents.c.store_id == store_id, documents.c.scope_hash == scope.scope_hash,
                documents.c.registration == (scope.registration or ""),
                documents.c.document_hash == address.document_hash,
                # The hashes are the index; the plain values make a hash collision harmless.
                documents.c.document_id == address.document_id]

    @staticmethod
    def _scope_filter(store_id: int, scope: DocumentScope) -> list:
        conditions = [documents.c.store_id == store_id, documents.c.scope_hash == scope.scope_hash,
                      documents.c.activity_id == scope.activity_id, documents.c.agent_key == scope.agent_key]
        if scope.registration is not None:
            conditions.append(documents.c.registration == scope.registration)
        return conditions
