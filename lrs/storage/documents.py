"""State, Activity Profile and Agent Profile documents per store."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import documents
from lrs.xapi.documents import Document, DocumentAddress, DocumentScope

# Given the stored document (or None), the document to store (or None to delete it).
Change = Callable[[Document | None], Document | None]

# One document by its key, built once: building and cache-keying these statements on every call cost more
# than running them (the SCORM player writes a state document per launch). The hashes are the index; the
# plain document id makes a hash collision harmless.
_KEY = and_(documents.c.store_id == bindparam("k_store_id"), documents.c.scope_hash == bindparam("k_scope_hash"),
            documents.c.registration == bindparam("k_registration"),
            documents.c.document_hash == bindparam("k_document_hash"),
            documents.c.document_id == bindparam("k_document_id"))
_FIND = select(documents.c.content, documents.c.content_type, documents.c.updated_ms).where(_KEY)
_FIND_FOR_UPDATE = _FIND.with_for_update()
_DELETE = delete(documents).where(_KEY)
_UPDATE = update(documents).where(_KEY).values(content_type=bindparam("v_content_type"),
                                               content=bindparam("v_content"), updated_ms=bindparam("v_updated_ms"))
_INSERT = insert(documents).values(
    store_id=bindparam("k_store_id"), scope_hash=bindparam("k_scope_hash"), registration=bindparam("k_registration"),
    document_hash=bindparam("k_document_hash"), document_id=bindparam("k_document_id"), kind=bindparam("v_kind"),
    activity_id=bindparam("v_activity_id"), agent_key=bindparam("v_agent_key"),
    content_type=bindparam("v_content_type"), content=bindparam("v_content"), updated_ms=bindparam("v_updated_ms"))


def _key(store_id: int, address: DocumentAddress) -> dict:
    return {"k_store_id": store_id, "k_scope_hash": address.scope.scope_hash,
            "k_registration": address.scope.registration or "", "k_document_hash": address.document_hash,
            "k_document_id": address.document_id}


def _contents(document: Document) -> dict:
    return {"v_content_type": document.content_type, "v_content": document.content,
            "v_updated_ms": document.updated_ms}


class DocumentStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def get(self, store_id: int, address: DocumentAddress) -> Document | None:
        with self._engines.read.connect() as connection:
            return self._found(connection.execute(_FIND, _key(store_id, address)).first())

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
        key = _key(store_id, address)
        with translated_errors(), self._engines.write.begin() as connection:
            existing = self._found(connection.execute(_FIND_FOR_UPDATE, key).first())
            replacement = change(existing)
            if replacement is None:
                if existing is not None:
                    connection.execute(_DELETE, key)
            elif existing is None:
                scope = address.scope
                connection.execute(_INSERT, {**key, **_contents(replacement), "v_kind": int(scope.kind),
                                             "v_activity_id": scope.activity_id, "v_agent_key": scope.agent_key})
            else:
                connection.execute(_UPDATE, {**key, **_contents(replacement)})

    def delete_many(self, store_id: int, scope: DocumentScope) -> int:
        with translated_errors(), self._engines.write.begin() as connection:
            return connection.execute(delete(documents).where(*self._scope_filter(store_id, scope))).rowcount

    def count(self, store_id: int) -> int:
        with self._engines.read.connect() as connection:
            return connection.execute(select(func.count()).select_from(documents).where(
                documents.c.store_id == store_id)).scalar_one()

    @staticmethod
    def _found(row) -> Document | None:
        if row is None:
            return None
        return Document(content=bytes(row.content), content_type=row.content_type, updated_ms=row.updated_ms)

    @staticmethod
    def _scope_filter(store_id: int, scope: DocumentScope) -> list:
        conditions = [documents.c.store_id == store_id, documents.c.scope_hash == scope.scope_hash,
                      documents.c.activity_id == scope.activity_id, documents.c.agent_key == scope.agent_key]
        if scope.registration is not None:
            conditions.append(documents.c.registration == scope.registration)
        return conditions
