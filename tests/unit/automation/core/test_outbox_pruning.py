"""The outbox is pruned (lrs/events.py EventLog.prune, automation/dispatcher.py Dispatcher.prune_outbox): an
event goes once every stored cursor is past it (and every registered consumer has one) and it is older than
the retention, unless a retrying delivery or a dead letter will read it again, or it is the newest (SQLite
would hand its position out again). On SQLite and PostgreSQL, each test on a database of its own (pruning
removes whatever every consumer is past, other tests' events included)."""
from __future__ import annotations

import time

import pytest

from automation.container import OUTBOX_PRUNE_JOB, build_automation
from automation.dispatcher import Dispatcher
from automation.effects import Effects
from automation.embedded import RunnerLock
from automation.handlers import HandlerConsumer
from automation.progress import Progress, now_ms
from automation.settings import AutomationSettings
from lrs.events import EventCursor, EventLog
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.engines import create_engines
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, throwaway_postgres_database

DAY_MS = 86_400_000


@pytest.fixture()
def own_database(database_url, tmp_path):
    """A migrated database of this test's own, of the dialect `database_url` is."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'prune.sqlite3'}"
        upgrade(url)
        yield url
        return
    with throwaway_postgres_database("prune") as url:
        upgrade(url)
        yield url


@pytest.fixture()
def engines(own_database):
    built = create_engines(own_database)
    yield built
    built.dispose()


class Counting:
    def __init__(self, name: str):
        self.name, self.kinds, self.seen = name, frozenset({"test.happened"}), []

    def handle(self, event, effects) -> None:
        self.seen.append(event.subject)


def _emit(events: EventLog, count: int, tag: str) -> list[str]:
    subjects = [f"{tag}-{n}" for n in range(count)]
    for subject in subjects:
        events.emit("test.happened", 1, subject, {"n": subject})
    return subjects


def _subjects(events: EventLog) -> list[str]:
    return [event.subject for event in events.read_after(events.before_every_event(), 10_000)]


def _dispatcher(engines, consumers, *, retention_days: float = 7.0) -> Dispatcher:
    return Dispatcher(EventLog(engines), Progress(engines), Effects(engines),
                      AutomationSettings(runner="off", outbox_retention_days=retention_days), lambda: consumers,
                      lock=RunnerLock(None))


def test_events_every_consumer_is_past_go_and_the_rest_stay(engines):
    fast, slow = Counting("fast"), Counting("slow")
    dispatcher = _dispatcher(engines, [HandlerConsumer(fast), HandlerConsumer(slow)])
    events = dispatcher.events
    first = _emit(events, 4, "first")
    for consumer in dispatcher.consumers().values():  # both read the first four
        dispatcher.advance(consumer)
    second = _emit(events, 3, "second")
    dispatcher.advance(dispatcher.consumers()["fast"])  # only the fast one reads these
    assert fast.seen == first + second and slow.seen == first

    assert dispatcher.prune_outbox(now=now_ms()) == 0  # all of them younger than the retention (7 days)
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 4  # old: the four both consumers are past
    assert _subjects(events) == second  # what the slow consumer has not read yet stays

    # The slow consumer reads on from its cursor as if nothing had gone.
    dispatcher.advance(dispatcher.consumers()["slow"])
    assert slow.seen == first + second
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 2
    assert _subjects(events) == second[-1:]  # the newest stays
    third = _emit(events, 2, "third")  # new events come after it and are read as before
    for consumer in dispatcher.consumers().values():
        dispatcher.advance(consumer)
    assert fast.seen[-2:] == third and slow.seen[-2:] == third


def test_a_consumer_with_no_cursor_yet_holds_every_event_back(engines):
    reader, newcomer = Counting("reader"), Counting("newcomer")
    dispatcher = _dispatcher(engines, [HandlerConsumer(reader)])
    subjects = _emit(dispatcher.events, 3, "e")
    dispatcher.advance(dispatcher.consumers()["reader"])
    dispatcher._consumers = lambda: [HandlerConsumer(reader), HandlerConsumer(newcomer)]
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 0  # the newcomer reads from the start
    dispatcher.advance(dispatcher.consumers()["newcomer"])
    assert newcomer.seen == subjects
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 2  # all but the newest


def test_a_cursor_this_process_does_not_run_holds_its_events_back_until_forgotten(engines, caplog):
    """Another process's plugin handler, or a handler taken out of the code: its stored cursor counts."""
    kept, elsewhere = Counting("kept"), Counting("elsewhere")
    dispatcher = _dispatcher(engines, [HandlerConsumer(kept), HandlerConsumer(elsewhere)])
    _emit(dispatcher.events, 3, "e")
    dispatcher.advance(dispatcher.consumers()["kept"])
    dispatcher.progress.start("elsewhere", EventCursor())  # its row, before every event
    dispatcher._consumers = lambda: [HandlerConsumer(kept)]  # this process does not run it
    with caplog.at_level("WARNING", logger="automation.dispatcher"):
        assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 0
    assert "elsewhere" in caplog.text and "forget-consumer" in caplog.text
    dispatcher.progress.forget("elsewhere")
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 2  # all but the newest


def test_a_paused_forwarding_subscription_keeps_what_it_missed(own_database):
    """automation/admin.py: "A disabled subscription keeps its place: enabled again, it forwards what it missed"."""
    from tests.factories import issue_credential
    services = build_services(Settings(database_url=own_database, secret_key=SERVER_SECRET))
    try:
        automation = build_automation(Settings(database_url=own_database, secret_key=SERVER_SECRET), services,
                                      automation_settings=AutomationSettings(runner="off"))
        dispatcher = automation.dispatcher
        for consumer in dispatcher.consumers().values():
            dispatcher.start_at_head(consumer.name)
        store_id = issue_credential(services, "prune-forward").store_id
        subscription = automation.admin.subscribe(store_id, "https://receiver.example.com/xapi")
        automation.admin.set_enabled(subscription.id, False)
        assert subscription.consumer not in dispatcher.consumers()  # paused: not run
        missed = [f"m{n}" for n in range(3)]
        for subject in missed:
            services.events.emit("test.happened", store_id, subject, {})
        dispatcher.run_until_idle()  # every running handler reads them
        assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 0
        automation.admin.set_enabled(subscription.id, True)
        cursor = automation.progress.state(subscription.consumer).cursor
        assert [event.subject for event in services.events.read_after(cursor, 10)] == missed
    finally:
        services.close()


def test_events_a_retry_or_a_dead_letter_will_read_stay(engines):
    handler = Counting("handler")
    dispatcher = _dispatcher(engines, [HandlerConsumer(handler)])
    _emit(dispatcher.events, 6, "e")  # the sixth, the newest, stays whatever happens
    dispatcher.advance(dispatcher.consumers()["handler"])
    events = dispatcher.events.read_after(dispatcher.events.before_every_event(), 10)
    retrying, dead, done = events[1], events[3], events[4]
    progress = dispatcher.progress
    progress.failed("handler", retrying, "boom", next_attempt_ms=now_ms() + DAY_MS)
    progress.failed("handler", dead, "boom", next_attempt_ms=0, dead=True)
    progress.failed("other", done, "boom", next_attempt_ms=0)
    [settled] = progress.deliveries(consumer="other")
    assert progress.finish(settled.id, status="done")  # a delivery that succeeded reads nothing again
    assert progress.awaited_positions() == {retrying.position, dead.position}

    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 3
    assert _subjects(dispatcher.events) == [retrying.subject, dead.subject, events[5].subject]
    # An admin's retry of the dead letter still finds its event.
    [letter] = progress.deliveries(status="dead")
    assert dispatcher.retry_dead(letter.id)
    assert dispatcher.redeliver_due(now=now_ms()) == 1
    assert handler.seen[-1] == dead.subject
    # Delivered, its event goes at the next pruning; the retry still awaited keeps its own.
    assert dispatcher.prune_outbox(now=now_ms() + 8 * DAY_MS) == 1
    assert _subjects(dispatcher.events) == [retrying.subject, events[5].subject]


def test_pruning_stops_at_the_first_event_younger_than_the_retention(engines):
    events = EventLog(engines)
    old = _emit(events, 5, "old")
    time.sleep(0.01)
    boundary = now_ms()
    time.sleep(0.01)
    young = _emit(events, 3, "young")
    assert _subjects(events) == old + young
    # In chunks of 2: five old events take three chunks, and the first young one stops the last.
    assert events.prune(events.head(), created_before_ms=boundary, chunk=2) == 5
    assert _subjects(events) == young
    assert events.prune(events.head(), created_before_ms=boundary, chunk=2) == 0
    # Every event old, the newest stays: SQLite's next position is the largest plus one.
    assert events.prune(events.head(), created_before_ms=now_ms() + 1, chunk=2) == 2
    assert _subjects(events) == young[-1:]
    [newest] = events.read_after(events.before_every_event(), 10)
    events.emit("test.happened", 1, "next", {})
    [after] = events.read_after(newest.cursor, 10)
    assert after.subject == "next" and after.position > newest.position


def test_the_pruning_job_is_scheduled_with_the_handlers(own_database):
    services = build_services(Settings(database_url=own_database, secret_key=SERVER_SECRET))
    try:
        automation = build_automation(Settings(database_url=own_database, secret_key=SERVER_SECRET), services,
                                      automation_settings=AutomationSettings(runner="off", outbox_retention_days=0))
        [job] = [job for job in automation.registry.jobs if job.name == OUTBOX_PRUNE_JOB]
        assert job.cron == "*/10 * * * *"
        dispatcher = automation.dispatcher
        for consumer in dispatcher.consumers().values():
            dispatcher.start_at_head(consumer.name)
        for subject in ("s1", "s2"):
            services.events.emit("test.happened", None, subject, {})
        dispatcher.run_until_idle()
        time.sleep(0.01)
        job.run(automation.effects, now_ms())  # retention 0: every event all consumers are past goes
        assert _subjects(services.events) == ["s2"]  # but the newest
    finally:
        services.close()


def test_prune_outbox_from_the_command_line(own_database):
    from click.testing import CliRunner

    from lrs.cli import main
    services = build_services(Settings(database_url=own_database, secret_key=SERVER_SECRET))
    try:
        automation = build_automation(Settings(database_url=own_database, secret_key=SERVER_SECRET), services,
                                      automation_settings=AutomationSettings(runner="off"))
        for consumer in automation.dispatcher.consumers().values():
            automation.dispatcher.start_at_head(consumer.name)
        for subject in ("c1", "c2", "c3"):
            services.events.emit("test.happened", None, subject, {})
        automation.dispatcher.run_until_idle()
    finally:
        services.close()
    time.sleep(0.01)
    runner = CliRunner()
    kept = runner.invoke(main, ["automation", "prune-outbox", "--database-url", own_database])
    assert kept.exit_code == 0 and kept.stdout.strip() == "0"  # younger than the 7 days' retention
    pruned = runner.invoke(main, ["automation", "prune-outbox", "--database-url", own_database,
                                  "--retention-days", "0"])
    assert pruned.exit_code == 0, pruned.output
    assert pruned.stdout.strip() == "2"
    wrong = runner.invoke(main, ["automation", "prune-outbox", "--database-url", own_database,
                                 "--retention-days", "-1"])
    assert wrong.exit_code == 2 and "retention-days" in wrong.output
    unknown = runner.invoke(main, ["automation", "forget-consumer", "--database-url", own_database, "no-such"])
    assert unknown.exit_code == 1 and "no consumer named 'no-such'" in unknown.output
    forwarding = runner.invoke(main, ["automation", "forget-consumer", "--database-url", own_database, "forward:1"])
    assert forwarding.exit_code == 1 and "subscriptions delete" in forwarding.output


def test_the_retention_setting():
    assert AutomationSettings.from_env({"LRS_AUTOMATION_OUTBOX_RETENTION_DAYS": "2.5"}).outbox_retention_days == 2.5
    assert AutomationSettings.from_env({}).outbox_retention_days == 7.0
    for wrong in ("-1", "nan", "inf", "1e6"):
        with pytest.raises(ValueError, match="LRS_AUTOMATION_OUTBOX_RETENTION_DAYS"):
            AutomationSettings.from_env({"LRS_AUTOMATION_OUTBOX_RETENTION_DAYS": wrong})
