"""Consumers at one cursor share a round's outbox read (automation/dispatcher.py), but a statement erased
after that read reaches a later consumer of the round as erased once the shared batch is older than
_SHARED_READ_SECONDS: sharing does not stretch erasure's window by the time slow handlers take
(docs/security.md, erasure). On SQLite and PostgreSQL."""
from __future__ import annotations

import base64
import time
import uuid

from automation.dispatcher import _SHARED_READ_SECONDS, Dispatcher
from automation.effects import Effects
from automation.handlers import HandlerConsumer
from automation.progress import Progress
from automation.settings import AutomationSettings
from lrs.events import STATEMENT_STORED, EventLog
from lrs.services.container import build_services
from lrs.settings import Settings
from tests.conftest import SERVER_SECRET
from tests.factories import issue_credential


class Seen:
    def __init__(self, name: str, before=None):
        self.name, self.kinds, self.before, self.erased = name, frozenset({STATEMENT_STORED}), before, []

    def handle(self, event, effects) -> None:
        # The statement is read when first asked for (lrs/events.py StatementPayload): ask before the hook.
        self.erased.append(bool(event.payload.get("erased")))
        if self.before is not None:
            self.before()


def test_a_statement_erased_during_a_slow_round_reaches_later_consumers_erased(database_url):
    services = build_services(Settings(database_url=database_url, secret_key=SERVER_SECRET))
    issued = issue_credential(services, "shared-reads")
    principal = services.authenticator.authenticate(
        "Basic " + base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode())
    agent = {"mbox": f"mailto:erased-{uuid.uuid4().hex[:8]}@example.com"}
    events = EventLog(services.engines)
    progress = Progress(services.engines)

    def erase_then_linger():  # an erasure lands while a slow handler (an SMTP send) holds the round
        services.administration.erase_agent("test", issued.store_id, agent, dry_run=False)
        time.sleep(_SHARED_READ_SECONDS + 0.2)

    first, second = Seen(f"first-{uuid.uuid4().hex[:6]}", erase_then_linger), Seen(f"second-{uuid.uuid4().hex[:6]}")
    consumers = [HandlerConsumer(first), HandlerConsumer(second)]
    dispatcher = Dispatcher(events, progress, Effects(services.engines), AutomationSettings(runner="off"),
                            lambda: consumers)
    for consumer in consumers:
        dispatcher.start_at_head(consumer.name)
    services.statements.store(principal, [{"actor": agent, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                                           "object": {"id": "http://example.com/erased"}}], version="1.0.3")
    dispatcher.run_until_idle(rounds=1)
    services.close()
    assert first.erased == [False]  # read before the erasure
    assert second.erased == [True]  # read again: the shared batch had grown too old
