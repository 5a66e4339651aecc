"""The LRS side of an AU's auth-token (cmi5 8.2): the Basic credentials it stands for, and the session
rules its requests are held to (lrs.auth.principal.SessionPolicy).

`au_token_credentials(runtime)` is registered with the LRS's authenticator (lrs/app.py). A Basic user
that is a session id and a password that is that open session's secret become a Principal in the
registration's store, with the scopes an AU needs (statements, State, profiles) and an `AuSessionPolicy`:
- statements: cmi5.session_rules decides each batch; after an accepted cmi5 defined completed, passed or
  failed (Normal mode), the block and course `satisfied` statements cmi5.satisfaction decides are stored
  right after it, in the batch's transaction; `terminated` ends the session, so the token stops working
  (8.2.1 "limited to the duration of the session") and adds its duration to the AU's total time;
- statement reads: the session's registration and actor only;
- documents: cmi5.session_rules_documents.
Between requests the rules' facts live in Session.data["rules"] (per session) and in the AU's item record
(`completed`, `passed`, `passedMs`: per registration).

Concurrent requests of one session: an accepted batch claims the facts it decided on before its
statements are stored (DeliveryRuntime.claim_session_data: the session's data only if nobody changed it
since it was read, with the AU's records, in one transaction). A request that lost the race reads the
session again and is judged again on the new facts, so two requests can never both use the session's one
`completed`, say. The claim remembers the ids (and digests) of the batch it accepted: should the statement
write fail after it (a busy database), the AU's re-send of the same statements is accepted, not refused as
a second `completed`.

Re-sent statements (xAPI-Communication 2.1.2/2.1.3: a statement whose id is stored with the same content
is not an error): a statement the rules refuse is looked up; stored and the same, or the same as one of
the last accepted batch, it is left out of the judgement, and the statement service treats it as stored."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Callable

import orjson

from delivery.errors import StaleRecord
from delivery.standard import ItemRecord, RegistrationRecord, Session
from lrs.auth.principal import Principal
from lrs.xapi.agents import ifi_key
from lrs.xapi.comparison import statements_match
from lrs.xapi.errors import Conflict, Forbidden, ServiceUnavailable, Unauthorized
from lrs.xapi.filter_terms import Role, agent_term, registration_term
from lrs.xapi.scopes import PROFILE, STATE, STATEMENTS_READ, STATEMENTS_WRITE
from lrs.xapi.statement_query import StatementsQuery

from cmi5 import vocabulary as v
from cmi5.au_session import ABANDONED_MARK, AuSession, au_session, duration_seconds, open_session
from cmi5.satisfaction import on_au_statement
from cmi5.session_rules import JUDGED_VERBS, SessionFacts, SessionRuleBroken, check_statements
from cmi5.session_rules_documents import (DELETE, READ, WRITE, check_document_request, check_learner_preferences,
                                          reads_learner_preferences, writes_learner_preferences)

# cmi5 8.2.1: what "all subsequent xAPI communications" of an AU need; never define (its activity
# definitions do not become canonical) and never all/read.
AU_SCOPES = frozenset({STATEMENTS_WRITE, STATEMENTS_READ, STATE, PROFILE})
AU_AUTHORITY = ("cmi5 AU (auth-token)", "cmi5-au")        # name, account name of the AU statements' authority
LMS_AUTHORITY = ("cmi5", "cmi5")                          # as DeliveryRuntime.principal(store, "cmi5")
_ACTIONS = {"read": READ, "put": WRITE, "post": WRITE, "delete": DELETE}
_CLAIM_ATTEMPTS = 8     # judgements of one request against a session other requests keep changing
_LAST_BATCH_MAX = 100   # statements of the last accepted batch remembered for a re-send


def au_token_credentials(runtime) -> Callable[[str, str], Principal | None]:
    """For Authenticator.add_basic_resolver: Basic (session id, secret) -> the AU's Principal; None when the
    user is no session id (the authenticator refuses it as any unknown key); Unauthorized (401) when it is one
    but the secret is no open session's.

    That refusal is cheap on purpose: the authenticator's dummy argon2 check (equal cost for known and unknown
    keys of stored credentials) would cost tens of milliseconds of CPU per request of an AU whose session
    ended. The secret is a 256-bit random token found by its SHA-256 (delivery.runtime.token_digest), so
    there is nothing to slow down a guesser for, and an indexed look-up of a digest says nothing about how
    close a guess came; nor does the refusal count towards the failure throttle (an AU still sending after its
    session ended must not bring its learners' shared address to a 429). The authenticator asks this before
    its credential store; the refusal stands only when the key is no stored credential's either."""
    def resolve(user: str, password: str) -> Principal | None:
        if len(user) != 36 or user.count("-") != 4:  # not a session id: no read for a stranger's key
            return None
        session = open_session(runtime, user, password)
        if session is None:
            raise Unauthorized("unknown or ended cmi5 auth-token: it works only while its session is open "
                               "(cmi5 8.2.1)", section="cmi5 8.2.1")
        au = au_session(session)
        return Principal(credential_id=0, store_id=au.store_id, name=AU_AUTHORITY[0], key=AU_AUTHORITY[1],
                         scopes=AU_SCOPES, session_policy=AuSessionPolicy(runtime, session, au))
    return resolve


def _forbidden(broken: SessionRuleBroken) -> Forbidden:
    path = f"[{broken.position}]" if broken.position is not None else None
    return Forbidden(broken.message, path=path, section=broken.section)


class AuSessionPolicy:
    """One request's view of an AU session (the Principal lives for one request)."""

    def __init__(self, runtime, session: Session, au: AuSession):
        self._runtime = runtime
        self._session = session
        self._au = au

    # --- statements --------------------------------------------------------------------------------

    def before_store(self, statements: list[dict]) -> AuFollowUp:
        """Judges the batch on the session's facts and claims the facts it leads to; judged again on
        fresh facts when another request of the session claimed first."""
        for _ in range(_CLAIM_ATTEMPTS):
            decision = self._judge(statements)
            if not decision.changes:
                return decision.follow_up
            claimed = self._claim(decision)
            if claimed:
                return decision.follow_up
            self._reload()
        raise ServiceUnavailable("other requests of this AU session kept changing it; send the statements again")

    def _judge(self, statements: list[dict]) -> _Decision:
        verbs = [_verb(statement) for statement in statements]
        judging = any(verb in JUDGED_VERBS for verb in verbs)
        state = item = None
        if judging:  # the AU's record is read only when it can matter, with the records satisfaction needs
            state = self._runtime.state(self._session, with_sessions=False)
            item = state.item(self._au.au_id)
        facts = self._facts(item)
        kept, checked = self._check(facts, statements)
        follow_up = AuFollowUp(self, checked.facts, authority=self._runtime.principal(self._au.store_id,
                                                                                      LMS_AUTHORITY[0]))
        if not kept:  # every statement was sent before: nothing changes
            return _Decision(follow_up, changes=False)
        judged = tuple(kept[position] for position in checked.judged)
        record = None
        if judged and self._au.launch_mode == "Normal":
            self._check_ids_free(statements, judged)
            item, record = self._satisfaction(follow_up, state, statements, judged)
        add_seconds = None
        ending = [position for position in kept if verbs[position] == v.TERMINATED]
        if ending:  # launch-api.md progress: totalTime "summed over every attempt and session"
            seconds = duration_seconds((statements[ending[-1]].get("result") or {}).get("duration"))  # 9.5.4.1
            if seconds and judged:
                item = replace(item, total_seconds=item.total_seconds + seconds)
            elif seconds:
                add_seconds = seconds  # no need to read the AU's record for that
        items = (item,) if judged else ()
        data = {**self._session.data, "rules": follow_up.facts.session_data(),
                "lastStatementMs": self._runtime.now_ms(),  # 9.5.4.2: abandoned's duration
                "lastBatch": [[statements[position]["id"].lower(), _digest(statements[position])]
                              for position in kept[:_LAST_BATCH_MAX]]}
        return _Decision(follow_up, changes=True, data=data, items=items, record=record, add_seconds=add_seconds)

    def _check(self, facts: SessionFacts, statements: list[dict]):
        """The rules over the batch without the statements already accepted: (positions judged, Checked)."""
        skipped: set[int] = set()
        while True:
            kept = [position for position in range(len(statements)) if position not in skipped]
            try:
                return kept, check_statements(self._au, facts, [statements[position] for position in kept])
            except SessionRuleBroken as broken:
                position = kept[broken.position] if broken.position is not None else None
                if position is None or not self._sent_before(statements[position]):
                    broken.position = position
                    raise _forbidden(broken) from None
                skipped.add(position)

    def _sent_before(self, statement) -> bool:
        """xAPI-Communication 2.1.2/2.1.3: the same statement again (same id, same content) is not an error."""
        if not isinstance(statement, dict) or not isinstance(statement.get("id"), str):
            return False
        statement_id = statement["id"].lower()
        if [statement_id, _digest(statement)] in (self._session.data.get("lastBatch") or ()):
            return True
        stored = self._runtime.stored_statement(self._au.store_id, statement_id, runtime_name=LMS_AUTHORITY[0])
        return stored is not None and statements_match(stored, statement)

    def _check_ids_free(self, statements: list[dict], judged: tuple[int, ...]) -> None:
        """A completed, passed or failed whose id a different statement already holds would be refused by
        the statement service (409) after its facts and satisfaction were claimed: refused before."""
        for position in judged:
            statement = statements[position]
            stored = self._runtime.stored_statement(self._au.store_id, statement["id"], runtime_name=LMS_AUTHORITY[0])
            if stored is not None and not statements_match(stored, statement):
                raise Conflict(f"a different statement with id {statement['id']} is already stored",
                               path=f"[{position}].id", section="xAPI-Communication 2.1.2.s2.b5")

    def _satisfaction(self, follow_up: AuFollowUp, state, statements: list[dict],
                      positions: tuple[int, ...]) -> tuple[ItemRecord, RegistrationRecord | None]:
        """cmi5 9.3.9: the satisfied statements each accepted completed/passed/failed decides, in order."""
        now = self._runtime.now_ms()
        item, record = state.item(self._au.au_id), None
        for position in positions:
            outcome = on_au_statement(state, self._au.au_id, statements[position], self._au.session_id, now)
            if outcome.statements:
                follow_up.after[position] = outcome.statements
            item, record = outcome.item, outcome.record or record
            state = replace(state, items={**state.items, self._au.au_id: outcome.item},
                            record=outcome.record or state.record)
        if follow_up.facts.passed_ms is not None and item.data.get("passedMs") != follow_up.facts.passed_ms:
            item = replace(item, data={**item.data, "passedMs": follow_up.facts.passed_ms})
        return item, record

    def _facts(self, item: ItemRecord | None) -> SessionFacts:
        data = item.data if item is not None else {}
        return SessionFacts.from_data(self._session.data.get("rules"), completed=bool(data.get("completed")),
                                      passed=bool(data.get("passed")), passed_ms=data.get("passedMs"))

    def _claim(self, decision: _Decision) -> bool:
        try:
            session = self._runtime.claim_session_data(self._session, decision.data, items=decision.items,
                                                       record=decision.record, add_seconds=decision.add_seconds)
        except StaleRecord:  # the registration's records changed (another session, waive): judge again
            return False
        if session is None:
            return False
        self._session = session
        return True

    def _reload(self) -> None:
        session = self._runtime.find_session(self._session.id)
        if session is None or session.state != "open" or ABANDONED_MARK in session.data:
            raise Unauthorized("the AU session has ended; its auth-token no longer works (cmi5 8.2.1)")
        self._session = session

    def restrict_query(self, query: StatementsQuery) -> StatementsQuery:
        """Issue 12 (8.2 fetch token): GET /statements sees the session's registration and actor only."""
        required = [(registration_term(self._au.registration_id), Role.REGISTRATION),
                    (agent_term(self._au.actor), Role.AGENT)]
        missing = tuple(term for term in required if term not in query.terms)
        return replace(query, terms=missing + query.terms) if missing else query

    def may_read(self, statement: dict) -> bool:
        context = statement.get("context") or {}
        actor_key = ifi_key(self._au.actor)
        registration = context.get("registration")
        return isinstance(registration, str) and registration.lower() == self._au.registration_id.lower() and (
            ifi_key(statement.get("actor")) == actor_key or ifi_key(statement.get("object")) == actor_key)

    # --- documents ---------------------------------------------------------------------------------

    def check_document(self, scope, document_id: str | None, action: str, *, content: bytes | None = None,
                       content_type: str | None = None) -> None:
        try:
            check_document_request(self._au, scope, document_id, _ACTIONS[action])
            if action in ("put", "post") and writes_learner_preferences(scope, document_id):
                check_learner_preferences(content or b"", content_type, whole=action == "put")
        except SessionRuleBroken as broken:
            raise _forbidden(broken) from None
        if action == "read" and reads_learner_preferences(self._au, scope, document_id):
            self._note_preferences_read()

    def _note_preferences_read(self) -> None:
        """cmi5 11.0: what lets the session's statements begin."""
        for _ in range(_CLAIM_ATTEMPTS):
            facts = self._facts(None)
            if facts.preferences_read:
                return
            rules = replace(facts, preferences_read=True).session_data()
            if self._runtime.claim_session_data(self._session, {**self._session.data, "rules": rules}) is not None:
                return
            self._reload()
        raise ServiceUnavailable("other requests of this AU session kept changing it; try again")


def _verb(statement) -> str | None:
    verb = statement.get("verb") if isinstance(statement, dict) else None
    return verb.get("id") if isinstance(verb, dict) else None


def _digest(statement: dict) -> str:
    """What identifies a re-send of the same statement: its content as sent, keys sorted."""
    return hashlib.sha256(orjson.dumps(statement, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


@dataclass
class _Decision:
    """A judged batch: its follow-up, and what accepting it writes (the session's data, the AU's records)."""
    follow_up: AuFollowUp
    changes: bool
    data: dict | None = None
    items: tuple[ItemRecord, ...] = ()
    record: RegistrationRecord | None = None
    add_seconds: float | None = None


@dataclass
class AuFollowUp:
    """lrs.auth.principal.StoreFollowUp of an accepted AU batch."""
    policy: AuSessionPolicy
    facts: SessionFacts
    authority: Principal
    after: dict[int, list[dict]] = field(default_factory=dict)

    def stored(self) -> None:
        """The batch is committed (its facts and records were claimed before it): a `terminated` ends the
        session (9.3.8: the LMS then rejects the session's statements; the token stops working)."""
        if self.facts.terminated:
            self.policy._runtime.end_session(self.policy._session, "ended")
