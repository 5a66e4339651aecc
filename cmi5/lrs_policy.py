"""The LRS side of an AU's auth-token (cmi5 8.2): the Basic credentials it stands for, and the session
rules its requests are held to (lrs.auth.principal.SessionPolicy).

`au_token_credentials(runtime)` is registered with the LRS's authenticator (lrs/app.py). A Basic user
that is a session id and a password that is that open session's secret become a Principal in the
registration's store, with the scopes an AU needs (statements, State, profiles) and an `AuSessionPolicy`:
- statements: cmi5.session_rules decides each batch; after an accepted cmi5 defined completed, passed or
  failed (Normal mode), the block and course `satisfied` statements cmi5.satisfaction decides are stored
  right after it, in the batch's transaction; `terminated` ends the session, so the token stops working
  (8.2.1 "limited to the duration of the session");
- statement reads: the session's registration and actor only;
- documents: cmi5.session_rules_documents.
Between requests the rules' facts live in Session.data["rules"] (per session) and in the AU's item record
(`completed`, `passed`, `passedMs`: per registration)."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Callable

from delivery.errors import StaleRecord
from delivery.standard import Session
from lrs.auth.principal import Principal
from lrs.xapi.agents import ifi_key
from lrs.xapi.errors import Forbidden
from lrs.xapi.filter_terms import Role, agent_term, registration_term
from lrs.xapi.scopes import PROFILE, STATE, STATEMENTS_READ, STATEMENTS_WRITE
from lrs.xapi.statement_query import StatementsQuery

from cmi5.au_session import AuSession, au_session, open_session
from cmi5.satisfaction import on_au_statement
from cmi5.session_rules import JUDGED_VERBS, SessionFacts, SessionRuleBroken, check_statements
from cmi5.session_rules_documents import (DELETE, READ, WRITE, check_document_request, check_learner_preferences,
                                          reads_learner_preferences, writes_learner_preferences)

log = logging.getLogger(__name__)

# cmi5 8.2.1: what "all subsequent xAPI communications" of an AU need; never define (its activity
# definitions do not become canonical) and never all/read.
AU_SCOPES = frozenset({STATEMENTS_WRITE, STATEMENTS_READ, STATE, PROFILE})
AU_AUTHORITY = ("cmi5 AU (auth-token)", "cmi5-au")        # name, account name of the AU statements' authority
LMS_AUTHORITY = ("cmi5", "cmi5")                          # as DeliveryRuntime.principal(store, "cmi5")
_ACTIONS = {"read": READ, "put": WRITE, "post": WRITE, "delete": DELETE}


def au_token_credentials(runtime) -> Callable[[str, str], Principal | None]:
    """For Authenticator.add_basic_resolver: Basic (session id, secret) -> the AU's Principal, or None."""
    def resolve(user: str, password: str) -> Principal | None:
        if len(user) != 36 or user.count("-") != 4:  # not a session id: no read for a stranger's key
            return None
        session = open_session(runtime, user, password)
        if session is None:
            return None
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
        judging = any(isinstance(s, dict) and isinstance(s.get("verb"), dict) and s["verb"].get("id") in JUDGED_VERBS
                      for s in statements)
        facts = self._facts(with_registration=judging)  # the AU's record is read only when it can matter
        try:
            checked = check_statements(self._au, facts, statements)
        except SessionRuleBroken as broken:
            raise _forbidden(broken) from None
        follow_up = AuFollowUp(self, checked.facts, authority=self._runtime.principal(self._au.store_id,
                                                                                      LMS_AUTHORITY[0]))
        if checked.judged and self._au.launch_mode == "Normal":
            self._satisfaction(follow_up, [statements[position] for position in checked.judged], checked.judged)
        return follow_up

    def _satisfaction(self, follow_up: AuFollowUp, judged: list[dict], positions: tuple[int, ...]) -> None:
        """cmi5 9.3.9: the satisfied statements each accepted completed/passed/failed decides, in order."""
        state = self._runtime.state(self._session)
        now = self._runtime.now_ms()
        item, record = None, None
        for position, statement in zip(positions, judged):
            outcome = on_au_statement(state, self._au.au_id, statement, self._au.session_id, now)
            if outcome.statements:
                follow_up.after[position] = outcome.statements
            item, record = outcome.item, outcome.record or record
            state = replace(state, items={**state.items, self._au.au_id: outcome.item},
                            record=outcome.record or state.record)
        if follow_up.facts.passed_ms is not None and item.data.get("passedMs") != follow_up.facts.passed_ms:
            item = replace(item, data={**item.data, "passedMs": follow_up.facts.passed_ms})
        follow_up.item, follow_up.record = item, record

    def _facts(self, *, with_registration: bool) -> SessionFacts:
        completed = passed = False
        passed_ms = None
        if with_registration:
            data = self._runtime.item_record(self._au.store_id, self._au.registration_id, self._au.au_id).data
            completed, passed, passed_ms = bool(data.get("completed")), bool(data.get("passed")), data.get("passedMs")
        return SessionFacts.from_data(self._session.data.get("rules"), completed=completed, passed=passed,
                                      passed_ms=passed_ms)

    def _save_session(self, facts: SessionFacts, **extra) -> None:
        data = {**self._session.data, "rules": facts.session_data(), **extra}
        self._session = self._runtime.save_session_data(self._session, data)

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
            facts = self._facts(with_registration=False)
            if not facts.preferences_read:  # cmi5 11.0: what lets the session's statements begin
                self._save_session(replace(facts, preferences_read=True))


@dataclass
class AuFollowUp:
    """lrs.auth.principal.StoreFollowUp of an accepted AU batch."""
    policy: AuSessionPolicy
    facts: SessionFacts
    authority: Principal
    after: dict[int, list[dict]] = field(default_factory=dict)
    item: object = None
    record: object = None

    def stored(self) -> None:
        """The batch is committed: the session's facts, the AU's record, and the end of the session on
        terminated (9.3.8: the LMS then rejects the session's statements; the token stops working)."""
        policy = self.policy
        runtime = policy._runtime
        policy._save_session(self.facts, lastStatementMs=runtime.now_ms())  # 9.5.4.2: abandoned's duration
        if self.item is not None:
            try:
                runtime.save_records([self.item], self.record)
            except StaleRecord:  # the statements stand; a concurrent change of the registration won the record
                log.warning("cmi5 session %s: the AU's record changed meanwhile; its summary was not updated",
                            policy._au.session_id)
        if self.facts.terminated:
            runtime.end_session(policy._session, "ended")
