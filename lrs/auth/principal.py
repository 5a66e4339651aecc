"""Who is making a request: the credential, its store and its scopes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lrs.xapi.documents import DocumentScope
    from lrs.xapi.statement_query import StatementsQuery


@dataclass(frozen=True)
class Principal:
    credential_id: int
    store_id: int
    name: str
    key: str
    scopes: frozenset[str]
    via_token: bool = False  # authenticated by an OAuth 2.0 access token rather than the secret
    # Rules a credential scoped to one launch session follows beyond its scopes (SessionPolicy); None for
    # every stored credential, so their requests pay one attribute check.
    session_policy: SessionPolicy | None = None

    def authority(self, home_page: str) -> dict:
        """The Agent the LRS writes as `authority` on statements this credential stores (xAPI-Data 2.4.9)."""
        return {"objectType": "Agent", "name": self.name,
                "account": {"homePage": home_page, "name": self.key}}


class StoreFollowUp(Protocol):
    """What a SessionPolicy adds to an accepted batch: statements stored right after some of the batch's,
    in the same transaction, under another authority; and what to record once the batch is committed."""
    after: dict[int, list[dict]]   # position in the batch -> complete statements to store right after it
    authority: Principal           # who writes them

    def stored(self) -> None: ...


class SessionPolicy(Protocol):
    """The rules of a session-scoped credential (a launched content's token, say), applied by the services
    that serve it. A refusal raises lrs.xapi.errors.Forbidden (403) before anything is stored."""

    def before_store(self, statements: list[dict]) -> StoreFollowUp | None:
        """The batch (validated, with ids) in array order: refuse it whole, or accept it with what follows."""

    def restrict_query(self, query: StatementsQuery) -> StatementsQuery:
        """The statements query narrowed to what the session may read."""

    def may_read(self, statement: dict) -> bool:
        """Whether one stored statement (GET by id) is the session's to read."""

    def check_document(self, scope: DocumentScope, document_id: str | None, action: str, *,
                       content: bytes | None = None, content_type: str | None = None) -> None:
        """A document request: action "read", "put", "post" or "delete"; `document_id` None for a list or a
        delete of many; `content` and `content_type` those of a put or post."""
