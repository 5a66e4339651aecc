"""Use cases of the Document Resources: State, Activity Profile, Agent Profile (xAPI-Communication 2.2-2.7)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from lrs.auth.principal import Principal
from lrs.storage.documents import DocumentStorage
from lrs.storage.errors import ConcurrentInsert, TransientStorageError
from lrs.xapi.documents import (Document, DocumentAddress, DocumentKind, DocumentScope, Preconditions,
                                check_preconditions, merged, posted_alone, require_storable_content_type,
                                require_valid_json)
from lrs.xapi.errors import NotFound, ServiceUnavailable
from lrs.xapi.scopes import READ_PROFILES, READ_STATE, WRITE_PROFILES, WRITE_STATE, require

_WRITE_ATTEMPTS = 6


@dataclass(frozen=True)
class DocumentList:
    ids: list[str]
    last_modified_ms: int | None


def _now_ms() -> int:
    return int(time.time() * 1000)


class DocumentService:
    def __init__(self, storage: DocumentStorage):
        self._storage = storage

    def get(self, principal: Principal, address: DocumentAddress) -> Document:
        _require(principal, address.scope.kind, write=False)
        _check_session(principal, address.scope, address.document_id, "read")
        document = self._storage.get(principal.store_id, address)
        if document is None:
            raise NotFound(f"no document with id '{address.document_id}' here", path="",
                           section=address.scope.kind.section)
        return document

    def list_ids(self, principal: Principal, scope: DocumentScope, *, since_ms: int | None) -> DocumentList:
        _require(principal, scope.kind, write=False)
        _check_session(principal, scope, None, "read")
        ids, last_modified_ms = self._storage.list_ids(principal.store_id, scope, since_ms=since_ms)
        return DocumentList(ids=ids, last_modified_ms=last_modified_ms)

    def put(self, principal: Principal, address: DocumentAddress, content: bytes, content_type: str, *,
            preconditions: Preconditions, version: str) -> None:
        """Stores the document in place of any other (xAPI-Communication 2.3.s3, 2.6.s3, 2.7.s3)."""
        _check_session(principal, address.scope, address.document_id, "put", content=content,
                       content_type=content_type)
        require_storable_content_type(content_type)
        require_valid_json(content, content_type)

        def replace(existing: Document | None) -> Document:
            check_preconditions("PUT", address.scope.kind, version, preconditions, existing)
            return Document(content=content, content_type=content_type, updated_ms=_later_than(existing))

        self._change(principal, address, replace)

    def post(self, principal: Principal, address: DocumentAddress, content: bytes, content_type: str, *,
             preconditions: Preconditions, version: str) -> None:
        """Merges a JSON Object into the stored one, or stores the document if there is none
        (xAPI-Communication 2.2.s7)."""
        _check_session(principal, address.scope, address.document_id, "post", content=content,
                       content_type=content_type)
        require_storable_content_type(content_type)

        def merge(existing: Document | None) -> Document:
            check_preconditions("POST", address.scope.kind, version, preconditions, existing)
            if existing is None:
                return Document(content=posted_alone(content, content_type), content_type=content_type,
                                updated_ms=_now_ms())
            return Document(content=merged(existing, content, content_type),
                            content_type=existing.content_type, updated_ms=_later_than(existing))

        self._change(principal, address, merge)

    def delete(self, principal: Principal, address: DocumentAddress, *, preconditions: Preconditions,
               version: str) -> None:
        _check_session(principal, address.scope, address.document_id, "delete")

        def remove(existing: Document | None) -> None:
            check_preconditions("DELETE", address.scope.kind, version, preconditions, existing)
            return None

        self._change(principal, address, remove)

    def delete_many(self, principal: Principal, scope: DocumentScope) -> None:
        """Deletes all State documents of an Activity and Agent [and registration] (xAPI-Communication 2.3.s5)."""
        _require(principal, scope.kind, write=True)
        _check_session(principal, scope, None, "delete")
        self._retrying(lambda: self._storage.delete_many(principal.store_id, scope))

    def _change(self, principal: Principal, address: DocumentAddress, change) -> None:
        _require(principal, address.scope.kind, write=True)
        self._retrying(lambda: self._storage.change(principal.store_id, address, change))

    @staticmethod
    def _retrying(operation) -> None:
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                operation()
                return
            except (ConcurrentInsert, TransientStorageError):
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise ServiceUnavailable("the store is busy; retry the request") from None
                time.sleep(0.01 * (attempt + 1))


def _require(principal: Principal, kind: DocumentKind, *, write: bool) -> None:
    if kind is DocumentKind.STATE:
        require(principal.scopes, WRITE_STATE if write else READ_STATE, ("change" if write else "read") + " state")
    else:
        require(principal.scopes, WRITE_PROFILES if write else READ_PROFILES,
                ("change" if write else "read") + " profiles")


def _check_session(principal: Principal, scope: DocumentScope, document_id: str | None, action: str,
                   **content) -> None:
    """A session-scoped credential's own document rules (lrs.auth.principal.SessionPolicy): 403."""
    if principal.session_policy is not None:
        principal.session_policy.check_document(scope, document_id, action, **content)


def _later_than(existing: Document | None) -> int:
    """Now, but never earlier than the last update, so Last-Modified and `since` only move forward
    even if the clock steps back."""
    now = _now_ms()
    return now if existing is None else max(now, existing.updated_ms + 1)
