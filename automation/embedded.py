"""The embedded runner (SQLite, `make run`): the same dispatcher and handlers in a thread of the web
server, with no other server. One process of the server runs it at a time (a lock file beside the
database; if that process stops, another takes over), and every dispatch in a process goes through one
lock, so Effects' check-then-record on SQLite never runs twice for one key. Scheduled jobs claim each
tick in automation_schedule by compare-and-set, so a restart never runs a tick twice."""
from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from pathlib import Path

from croniter import croniter
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from automation.progress import now_ms
from automation.storage.tables import schedule
from lrs.storage.dialect import insert_ignoring_conflicts

log = logging.getLogger(__name__)


class RunnerLock:
    """Serialises dispatch within a process (a thread lock) and across processes (a lock file)."""

    def __init__(self, path: Path | None):
        self._path = path
        self._thread_lock = threading.RLock()
        self._file = None
        self._depth = 0

    @contextlib.contextmanager
    def held(self, *, blocking: bool = True):
        if not self._thread_lock.acquire(blocking=blocking):
            yield False
            return
        try:
            if self._depth == 0 and self._path is not None:
                self._file = open(self._path, "a+")  # noqa: SIM115 - released below
                try:
                    fcntl.flock(self._file, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                except BlockingIOError:
                    self._file.close()
                    self._file = None
                    yield False
                    return
            self._depth += 1
            try:
                yield True
            finally:
                self._depth -= 1
                if self._depth == 0 and self._file is not None:
                    fcntl.flock(self._file, fcntl.LOCK_UN)
                    self._file.close()
                    self._file = None
        finally:
            self._thread_lock.release()


def lock_path(database_url: str) -> Path | None:
    """The lock file beside a SQLite database file (None for an in-memory database)."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    return Path(database + ".automation.lock")


def due_tick_ms(cron: str, now: int) -> int:
    """The newest tick of `cron` at or before `now` (milliseconds)."""
    ticks = croniter(cron, now / 1000 + 1)  # croniter's get_prev is strictly before its start
    tick = ticks.get_prev(float)
    if tick * 1000 > now:
        tick = ticks.get_prev(float)
    return int(tick * 1000)


# At most this share of one core goes to the in-process handlers while a backlog lasts (SQLite's embedded
# default; PostgreSQL deployments run `lrs worker` processes instead).
SERVING_SHARE = 0.2


class EmbeddedRunner:
    def __init__(self, automation, engines, *, poll_seconds: float):
        self._automation = automation
        self._engines = engines
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="automation-embedded", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        lock = self._automation.dispatcher.lock
        while not self._stop.is_set():
            handled, spent = 0, 0.0
            try:
                with lock.held(blocking=False) as mine:
                    if mine:
                        started = time.thread_time()
                        handled = self.step(rounds=1)
                        spent = time.thread_time() - started
            except Exception:  # noqa: BLE001 - the runner must outlive a failing step
                log.exception("embedded automation step failed; trying again")
            # The handlers share the serving process (and its GIL) with requests: while there is a backlog, rest
            # so that they take at most SERVING_SHARE of a core, and catch up when ingest quiets down.
            self._stop.wait(spent * (1 - SERVING_SHARE) / SERVING_SHARE if handled else self._poll)

    def step(self, now: int | None = None, *, rounds: int = 10_000) -> int:
        """Hands pending events over (one batch per handler per round) and runs due jobs; the events handled."""
        handled = self._automation.dispatcher.run_until_idle(rounds=rounds)
        self.run_scheduled(now_ms() if now is None else now)
        return handled

    def run_scheduled(self, now: int) -> int:
        """Each scheduled job whose newest tick has not run yet runs once for it; the number run."""
        ran = 0
        for job in self._automation.registry.jobs:
            tick = due_tick_ms(job.cron, now)
            previous = self._claim(job.name, tick)
            if previous is None:
                continue
            try:
                job.run(self._automation.effects, tick)
            except Exception:
                self._give_back(job.name, tick, previous)  # the next step tries this tick again
                raise
            ran += 1
        return ran

    def _claim(self, name: str, tick: int) -> int | None:
        """The tick before `tick` when this runner may run `tick` (it is claimed now), else None."""
        with self._engines.write.begin() as connection:
            last = connection.execute(select(schedule.c.last_tick_ms).where(schedule.c.name == name)).scalar()
            if last is None:
                # A new job starts from now: it does not run for ticks before it existed.
                connection.execute(insert_ignoring_conflicts(schedule, self._engines.dialect)
                                   .values(name=name, last_tick_ms=tick))
                return None
            if last >= tick:
                return None
            claimed = connection.execute(update(schedule).where(schedule.c.name == name,
                                                                schedule.c.last_tick_ms == last)
                                         .values(last_tick_ms=tick)).rowcount == 1
            return last if claimed else None

    def _give_back(self, name: str, tick: int, previous: int) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(update(schedule).where(schedule.c.name == name, schedule.c.last_tick_ms == tick)
                               .values(last_tick_ms=previous))
