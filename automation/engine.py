"""The production runner: procrastinate workers on PostgreSQL (docs/adr/006-task-engine.md).

Jobs:
- automation.advance(consumer): one batch of one consumer (Dispatcher.advance). Deferred with
  lock=consumer, so one consumer's batches never run at once, on any machine (its order holds), and
  queueing_lock=consumer, so at most one waits.
- automation.redeliver: the failed deliveries whose back-off is over.
- one periodic task per ScheduledJob: procrastinate defers each tick once, whatever the number of workers
  and restarts (a unique (task, periodic id, tick) row), and hands the tick's time to the job.
A waker in every worker defers advance jobs for the consumers that are behind, redeliver jobs when a
retry is due, and puts back the jobs of workers that stopped beating (killed, machine lost)."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.engine import make_url

from automation.container import Automation

log = logging.getLogger(__name__)
QUEUE = "automation"
ADVANCE, REDELIVER = "automation.advance", "automation.redeliver"
_STALLED_CHECK_SECONDS = 5.0
# How long one advance job goes on with a consumer that has more to read (one batch at least).
ADVANCE_SECONDS = 1.0


def conninfo(database_url: str) -> str:
    """A libpq URL from the LRS's SQLAlchemy URL (postgresql+psycopg://... -> postgresql://...)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def task_app(automation: Automation, database_url: str) -> procrastinate.App:
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))
    dispatcher = automation.dispatcher
    # Only a failure of the machinery itself (the database went away) is retried here: handler failures
    # are the dispatcher's (back-off per consumer or delivery, then dead letters).
    machinery_retry = procrastinate.RetryStrategy(max_attempts=10, exponential_wait=2)

    @app.task(name=ADVANCE, queue=QUEUE, retry=machinery_retry)
    def advance(consumer: str) -> None:
        found = dispatcher.consumers().get(consumer)
        if found is None:
            return  # unsubscribed or disabled since
        # Full batches follow each other in this job for a while (a job per batch cost a defer, a fetch
        # and a delete in procrastinate's tables each time); then a fresh job, so the consumer list is
        # read again and other jobs get their turn.
        until = time.monotonic() + ADVANCE_SECONDS
        step = dispatcher.advance(found)
        while step.more and time.monotonic() < until:
            step = dispatcher.advance(found)
        if step.more:
            defer_advance(app, consumer)

    @app.task(name=REDELIVER, queue=QUEUE, retry=machinery_retry)
    def redeliver() -> None:
        dispatcher.redeliver_due()

    for job in automation.registry.jobs:
        _periodic(app, automation, job, machinery_retry)
    return app


def _periodic(app: procrastinate.App, automation: Automation, job, retry) -> None:
    def run(timestamp: int) -> None:
        job.run(automation.effects, timestamp * 1000)

    task = app.task(name=f"automation.scheduled.{job.name}", queue=QUEUE, retry=retry)(run)
    app.periodic(cron=job.cron, periodic_id=job.name)(task)


def defer_advance(app: procrastinate.App, consumer: str) -> bool:
    with contextlib.suppress(AlreadyEnqueued):
        app.configure_task(ADVANCE, lock=consumer, queueing_lock=consumer, queue=QUEUE).defer(consumer=consumer)
        return True
    return False


async def _defer_async(app: procrastinate.App, name: str, *, lock: str | None, queueing_lock: str, **kwargs) -> None:
    with contextlib.suppress(AlreadyEnqueued):
        await app.configure_task(name, lock=lock, queueing_lock=queueing_lock, queue=QUEUE).defer_async(**kwargs)


async def wake(app: procrastinate.App, automation: Automation, *, stalled_seconds: float,
               stop: asyncio.Event) -> None:
    """Defers the work that is due, until `stop` is set."""
    dispatcher = automation.dispatcher
    loop = asyncio.get_running_loop()
    next_stalled_check = 0.0
    while not stop.is_set():
        try:
            for consumer in await asyncio.to_thread(dispatcher.behind):
                await _defer_async(app, ADVANCE, lock=consumer, queueing_lock=consumer, consumer=consumer)
            if await asyncio.to_thread(dispatcher.progress.any_due, _now_ms()):
                await _defer_async(app, REDELIVER, lock=None, queueing_lock=REDELIVER)
            if loop.time() >= next_stalled_check:
                next_stalled_check = loop.time() + _STALLED_CHECK_SECONDS
                for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_seconds):
                    await _put_back(app, job)
        except Exception:  # noqa: BLE001 - the waker must outlive a database restart
            log.exception("automation waker step failed; trying again")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), automation.settings.poll_seconds)


async def _put_back(app: procrastinate.App, job) -> None:
    """A job of a worker that stopped beating. An advance or redeliver job is only a nudge (the work
    itself is in the cursors and deliveries): it is closed as failed, which frees its consumer's lock, and
    the waker defers a fresh one. A scheduled tick runs again."""
    log.warning("job %s (%s %s) belonged to a worker that stopped", job.id, job.task_name, job.task_kwargs)
    if job.task_name in (ADVANCE, REDELIVER):
        await app.job_manager.finish_job(job, status=procrastinate.jobs.Status.FAILED, delete_job=False)
    else:
        await app.job_manager.retry_job(job)


def _now_ms() -> int:
    from automation.progress import now_ms
    return now_ms()


async def run_worker(automation: Automation, database_url: str, *, concurrency: int, name: str | None = None,
                     heartbeat_seconds: float = 10.0, stalled_seconds: float = 30.0) -> None:
    """A worker: procrastinate's job loop and the waker, until SIGINT/SIGTERM (procrastinate's handlers)."""
    app = task_app(automation, database_url)
    async with app.open_async():
        stop = asyncio.Event()
        waker = asyncio.create_task(wake(app, automation, stalled_seconds=stalled_seconds, stop=stop))
        try:
            # Succeeded jobs are deleted: they are nudges, and the work they did is in the cursors.
            # A consumer's next advance job is deferred while its current one still holds the consumer's
            # lock, so the notification it sends finds nothing to fetch; procrastinate fetches again only on
            # the next notification or poll (5 s by default), which left a subscription idle for seconds
            # at a time while it had a backlog. Polling as often as the waker looks at the outbox bounds it.
            await app.run_worker_async(queues=[QUEUE], concurrency=concurrency, name=name, delete_jobs="successful",
                                       update_heartbeat_interval=heartbeat_seconds,
                                       stalled_worker_timeout=stalled_seconds,
                                       fetch_job_polling_interval=automation.settings.poll_seconds)
        finally:
            stop.set()
            await waker
