"""Use cases of the Statement Resource: store, fetch one, query (xAPI-Communication 2.1)."""
from __future__ import annotations

import time
from dataclasses import dataclass

import orjson

from lrs.auth.principal import Principal
from lrs.services.cursors import CursorCodec
from lrs.storage.activities import ActivityDefinitionStorage
from lrs.storage.errors import ConcurrentInsert, TransientStorageError
from lrs.storage.statements import StatementRecord, StatementStorage
from lrs.xapi.attachments import (AttachmentPart, declared_attachments, match_parts,
                                  require_parts_or_file_urls)
from lrs.xapi.activity_definitions import activities_in, definitions_in, merge_definition
from lrs.xapi.comparison import statements_match
from lrs.settings import Settings
from lrs.xapi.errors import BadRequest, Conflict, NotFound, PayloadTooLarge, ServiceUnavailable
from lrs.xapi.filter_terms import filter_terms, statement_ref_target, voided_target
from lrs.xapi.formats import parse_accept_language, to_canonical, to_ids
from lrs.xapi.scopes import DEFINE_ACTIVITIES, WRITE_STATEMENTS, allows, require, statement_reach
from lrs.xapi.preparation import prepare_for_storage
from lrs.xapi.statement_query import (SingleStatementRequest, StatementsQuery,
                                      parse_statements_request)
from lrs.xapi.timestamps import format_ms
from lrs.xapi.signatures import signature_attachment, verify_signed_statement
from lrs.xapi.validation import validate_statement

_WRITE_ATTEMPTS = 6
_DEFINITION_CACHE_SIZE = 100_000


@dataclass(frozen=True)
class StatementResult:
    bodies: list[str]
    more: str | None
    attachments: bool = False
    payloads: list = ()


@dataclass(frozen=True)
class SingleStatement:
    body: str
    stored_ms: int
    payloads: list = ()


def _now_ms() -> int:
    return int(time.time() * 1000)


class StatementService:
    def __init__(self, storage: StatementStorage, definitions: ActivityDefinitionStorage,
                 cursors: CursorCodec, *, authority_home_page: str, page_max: int,
                 max_terms_per_request: int = Settings.max_terms_per_request):
        self._storage = storage
        self._definitions = definitions
        self._cursors = cursors
        self._authority_home_page = authority_home_page
        self._page_max = page_max
        self.max_terms_per_request = max_terms_per_request
        # (store id, activity id) -> canonical definition as this process last wrote or read it.
        self._definition_cache: dict[tuple[int, str], dict] = {}
        # Store-level checks of a prepared batch before insert: check(store_id, statements) raises an XapiError to
        # refuse it whole, or returns None or a callable to run once the batch is committed (analytics.profiles).
        self.batch_checks: list = []

    # --- store -----------------------------------------------------------------------------

    def store(self, principal: Principal, payload, *, version: str, statement_id: str | None = None,
              parts: list[AttachmentPart] | None = None) -> list[str]:
        """Validates and stores one statement or a batch, all or nothing; returns ids in order.

        `parts` are the attachment payloads of a multipart/mixed request; None for application/json."""
        require(principal.scopes, WRITE_STATEMENTS, "store statements")
        batch = payload if isinstance(payload, list) else [payload]
        if statement_id is not None and not isinstance(payload, dict):
            raise BadRequest("PUT takes exactly one statement object", path="",
                             section="xAPI-Communication 2.1.1")
        if not batch:
            raise BadRequest("the batch holds no statements", path="", section="xAPI-Communication 2.1.2")
        for position, statement in enumerate(batch):
            self._validate(statement, version, position if isinstance(payload, list) else None)
        if statement_id is not None:
            self._check_put_id(batch[0], statement_id)
        self._check_distinct_ids(batch)  # before signatures: a cheap refusal first
        policy = principal.session_policy
        follow_up = policy.before_store(batch) if policy is not None else None  # 403 refuses the batch whole
        payloads = self._attachment_payloads(batch, parts, version, list_sent=isinstance(payload, list))
        stored_ms = _now_ms()
        authority = principal.authority(self._authority_home_page)
        stored = format_ms(stored_ms)  # the same for the whole batch
        prepared = [prepare_for_storage(statement, stored=stored, authority=authority,
                                        request_version=version) for statement in batch]
        ids = [statement["id"] for statement in prepared]
        if follow_up is not None:
            prepared = self._with_follow_ups(prepared, follow_up, stored, version)
        after_commit = [done for check in self.batch_checks if (done := check(principal.store_id, prepared))]
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                self._store_new(principal, prepared, stored_ms, payloads)
                break
            except (ConcurrentInsert, TransientStorageError):
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise ServiceUnavailable("the store is busy; retry the request") from None
                time.sleep(0.01 * (attempt + 1))
        if follow_up is not None:
            follow_up.stored()
        for done in after_commit:
            done()
        return ids

    def _with_follow_ups(self, prepared: list[dict], follow_up, stored: str, version: str) -> list[dict]:
        """A session policy's statements, each right after the one that called for it: the same insert,
        so the same transaction, and the next sequence numbers."""
        authority = follow_up.authority.authority(self._authority_home_page)
        result = []
        for position, statement in enumerate(prepared):
            result.append(statement)
            for extra in follow_up.after.get(position, ()):
                validate_statement(extra, version)
                result.append(prepare_for_storage(extra, stored=stored, authority=authority,
                                                  request_version=version))
        return result

    def _validate(self, statement, version: str, position: int | None) -> None:
        try:
            validate_statement(statement, version)
        except BadRequest as error:
            if position is not None:
                error.path = f"[{position}]" + ("." + error.path if error.path else "")
            raise

    @staticmethod
    def _check_put_id(statement: dict, statement_id: str) -> None:
        if "id" in statement and statement["id"].lower() != statement_id.lower():
            raise BadRequest("the statement's id does not match the statementId parameter", path="id",
                             section="xAPI-Communication 2.1.1.s3.b3")
        statement["id"] = statement_id.lower()

    @staticmethod
    def _check_distinct_ids(batch: list[dict]) -> None:
        # Statements without an id get a fresh UUID each, so only the ids sent can collide.
        sent = [statement["id"].lower() for statement in batch if "id" in statement]
        if len(set(sent)) != len(sent):
            raise BadRequest("the batch holds two statements with the same id", path="",
                             section="xAPI-Communication 2.1.2.s2.b6")

    @staticmethod
    def _attachment_payloads(batch: list[dict], parts, version: str, *,
                             list_sent: bool) -> list[AttachmentPart]:
        """Every attachment is a fileUrl or a part with its hash; signatures are verified
        (xAPI-Communication 1.5.2, xAPI-Data 2.6)."""
        if parts is None:
            require_parts_or_file_urls(batch)
            return []
        by_hash = match_parts(batch, parts)
        verified: set[tuple[str, bytes]] = set()  # one verification per distinct (JWS, statement)
        for position, statement in enumerate(batch):
            signature = signature_attachment(statement)
            if signature is not None and signature["sha2"].lower() in by_hash:
                key = (signature["sha2"].lower(), orjson.dumps(statement, option=orjson.OPT_SORT_KEYS))
                if key in verified:
                    continue
                prefix = f"[{position}]." if list_sent else ""
                verify_signed_statement(statement, by_hash[key[0]].content, prefix, version)
                verified.add(key)
        return list(by_hash.values())

    def _store_new(self, principal: Principal, prepared: list[dict], stored_ms: int,
                   payloads: list[AttachmentPart]) -> None:
        if self._voiding_allowed_if_all_new(principal.store_id, prepared):
            # The common case, ids never seen before: insert at once; the unique key on (store, id)
            # turns an id already stored into ConcurrentInsert, and nothing of the batch is written.
            try:
                self._insert(principal, prepared, stored_ms, payloads)
                return
            except ConcurrentInsert:
                pass
        existing = self._storage.find(principal.store_id, [s["id"] for s in prepared])
        self._check_voiding(principal.store_id, prepared, existing)
        new = []
        for statement in prepared:
            known = existing.get(statement["id"])
            if known is None:
                new.append(statement)
            elif not statements_match(orjson.loads(known.body), statement):
                raise Conflict(f"a different statement with id {statement['id']} is already stored",
                               path="id", section="xAPI-Communication 2.1.2.s2.b5")
        if new:
            self._insert(principal, new, stored_ms, payloads)

    def _insert(self, principal: Principal, new: list[dict], stored_ms: int,
                payloads: list[AttachmentPart]) -> None:
        # xAPI-Data 2.4.7.s3.b2: a statement without timestamp gets its stored time. Copies, so a
        # retried attempt still compares what the client sent.
        new = [statement if "timestamp" in statement else {**statement, "timestamp": statement["stored"]}
               for statement in new]
        records = [StatementRecord(statement_id=statement["id"], body=orjson.dumps(statement).decode(),
                                   terms=frozenset(filter_terms(statement)),
                                   ref_target=statement_ref_target(statement),
                                   voids=voided_target(statement), verb_id=statement["verb"]["id"])
                   for statement in new]
        self._check_term_count(records)
        merged, changed = {}, {}
        if allows(principal.scopes, DEFINE_ACTIVITIES):  # whose definitions become canonical
            merged, changed = self._merged_definitions(principal.store_id, new)
        # The changed definitions are written in the statements' own transaction: one commit per batch.
        self._storage.insert(principal.store_id, records, stored_ms=stored_ms,
                             credential_id=principal.credential_id, payloads=payloads, definitions=changed)
        for activity_id, definition in merged.items():  # committed: this process may trust them now
            self._remember_definition(principal.store_id, activity_id, definition)

    def _check_term_count(self, records: list[StatementRecord]) -> None:
        """Each new term costs a dictionary insert; past the limit one request would outlive the worker."""
        limit = self.max_terms_per_request
        if sum(len(record.terms) for record in records) <= limit:  # the common case, without a set
            return
        distinct = len({value for record in records for value, _role in record.terms})
        if distinct > limit:
            raise PayloadTooLarge(f"the request names {distinct} distinct agents, activities, verbs and "
                                  f"registrations; this LRS takes at most {limit} per request "
                                  "(LRS_MAX_TERMS_PER_REQUEST)", path="",
                                  section="xAPI-Communication 1.5.2.s3.b7")

    def _voiding_allowed_if_all_new(self, store_id: int, prepared: list[dict]) -> bool:
        """Whether the batch's voiding statements are valid should none of its ids be stored yet. Looks up
        only their targets: reading every id of a large batch cost a random index probe per statement.
        False sends the batch down the careful path, which knows which ids are stored already."""
        try:
            self._check_voiding(store_id, prepared, existing={})
        except BadRequest:
            return False
        return True

    def _check_voiding(self, store_id: int, prepared: list[dict], existing: dict) -> None:
        """A voiding statement cannot itself be voided (xAPI-Data 2.3.2)."""
        targets = {voided_target(statement) for statement in prepared} - {None}
        if not targets:
            return
        voiding_in_batch = {s["id"] for s in prepared if voided_target(s) is not None}
        stored_targets = self._storage.find(store_id, sorted(targets - voiding_in_batch))
        for statement in prepared:
            target = voided_target(statement)
            if target is None or statement["id"] in existing:
                continue
            known = stored_targets.get(target)
            if target in voiding_in_batch or (known is not None and known.voids is not None):
                raise BadRequest(f"statement {target} is a voiding statement and cannot be voided",
                                 path="object.id", section="xAPI-Data 2.3.2")

    def _merged_definitions(self, store_id: int, statements: list[dict]) -> tuple[dict, dict]:
        """The incoming Activity definitions merged into the canonical ones: (every merged definition,
        those that differ from what is stored). Most statements repeat a definition already merged,
        which the in-process cache answers without a query."""
        incoming: dict[str, list[dict]] = {}
        for statement in statements:
            for activity_id, definition in definitions_in(statement):
                known = self._definition_cache.get((store_id, activity_id))
                # Content sends the same definition each time: equal to the canonical one, it changes nothing.
                if known is None or (known != definition and merge_definition(known, definition) != known):
                    incoming.setdefault(activity_id, []).append(definition)
        if not incoming:
            return {}, {}
        current = self._definitions.get_many(store_id, incoming)
        merged_all, changed = {}, {}
        for activity_id, definitions in incoming.items():
            merged = current.get(activity_id)
            for definition in definitions:
                merged = merge_definition(merged, definition)
            if merged != current.get(activity_id):
                changed[activity_id] = merged
            merged_all[activity_id] = merged
        return merged_all, changed

    def _remember_definition(self, store_id: int, activity_id: str, definition: dict) -> None:
        if len(self._definition_cache) >= _DEFINITION_CACHE_SIZE:
            self._definition_cache.clear()
        self._definition_cache[(store_id, activity_id)] = definition

    # --- read ------------------------------------------------------------------------------

    def parse_request(self, parameters: dict):
        return parse_statements_request(parameters, page_max=self._page_max)

    def get_one(self, principal: Principal, request: SingleStatementRequest,
                accept_language: str | None = None) -> SingleStatement:
        reach = statement_reach(principal.scopes)
        found = self._storage.find(principal.store_id, [request.statement_id]).get(request.statement_id)
        if reach == "mine" and found is not None and found.credential_id != principal.credential_id:
            found = None  # another credential's statement is, to this one, not there
        if found is not None and principal.session_policy is not None \
                and not principal.session_policy.may_read(orjson.loads(found.body)):
            found = None  # outside the session's reach: not there either
        if found is None or found.voided != request.voided:
            name = "voidedStatementId" if request.voided else "statementId"
            raise NotFound(f"no statement matches {name}={request.statement_id}", path=name,
                           section="xAPI-Communication 2.1.4")
        body = self._render(principal.store_id, [found.body], request.format, accept_language)[0]
        payloads = self._payloads_of(principal.store_id, [found.body]) if request.attachments else []
        return SingleStatement(body, found.stored_ms, payloads)

    def query(self, principal: Principal, query: StatementsQuery, *, after=None,
              accept_language: str | None = None) -> StatementResult:
        if principal.session_policy is not None:
            query = principal.session_policy.restrict_query(query)
        mine = statement_reach(principal.scopes) == "mine"
        page = self._storage.page(principal.store_id, terms=query.terms, since_ms=query.since_ms,
                                  until_ms=query.until_ms, ascending=query.ascending,
                                  limit=query.limit, after=after,
                                  credential_id=principal.credential_id if mine else None)
        more = None
        if page.next_position is not None:
            more = self._cursors.encode(principal.store_id, query.parameters, page.next_position)
        payloads = self._payloads_of(principal.store_id, page.bodies) if query.attachments else []
        return StatementResult(self._render(principal.store_id, page.bodies, query.format, accept_language),
                               more, query.attachments, payloads)

    def _payloads_of(self, store_id: int, bodies: list[str]) -> list[AttachmentPart]:
        """Only the payloads the returned statements reference (xAPI-Communication 2.1.3.s2.b6)."""
        hashes = {attachment["sha2"].lower() for attachment in
                  declared_attachments([orjson.loads(body) for body in bodies])}
        return self._storage.payloads(store_id, hashes) if hashes else []

    def query_more(self, principal: Principal, token: str, accept_language: str | None = None):
        parameters, position = self._cursors.decode(principal.store_id, token)
        query = self.parse_request(parameters)
        return self.query(principal, query, after=position, accept_language=accept_language)

    def _render(self, store_id: int, bodies: list[str], format_name: str,
                accept_language: str | None) -> list[str]:
        """Stored JSON text is returned as it is for `exact`; other formats rebuild each statement."""
        if format_name == "exact" or not bodies:
            return bodies
        statements = [orjson.loads(body) for body in bodies]
        if format_name == "ids":
            return [orjson.dumps(to_ids(statement)).decode() for statement in statements]
        activity_ids = {activity["id"] for statement in statements for activity in activities_in(statement)}
        canonical = self._definitions.get_many(store_id, activity_ids)
        preferences = parse_accept_language(accept_language)
        return [orjson.dumps(to_canonical(statement, canonical.get, preferences)).decode()
                for statement in statements]

