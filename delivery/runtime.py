"""What a standard's own code (its launch, its player and run-time endpoints) may ask of delivery:
launch and session tokens, sessions, its records, and the LRS's statement and document services in the
registration's store. No Flask: the HTTP handlers of a standard get this object from
`delivery.api.current_runtime()` and call it.

Tokens are random (256 bits) and stored only as SHA-256 digests. A launch token is single use and short
lived; the session token it is exchanged for works until its session ends."""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from typing import Callable
from urllib.parse import quote, urlsplit

import orjson

from delivery.errors import NotFound, SessionEnded, Unauthorized
from delivery.standard import ItemRecord, RegistrationRecord, RegistrationState, Session
from delivery.storage.store import DeliveryStorage
from lrs.auth.principal import Principal
from lrs.services.documents import DocumentService
from lrs.services.statements import StatementService
from lrs.xapi.documents import Document, DocumentAddress, Preconditions
from lrs.xapi.errors import NotFound as XapiNotFound
from lrs.xapi.scopes import ALL
from lrs.xapi.statement_query import SingleStatementRequest

_TOKEN_BYTES = 32


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(_TOKEN_BYTES)


def _usable(session: Session | None, *, allow_ended: bool) -> Session:
    """The session a token found: Unauthorized when none, SessionEnded when it is not open (unless
    `allow_ended`)."""
    if session is None:
        raise Unauthorized("unknown session token")
    if session.state != "open" and not allow_ended:
        raise SessionEnded(f"session {session.id} has {session.state}; its token no longer works")
    return session


def _now_ms() -> int:
    return int(time.time() * 1000)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class RedeemedLaunch:
    session: Session
    session_token: str


class DeliveryRuntime:
    def __init__(self, storage: DeliveryStorage, statements: StatementService, documents: DocumentService, *,
                 public_url: str, content_url: str, launch_token_seconds: int,
                 clock: Callable[[], int] = _now_ms):
        self._storage = storage
        self._statements = statements
        self._documents = documents
        self._public_url = public_url.rstrip("/")
        self._content_url = content_url.rstrip("/")
        self._launch_token_seconds = launch_token_seconds
        self._clock = clock

    # --- URLs ------------------------------------------------------------------------------------

    @property
    def public_url(self) -> str:
        """Where clients reach this server, without a trailing slash (LRS_PUBLIC_URL, else
        http://LRS_HOST:LRS_PORT); every absolute URL handed out starts with it (launch-api.md)."""
        return self._public_url

    def content_url(self, course_id: str, path: str = "") -> str:
        """The absolute URL of a package file of the course (`path` as in the package, '/'-separated,
        not yet percent-encoded; '' for the course's folder with a trailing slash). On the content
        origin when LRS_CONTENT_URL is set, else on this server's /content/."""
        return f"{self._content_url}/{course_id}/" + quote(path, safe="/")

    @property
    def content_server_url(self) -> str:
        """This server as the content origin reaches it, without a trailing slash: a page that must
        share its origin with package files (the SCORM player, whose SCOs find window.API through
        their parent frames) is served from here. The public URL when content is on our own origin;
        else LRS_CONTENT_URL without its trailing /content: another host name of this same server,
        which serves /content/ there too."""
        if _origin(self._content_url) == _origin(self._public_url):
            return self._public_url
        base = self._content_url
        return base[:-len("/content")] if base.endswith("/content") else _origin(base)

    def now_ms(self) -> int:
        return self._clock()

    # --- tokens and sessions ---------------------------------------------------------------------

    def launch_token_expiry_ms(self) -> int:
        """When a launch token issued now stops being redeemable."""
        return self._clock() + self._launch_token_seconds * 1000

    def redeem_launch_token(self, launch_token: str) -> RedeemedLaunch:
        """Exchanges a one-time launch token (from a launch URL) for the session token the page uses
        from then on. Works once: a second use, an expired token, or the token of a session that has
        ended is Unauthorized (401). Returns the session and its new token (shown only here)."""
        session_token = new_token()
        session = self._storage.redeem_launch_token(token_digest(launch_token), token_digest(session_token),
                                                    self._clock())
        if session is None:
            raise Unauthorized("this launch link was already used, has expired or its session has ended; "
                               "launch again")
        return RedeemedLaunch(session, session_token)

    def authenticate(self, session_token: str, *, allow_ended: bool = False) -> Session:
        """The open session this token belongs to. Unauthorized (401) for an unknown token;
        SessionEnded (409) once the session has ended or was abandoned: a commit to a finished session
        is refused. `allow_ended`: the session whatever its state, for a call a page may still make
        after it ended (a SCORM navigation request sent after Terminate)."""
        return _usable(self._storage.session_by_token(token_digest(session_token)) if session_token else None,
                       allow_ended=allow_ended)

    def authenticate_with_item(self, session_token: str) -> tuple[Session, ItemRecord]:
        """As authenticate, with the record of the session's item (a fresh one at version 0 when never
        stored), read in the same statement: a SCORM commit's whole read."""
        found = self._storage.session_and_item_by_token(token_digest(session_token)) if session_token else None
        session, record = found or (None, None)
        session = _usable(session, allow_ended=False)
        return session, record or ItemRecord(session.store_id, session.registration_id, session.launchable_id)

    def session(self, store_id: int, session_id: str) -> Session:
        """NotFound (404) when the store has no such session."""
        session = self._storage.session(store_id, session_id)
        if session is None:
            raise NotFound(f"no session {session_id}")
        return session

    def find_session(self, session_id: str) -> Session | None:
        """A session by its id alone, in whatever store (session ids are random UUIDs), for an endpoint
        that authenticates the request by a secret it then checks against the session (cmi5 fetch)."""
        return self._storage.session_by_id(session_id)

    def end_session(self, session: Session, state: str = "ended") -> bool:
        """Marks an open session "ended" (Terminate/LMSFinish, cmi5 `terminated`) or "abandoned"; its
        token stops working. False when it had already ended (someone else ended it first)."""
        if state not in ("ended", "abandoned"):
            raise ValueError(state)
        return self._storage.end_session(session.store_id, session.id, state, self._clock())

    def save_session_data(self, session: Session, data: dict) -> Session:
        """Replaces the standard's per-session JSON (last write wins: one page owns a session)."""
        self._storage.change_session_data(session.store_id, session.id, data)
        return replace(session, data=data)

    def claim_session_data(self, session: Session, data: dict, *, items: tuple[ItemRecord, ...] | list = (),
                           record: RegistrationRecord | None = None, add_seconds: float | None = None
                           ) -> Session | None:
        """Replaces the standard's per-session JSON only if nobody changed it since `session` was read and
        the session is still open, and saves the records as save_records does, in one transaction: for a
        standard whose decisions depend on what earlier requests of the session did (cmi5's session rules),
        when two requests of one session can race. None, with nothing saved, when the session changed or
        ended: read it again (find_session) and decide again. StaleRecord (409) when a record changed.
        `add_seconds`: time to add to the total of the session's item without reading its record first."""
        added = (session.registration_id, session.launchable_id, add_seconds) if add_seconds else None
        saved = self._storage.claim_session_data(session.store_id, session.id, session.data, data,
                                                 tuple(items), record, added)
        return None if saved is None else replace(session, data=data)

    # --- records ---------------------------------------------------------------------------------

    def state(self, session: Session, *, known: RegistrationState | None = None,
              with_sessions: bool = True) -> RegistrationState:
        """Everything stored for the session's registration (course, learner, records, open sessions), on one
        connection. `known`: a state read earlier in the same request; its course and registration
        (which never change) are kept and only the records and sessions read again. `with_sessions`
        False: without the sessions (`sessions` empty), for a caller that needs only the records."""
        state = self._storage.registration_state(session.store_id, session.registration_id, known=known,
                                                 with_sessions=with_sessions)
        if state is None:
            raise NotFound(f"session {session.id} has no registration or course any more")
        return state

    def newer_session_exists(self, session: Session) -> bool:
        """Whether the session's registration has another session launched at the same time or later."""
        return self._storage.newer_session_exists(session)

    def item_record(self, store_id: int, registration_id: str, launchable_id: str) -> ItemRecord:
        """The stored record, or a fresh one at version 0 (never stored)."""
        return self._storage.item_record(store_id, registration_id, launchable_id) or \
            ItemRecord(store_id, registration_id, launchable_id)

    def registration_record(self, store_id: int, registration_id: str) -> RegistrationRecord:
        """The stored record, or a fresh one at version 0 (never stored)."""
        return self._storage.registration_record(store_id, registration_id) or \
            RegistrationRecord(store_id, registration_id)

    def save_records(self, items: tuple[ItemRecord, ...] | list[ItemRecord] = (),
                     record: RegistrationRecord | None = None, *, ending: Session | None = None
                     ) -> tuple[tuple[ItemRecord, ...], RegistrationRecord | None]:
        """Saves item records and the registration record in one transaction, each only if nobody saved
        it since it was read (its `version`; 0 = it must not exist yet). Otherwise StaleRecord (409)
        and nothing is saved: read again and retry. Returns the records at their new versions.
        `ending`: an open session ended ("ended") in the same transaction, as end_session would; SessionEnded
        (409) and nothing saved when someone else ended it first."""
        ended = None if ending is None else (ending.store_id, ending.id, "ended", self._clock())
        return self._storage.save_records(tuple(items), record, ending=ended)

    # --- the LRS ---------------------------------------------------------------------------------

    def principal(self, store_id: int, runtime_name: str) -> Principal:
        """Who the runtime writes as: an authority naming the runtime ("scorm_runtime", "cmi5") in the
        registration's store, with every scope (the runtime decides what it writes)."""
        return Principal(credential_id=0, store_id=store_id, name=runtime_name, key=runtime_name,
                         scopes=frozenset({ALL}))

    def store_statements(self, store_id: int, statements: list[dict], *, runtime_name: str,
                         version: str = "1.0.3") -> list[str]:
        """Validates and stores the statements (all or nothing) in the store, with the runtime as
        authority; returns their ids. lrs.xapi.errors.XapiError when one is invalid (a bug of the
        runtime, not the learner's)."""
        return self._statements.store(self.principal(store_id, runtime_name), statements, version=version)

    def stored_statement(self, store_id: int, statement_id: str, *, runtime_name: str) -> dict | None:
        """The statement stored under that id in the store (not voided), as stored; None when there is none."""
        request = SingleStatementRequest(statement_id=statement_id.lower(), voided=False)
        try:
            found = self._statements.get_one(self.principal(store_id, runtime_name), request)
        except XapiNotFound:
            return None
        return orjson.loads(found.body)

    def get_document(self, store_id: int, address: DocumentAddress, *, runtime_name: str) -> Document | None:
        """A state or profile document of the store, or None."""
        try:
            return self._documents.get(self.principal(store_id, runtime_name), address)
        except XapiNotFound:
            return None

    def put_document(self, store_id: int, address: DocumentAddress, content: bytes, content_type: str, *,
                     runtime_name: str, preconditions: Preconditions | None = None,
                     version: str = "1.0.3") -> None:
        """Stores the document in place of any other (state documents need no precondition; profiles
        do when one exists: pass Preconditions(if_match=("*",)) or its ETag)."""
        self._documents.put(self.principal(store_id, runtime_name), address, content, content_type,
                            preconditions=preconditions or Preconditions(), version=version)

    def post_document(self, store_id: int, address: DocumentAddress, content: bytes, *, runtime_name: str,
                      version: str = "1.0.3") -> None:
        """Merges a JSON object into the stored one (xAPI-Communication 2.2.s7)."""
        self._documents.post(self.principal(store_id, runtime_name), address, content, "application/json",
                             preconditions=Preconditions(), version=version)
