"""Running a multi-store LRS: stores, their credentials, admin accounts, erasure of an agent's data,
and the audit log every one of these changes is written to. The admin API and the CLI both call this,
so both are audited alike; `actor` names who acted ("admin:alice", "cli:root")."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict
from typing import Callable

from lrs.auth.basic import parse_basic
from lrs.auth.secrets import DUMMY_HASH, hash_secret, new_key, new_secret, secret_matches
from lrs.auth.throttle import FailureThrottle
from lrs.services.credentials import IssuedCredential
from lrs.storage.audit import AdminStorage, AuditEntry, AuditStorage
from lrs.storage.credentials import CredentialRecord, CredentialStorage, StoreRecord
from lrs.storage.errors import ConcurrentInsert
from lrs.storage.erasure import ErasureCounts, ErasureStorage
from lrs.storage.terms import PurgeProgress, TermPurge
from lrs.xapi.agents import identifier_variants, ifi_key
from lrs.xapi.errors import BadRequest, Conflict, NotFound, Unauthorized
from lrs.xapi.scopes import parse_scopes


class Administration:
    def __init__(self, credentials: CredentialStorage, audit: AuditStorage, admins: AdminStorage,
                 erasure: ErasureStorage, term_purge: TermPurge, throttle: FailureThrottle, *,
                 audit_key: bytes):
        self._audit_key = audit_key
        self._credentials = credentials
        self._audit = audit
        self._admins = admins
        self._erasure = erasure
        self._term_purge = term_purge
        self._throttle = throttle

    # --- admins ------------------------------------------------------------------------------

    def create_admin(self, actor: str, username: str, password: str) -> None:
        if len(password) < 12:
            raise BadRequest("an admin password needs at least 12 characters", path="password")
        try:
            self._admins.create(username, hash_secret(password))
        except ConcurrentInsert:
            raise Conflict(f"an admin named '{username}' already exists", path="username") from None
        self._audit.record(actor, "admin.create", None, {"username": username})

    def authenticate_admin(self, authorization_header: str | None, client_address: str | None) -> str:
        """The actor name of the admin these HTTP Basic credentials belong to, or 401 (429 when throttled)."""
        parsed = parse_basic(authorization_header)
        if parsed is None:
            raise Unauthorized("admin credentials (HTTP Basic) are required")
        username, password = parsed
        subjects = ("admin:" + username, "address:" + (client_address or "unknown"))
        self._throttle.check(*subjects)
        record = self._admins.by_username(username)
        if not secret_matches(record.password_hash if record else DUMMY_HASH, password) or record is None:
            self._throttle.failed(*subjects)
            raise Unauthorized("unknown admin or wrong password")
        return "admin:" + username

    # --- stores ------------------------------------------------------------------------------

    def stores(self) -> list[StoreRecord]:
        return self._credentials.stores()

    def store(self, store_id: int) -> StoreRecord:
        found = self._credentials.store(store_id)
        if found is None:
            raise NotFound(f"no store {store_id}", path="store_id")
        return found

    def create_store(self, actor: str, name: str) -> StoreRecord:
        try:
            store_id = self._credentials.create_store(_store_name(name))
        except ConcurrentInsert:
            raise Conflict(f"a store named '{name}' already exists", path="name") from None
        self._audit.record(actor, "store.create", store_id, {"name": name})
        return self.store(store_id)

    def change_store(self, actor: str, store_id: int, *, name: str | None = None,
                     enabled: bool | None = None) -> StoreRecord:
        before = self.store(store_id)
        changes = {}
        if name is not None and name != before.name:
            changes["name"] = _store_name(name)
        if enabled is not None and enabled != before.enabled:
            changes["enabled"] = enabled
        if changes:
            try:
                self._credentials.update_store(store_id, **changes)
            except ConcurrentInsert:
                raise Conflict(f"a store named '{name}' already exists", path="name") from None
            self._audit.record(actor, "store.change", store_id,
                               {key: [getattr(before, key), value] for key, value in changes.items()})
        return self.store(store_id)

    # --- credentials -------------------------------------------------------------------------

    def credentials(self, store_id: int) -> list[CredentialRecord]:
        self.store(store_id)
        return self._credentials.credentials_of(store_id)

    def create_credential(self, actor: str, store_id: int, *, name: str, scopes: str = "all") -> IssuedCredential:
        self.store(store_id)
        return self._issue(actor, store_id, name=name, key=None, secret=None, scopes=scopes)

    def create_credential_in(self, actor: str, store_name: str, *, name: str, key: str | None = None,
                             secret: str | None = None, scopes: str = "all") -> IssuedCredential:
        """For set-up scripts: the store is found or created by name, and key and secret may be chosen."""
        parse_scopes(scopes)  # refuse bad scopes before a store is created
        store_id = self._credentials.ensure_store(_store_name(store_name))
        return self._issue(actor, store_id, name=name, key=key, secret=secret, scopes=scopes)

    def _issue(self, actor: str, store_id: int, *, name: str, key: str | None, secret: str | None,
               scopes: str) -> IssuedCredential:
        normalised = " ".join(sorted(parse_scopes(scopes)))
        key, secret = key or new_key(), secret or new_secret()
        try:
            credential_id = self._credentials.create(store_id=store_id, name=name, key=key,
                                                     secret_hash=hash_secret(secret), scopes=normalised)
        except ConcurrentInsert:
            raise Conflict(f"the key '{key}' is taken", path="key") from None
        self._audit.record(actor, "credential.create", store_id,
                           {"credential_id": credential_id, "key": key, "name": name, "scopes": normalised})
        return IssuedCredential(credential_id, store_id, key, secret)

    def rotate_secret(self, actor: str, credential_id: int) -> IssuedCredential:
        """A new secret for the same key; the old secret stops working at once in this process and within
        LRS_CREDENTIAL_RECHECK_SECONDS in every other."""
        record = self._credential(credential_id)
        secret = new_secret()
        self._credentials.set_secret_hash(credential_id, hash_secret(secret))
        self._audit.record(actor, "credential.rotate", record.store_id,
                           {"credential_id": credential_id, "key": record.key})
        return IssuedCredential(credential_id, record.store_id, record.key, secret)

    def revoke_credential(self, actor: str, credential_id: int) -> None:
        record = self._credential(credential_id)
        self._credentials.revoke(credential_id)
        self._audit.record(actor, "credential.revoke", record.store_id,
                           {"credential_id": credential_id, "key": record.key})

    def _credential(self, credential_id: int) -> CredentialRecord:
        record = self._credentials.by_id(credential_id)
        if record is None:
            raise NotFound(f"no credential {credential_id}", path="credential_id")
        return record

    # --- erasure and audit -------------------------------------------------------------------

    def erase_agent(self, actor: str, store_id: int, agent: dict, *, dry_run: bool) -> ErasureCounts:
        """Deletes the statements the agent appears in, its documents and attachments no other
        statement uses; a dry run only counts. Both are audited. An mbox is erased in every spelling
        the store holds that differs only in the domain's case, and as the mbox_sha1sum of each of
        those spellings and of the all-lower-case domain (docs/security.md)."""
        self.store(store_id)
        variants = identifier_variants(agent)
        mbox = agent.get("mbox")
        if isinstance(mbox, str):
            local, at, domain = mbox.rpartition("@")
            spellings = self._erasure.mailbox_spellings(store_id, mbox)
            if at:
                spellings.append(f"{local}@{domain.lower()}")
            for spelling in spellings:
                variants += [{"mbox": spelling}, {"mbox_sha1sum": hashlib.sha1(spelling.encode()).hexdigest()}]
        keys = sorted({ifi_key(variant) for variant in variants})
        counts = self._erasure.erase(store_id, ["A" + key for key in keys], keys, dry_run=dry_run)
        # The log keeps a keyed digest of the identifier, not the identifier it was asked to forget: a
        # plain hash of a mailbox is reversed by a dictionary, an HMAC under the server secret is not.
        self._audit.record(actor, "erasure.dry_run" if dry_run else "erasure", store_id,
                           {"agent_hmac_sha256": self.agent_digest(agent),
                            **asdict(counts)})
        return counts

    def agent_digest(self, agent: dict) -> str:
        """What the audit log records of an erased agent: HMAC-SHA256 of its identifier under the server
        secret, so whoever holds the secret can check whether a given person was erased."""
        return hmac.new(self._audit_key, ifi_key(agent).encode(), hashlib.sha256).hexdigest()

    def purge_terms(self, actor: str, *, dry_run: bool,
                    progress: Callable[[PurgeProgress], None] = lambda _: None) -> PurgeProgress:
        """Removes term dictionary entries no statement uses (after erasures); safe while servers run
        (lrs/storage/terms.py). A dry run only counts. Audited."""
        result = self._term_purge.run(dry_run=dry_run, progress=progress)
        self._audit.record(actor, "terms.purge_dry_run" if dry_run else "terms.purge", None, asdict(result))
        return result

    def audit(self, *, store_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
        return self._audit.entries(store_id=store_id, limit=limit)


def _store_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise BadRequest("a store name is 1 to 200 characters", path="name")
    return name
