"""The spine's transactional outbox (lrs/events.py): every stored statement has its event, written in the
statement's own transaction, and readers never skip an event whose transaction commits late."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import event, text

from lrs.events import STATEMENT_STORED, STATEMENT_VOIDED, EventCursor, EventLog
from lrs.storage.engines import create_engines
from lrs.storage.migrate import upgrade
from tests.conftest import XapiClient
from tests.factories import issue_credential

VERB = "http://adlnet.gov/expapi/verbs/completed"


def _statement(activity: str, statement_id: str | None = None, **extra) -> dict:
    statement = {"actor": {"mbox": "mailto:outbox@example.com", "name": "Out Box"},
                 "verb": {"id": VERB}, "object": {"id": activity}, **extra}
    if statement_id:
        statement["id"] = statement_id
    return statement


@pytest.fixture()
def xapi(app):
    services = app.extensions["lrs"]
    issued = issue_credential(services, "outbox")
    return XapiClient(app.test_client(), issued.key, issued.secret), issued.store_id


def _events_of(app, store_id: int) -> list:
    events, cursor = [], EventCursor()
    while batch := app.extensions["lrs"].events.read_after(cursor, 200):
        events += [event for event in batch if event.store_id == store_id]
        cursor = batch[-1].cursor
    return events


def test_every_stored_statement_has_one_event_in_batch_order(app, xapi):
    client, store_id = xapi
    activities = [f"http://example.com/a/{uuid.uuid4()}" for _ in range(5)]
    single = client.post_statements(_statement(activities[0])).get_json()
    batch = client.post_statements([_statement(a) for a in activities[1:]]).get_json()
    events = _events_of(app, store_id)
    assert [event.subject for event in events] == single + batch
    assert {event.kind for event in events} == {STATEMENT_STORED}
    payload = events[1].payload
    assert payload["verb_id"] == VERB and payload["object_id"] == activities[1]
    assert payload["actor"] == {"mbox": "mailto:outbox@example.com"}  # the IFI, not the name
    assert payload["statement"]["id"] == batch[0] and payload["stored"]
    assert [event.position for event in events] == sorted(event.position for event in events)


def test_voiding_statement_also_emits_statement_voided(app, xapi):
    client, store_id = xapi
    [target] = client.post_statements(_statement(f"http://example.com/{uuid.uuid4()}")).get_json()
    voiding = {"actor": {"mbox": "mailto:outbox@example.com"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
               "object": {"objectType": "StatementRef", "id": target}}
    [voider] = client.post_statements(voiding).get_json()
    events = _events_of(app, store_id)
    assert [(event.kind, event.subject) for event in events] == [
        (STATEMENT_STORED, target), (STATEMENT_STORED, voider), (STATEMENT_VOIDED, target)]
    assert events[2].payload == {"voided_by": voider}


def test_refused_batch_writes_no_event(app, xapi):
    """No event without its change: a batch refused whole (xAPI-Communication 2.1.2.s2.b5) leaves none."""
    client, store_id = xapi
    statement_id = str(uuid.uuid4())
    client.post_statements(_statement("http://example.com/first", statement_id))
    conflicting = [_statement("http://example.com/new"), _statement("http://example.com/other", statement_id)]
    assert client.post_statements(conflicting).status_code == 409
    assert [event.subject for event in _events_of(app, store_id)] == [statement_id]


def test_emit_in_a_rolled_back_transaction_leaves_no_event(app):
    services = app.extensions["lrs"]
    subject = str(uuid.uuid4())
    with pytest.raises(RuntimeError):
        with services.engines.write.begin() as connection:
            services.events.emit("test.happened", None, subject, {"n": 1}, connection=connection)
            raise RuntimeError("the change failed")
    services.events.emit("test.happened", None, subject, {"n": 2})
    found = [event for event in services.events.read_after(EventCursor(), 100_000) if event.subject == subject]
    assert [event.payload for event in found] == [{"n": 2}]


def test_reader_never_passes_an_event_whose_transaction_is_still_open(postgresql_database_url):
    """An earlier position committed later is still read: the reader waits for the open transaction."""
    from lrs.events import EventLog
    from lrs.storage.engines import create_engines
    from lrs.storage.migrate import upgrade
    upgrade(postgresql_database_url)
    engines = create_engines(postgresql_database_url)
    log = EventLog(engines)
    start = log.head()
    try:
        slow = engines.write.connect()
        transaction = slow.begin()
        log.emit("test.happened", None, "early", {}, connection=slow)  # takes the lower position
        log.emit("test.happened", None, "late", {})  # commits first
        assert [e.subject for e in log.read_after(start, 100)] == []  # not past the open transaction
        transaction.commit()
        slow.close()
        read = log.read_after(start, 100)
        assert [event.subject for event in read] == ["early", "late"]
        assert read[0].position < read[1].position
    finally:
        engines.dispose()


def test_an_open_transaction_of_another_database_does_not_hold_the_reader_back(postgresql_database_url):
    """xids are cluster-wide; only this database's open transactions can still add events to its outbox."""
    from sqlalchemy import create_engine
    from lrs.events import EventLog
    from lrs.storage.engines import create_engines
    from lrs.storage.migrate import upgrade
    from tests.conftest import POSTGRES_ADMIN_URL, _psycopg
    upgrade(postgresql_database_url)
    engines = create_engines(postgresql_database_url)
    elsewhere = create_engine(_psycopg(POSTGRES_ADMIN_URL))
    log = EventLog(engines)
    start = log.head()
    try:
        with elsewhere.connect() as other:
            other.execute(text("CREATE TEMPORARY TABLE held_open (n integer)"))  # takes an xid, stays open
            log.emit("test.happened", None, "mine", {})
            assert [event.subject for event in log.read_after(start, 100)] == ["mine"]
            other.rollback()
    finally:
        elsewhere.dispose()
        engines.dispose()


def test_may_mention_answers_false_only_when_the_stored_text_cannot_hold_the_value():
    # automation handlers pass over statements their rules cannot apply to without parsing them; the LRS
    # stores bodies as orjson writes them (no escaped slashes or non-ASCII), so an IRI it holds is verbatim.
    import orjson

    from lrs.events import StatementPayload, may_mention
    statement = {"actor": {"mbox": "mailto:ana@example.com"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                 "object": {"id": "https://example.com/cours/é/1"}}
    payload = StatementPayload("id-1", orjson.dumps(statement).decode())
    assert may_mention(payload, ["http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/completed"])
    assert may_mention(payload, ["https://example.com/cours/é/1"])
    assert not may_mention(payload, ["http://adlnet.gov/expapi/verbs/passed"])
    assert not may_mention(payload, [])
    assert payload["verb_id"] == "http://adlnet.gov/expapi/verbs/completed"  # and parsing still works after
    # Nothing to go by: an erased statement, or a payload given as a plain dict, may mention anything.
    assert may_mention(StatementPayload("id-2", None), ["http://adlnet.gov/expapi/verbs/passed"])
    assert may_mention({"verb_id": "x"}, ["http://adlnet.gov/expapi/verbs/passed"])


def _vm_steps_of_a_read(engines, log, after: EventCursor) -> tuple[int, list]:
    """SQLite virtual machine steps (in tens) a read_after takes, and what it read."""
    steps = [0]

    def count(dbapi_connection, _record, _proxy):
        dbapi_connection.set_progress_handler(lambda: steps.__setitem__(0, steps[0] + 1), 10)

    event.listen(engines.read, "checkout", count)
    try:
        read = log.read_after(after, 10)
    finally:
        event.remove(engines.read, "checkout", count)
        with engines.driver() as connection:
            connection.set_progress_handler(None, 10)
    return steps[0], read


def test_a_sqlite_read_seeks_to_its_cursor_whatever_came_before(tmp_path):
    """On SQLite a read past a cursor costs the same after 2,000 events as after 40,000: it seeks to the
    cursor. The row-value form `(txid, position) > (?, ?)` made SQLite read every event before it too, so
    the embedded runner's every read grew with the outbox, which is never emptied."""
    url = f"sqlite:///{tmp_path / 'outbox.sqlite3'}"
    upgrade(url)
    engines = create_engines(url)
    log = EventLog(engines)
    try:
        steps = {}
        for total in (2_000, 40_000):
            with engines.immediate() as connection:
                start = connection.execute("SELECT coalesce(max(position), 0) FROM event_outbox").fetchone()[0]
                connection.executemany(
                    "INSERT INTO event_outbox (position, txid, kind, store_id, subject, payload, created_ms) "
                    "VALUES (?, 0, 'test.happened', NULL, ?, NULL, 0)",
                    [(position, f"s{position}") for position in range(start + 1, total + 1)])
            steps[total], read = _vm_steps_of_a_read(engines, log, EventCursor(0, total - 5))
            assert [event.position for event in read] == list(range(total - 4, total + 1))
        assert steps[2_000] > 0, steps  # the count sees the read (it is taken on the read engine's checkout)
        assert steps[40_000] <= 2 * steps[2_000] + 5, steps
        # The same read by position (EventLog.at) still finds what it names.
        assert [event.subject for event in log.at([3, 39_999])] == ["s3", "s39999"]
    finally:
        engines.dispose()


def test_a_stored_event_holds_its_verb_and_reads_the_statement_only_when_asked(app, xapi):
    """Handlers filter on the verb (automation/certificates, reengagement, forwarding): the outbox row holds
    it, so passing over a statement reads nothing more; the statement is read when a key is first asked for."""
    from lrs.events import names_verb
    client, store_id = xapi
    [statement_id] = client.post_statements(_statement("http://example.com/verb-only")).get_json()
    [event] = _events_of(app, store_id)
    payload = event.payload
    assert payload.known_verb == VERB
    assert names_verb(payload, [VERB]) and not names_verb(payload, ["http://adlnet.gov/expapi/verbs/passed"])
    assert payload.pending is not None  # nothing read so far
    assert payload["statement"]["id"] == statement_id and payload["verb_id"] == VERB
    assert payload.pending is None


def test_preloading_reads_a_batch_of_statements_at_once_and_finds_the_erased_ones(app, xapi):
    from lrs.events import preload_statements
    client, store_id = xapi
    services = app.extensions["lrs"]
    kept = {"mbox": "mailto:kept@example.com"}
    gone = {"mbox": f"mailto:gone-{uuid.uuid4().hex[:8]}@example.com"}
    ids = client.post_statements([_statement(f"http://example.com/p/{number}", actor=kept if number % 2 else gone)
                                  for number in range(6)]).get_json()
    services.administration.erase_agent("test", store_id, gone, dry_run=False)
    events = _events_of(app, store_id)
    assert [event.subject for event in events] == ids
    preload_statements(events)
    assert all(event.payload.pending is None for event in events)  # read by the preload, not one by one
    assert [event.payload.erased for event in events] == [number % 2 == 0 for number in range(6)]
    assert [event.payload["statement"]["id"] for event in events if not event.payload.erased] == ids[1::2]
