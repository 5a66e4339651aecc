"""The embedded runner (SQLite, `make run`): the same dispatcher and handlers as `lrs worker`, run by the
web server itself, with no other server. Every dispatch goes through one lock (a thread lock and a lock
file beside the database), so Effects' check-then-record on SQLite never runs twice for one key.
Scheduled jobs claim each tick in automation_schedule by compare-and-set, so a restart never runs a tick
twice.

Under gunicorn (lrs/wsgi.py) the handlers run in a child process of one worker, at a lower CPU priority
(automation/runner_process.py): one worker holds a second lock file, the supervisor's, and keeps one
child running; if that worker stops, another takes over. A thread of a serving process would share its
GIL: each time a request thread came back from the database or the socket it could wait a whole switch
interval (5 ms) for the runner's Python to let go, which cost SQLite ingest about 40 % (docs/automation.md).
An app built in process with its own Settings (tests, `lrs automation run`) runs the loop in a thread."""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import subprocess
import sys
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


def lock_path(database_url: str, purpose: str = "lock") -> Path | None:
    """A lock file beside a SQLite database file (None for an in-memory database): `lock` serialises
    dispatch, `supervisor` elects the worker that keeps the runner process."""
    database = make_url(database_url).database
    if not database or database == ":memory:":
        return None
    return Path(f"{database}.automation.{purpose}")


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


# A runner process that exits is started again after this pause (a crash loop must not spin).
RESPAWN_SECONDS = 5.0


class EmbeddedRunner:
    """`start()` runs the loop in a thread of this process, or, with `process_command`, supervises a child
    process that runs it (`python -m automation.runner_process`, same environment)."""

    def __init__(self, automation, engines, *, poll_seconds: float, process_command: list[str] | None = None,
                 supervisor_lock: Path | None = None):
        self._automation = automation
        self._engines = engines
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.process_command = process_command
        self._supervisor_lock = supervisor_lock
        self._child: subprocess.Popen | None = None

    def in_process(self, command: list[str] | None = None) -> None:
        """Run the loop in a child process (before start()): the serving processes keep their GIL."""
        self.process_command = command or [sys.executable, "-m", "automation.runner_process"]

    def start(self) -> None:
        if self._thread is None:
            target = self._supervise if self.process_command else self._loop
            self._thread = threading.Thread(target=target, name="automation-embedded", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=30)
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        # In a serving process the handlers share its GIL with requests: while there is a backlog, rest so
        # that they take at most SERVING_SHARE of a core, and catch up when ingest quiets down.
        self.run_forever(share=SERVING_SHARE)

    def run_forever(self, *, parent_pid: int | None = None, share: float | None = None) -> None:
        """The loop: a step whenever this process holds the dispatch lock, resting `poll_seconds` when there
        was nothing to do (and, with `share`, after each step in proportion to its CPU). It ends on stop()
        or when `parent_pid` is no longer its parent (the runner process's worker is gone); the runner
        process rests only when idle, its nice value yields to the serving workers."""
        lock = self._automation.dispatcher.lock
        while not self._stop.is_set() and (parent_pid is None or os.getppid() == parent_pid):
            backlog, spent = False, 0.0
            try:
                with lock.held(blocking=False) as mine:
                    if mine:
                        started = time.thread_time()
                        backlog = self._round()
                        spent = time.thread_time() - started
            except Exception:  # noqa: BLE001 - the runner must outlive a failing step
                log.exception("embedded automation step failed; trying again")
            if not backlog:
                # Caught up (or idle): what arrives meanwhile waits `poll_seconds` and goes in one batch.
                # A round per trickle of events cost its cursor reads and moves each time, and each move
                # is a write transaction that SQLite's writers queue behind (docs/automation.md).
                self._stop.wait(self._poll)
            elif share:
                self._stop.wait(spent * (1 - share) / share)

    def _round(self) -> bool:
        """One round of the handlers and the due scheduled jobs; True when a full batch was read (a backlog)."""
        result = self._automation.dispatcher.round()
        self.run_scheduled(now_ms())
        return result.backlog

    def _supervise(self) -> None:
        """One worker of the server keeps one runner process: whoever holds the supervisor's lock file."""
        while not self._stop.is_set():
            with self._supervisor_held() as mine:
                if mine:
                    self._keep_child()
            self._stop.wait(self._poll * 5)

    @contextlib.contextmanager
    def _supervisor_held(self):
        if self._supervisor_lock is None:
            yield True
            return
        with open(self._supervisor_lock, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _keep_child(self) -> None:
        while not self._stop.is_set():
            environment = {**os.environ, "LRS_AUTOMATION_PARENT_PID": str(os.getpid())}
            self._child = subprocess.Popen(self.process_command, env=environment, close_fds=True)
            log.info("automation runner process %s started", self._child.pid)
            while not self._stop.is_set() and self._child.poll() is None:
                self._stop.wait(self._poll * 5)
            if self._stop.is_set():
                return
            log.warning("automation runner process %s exited with %s; starting another in %.0f s",
                        self._child.pid, self._child.returncode, RESPAWN_SECONDS)
            self._stop.wait(RESPAWN_SECONDS)

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
        with self._engines.read.connect() as connection:  # most steps find the tick run: no write lock
            last = connection.execute(select(schedule.c.last_tick_ms).where(schedule.c.name == name)).scalar()
        if last is not None and last >= tick:
            return None
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
