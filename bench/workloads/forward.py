"""Statement forwarding (issue 15): a local receiver gets the statements a subscription forwards while
ingest goes on. The server is gunicorn (2 workers); on PostgreSQL two `lrs worker` processes forward
(procrastinate), on SQLite the server's embedded runner does. Two phases on one subscription:
- catch-up: --forward-backlog statements are stored while the subscription is paused; it is resumed while
  as many more are ingested, offered at --forward-ingest-rate statements/s (0: as fast as the clients
  can, which on 2 shared cores leaves the forwarders what the saturated server does not take); the
  backlog's drain rate at the receiver (from the resume until it has the backlog) is the forwarding rate
  (target ≥ 2,000 statements/s), reported with the ingest rate the server achieved meanwhile;
- live: ingest at the clients' pace with the subscription running; the end-to-end delay of each statement,
  from its `stored` time to its arrival at the receiver, p50 and p95.
Everything runs on this one machine (server, workers, receiver, clients)."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import orjson

from automation.forwarding.receiver import RecordingReceiver
from bench.environment import SERVER_SECRET, auth_headers, create_credential, fresh_database, percentile, \
    running_server
from bench.generator import StatementGenerator
from bench.http_client import LeanClient
from bench.load import post_all, whole_batches

TARGET = 2000
BATCH = 100
CLIENTS = 2
WORKERS = 2
INGEST_RATE = 1000  # statements/s offered during the catch-up unless --forward-ingest-rate says otherwise


def _paced_post(base: str, bodies: list[bytes], clients: int, rate: float, done: list[tuple[float, int]]) -> None:
    """POSTs `bodies` (BATCH statements each) from `clients` threads at `rate` statements/s in all (0: back
    to back), each client on a fixed schedule (a slow answer does not lower the rate offered, only delays
    the next post); appends (time.time() answered, statements) to `done` for each batch."""
    headers = {**auth_headers(), "Content-Type": "application/json"}
    interval = clients * BATCH / rate if rate > 0 else 0.0
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = LeanClient(base, headers)
        start = time.monotonic() + number * interval / clients
        for index, body in enumerate(bodies[number::clients]):
            wait = start + index * interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            status, content = connection.request("POST", "/xapi/statements", body=body)
            if status != 200:
                errors.append(f"{status} {content[:200]!r}")
            with lock:
                done.append((time.time(), BATCH))
        connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, first: {errors[0]}")


@contextlib.contextmanager
def _workers(url: str, dialect: str):
    """`lrs worker` processes on PostgreSQL; none on SQLite (the server forwards itself)."""
    if dialect != "postgresql":
        yield []
        return
    lrs = Path(sys.executable).with_name("lrs")
    environment = {**os.environ, "LRS_DATABASE_URL": url, "LRS_SECRET_KEY": SERVER_SECRET,
                   "LRS_AUTOMATION_POLL_SECONDS": "0.05"}
    processes = [subprocess.Popen([str(lrs), "worker", "--name", f"bench-{number}"], env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for number in range(WORKERS)]
    try:
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


def _automation(url: str):
    from automation.container import build_automation
    from automation.handlers import HandlerRegistry
    from automation.settings import AutomationSettings
    from lrs.services.container import build_services
    from lrs.settings import Settings
    settings = Settings(database_url=url, secret_key=SERVER_SECRET)
    services = build_services(settings)
    return services, build_automation(settings, services, automation_settings=AutomationSettings(runner="off"),
                                      registry=HandlerRegistry())


def _wait_for(receiver: RecordingReceiver, subscription_id: int, count: int, seconds: float) -> float:
    """The time the receiver had `count` statements of the subscription (time.time())."""
    deadline = time.monotonic() + seconds
    while len(receiver.ids(subscription_id)) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the receiver has {len(receiver.ids(subscription_id))} of {count} statements "
                               f"after {seconds:.0f} s")
        time.sleep(0.02)
    return time.time()


def _settled(services, dialect: str, paused_consumer: str, seconds: float) -> None:
    """Waits until the runners are up (on PostgreSQL: WORKERS `lrs worker` processes registered) and every
    other consumer (the workflow handlers) has read the outbox to its end: the drain then measures
    forwarding beside the ingest, not the workers' start or the handlers' own catch-up with the backlog."""
    deadline = time.monotonic() + seconds
    while True:
        workers = services.engines.rows("SELECT count(*) FROM procrastinate_workers")[0][0] \
            if dialect == "postgresql" else WORKERS
        [(consumers, behind)] = services.engines.rows(
            "SELECT count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM event_outbox o WHERE (o.txid, o.position) > "
            "(c.txid, c.position)) THEN 1 ELSE 0 END) FROM automation_cursors c WHERE c.consumer <> ?",
            (paused_consumer,))
        if workers >= WORKERS and consumers and not behind:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"after {seconds:.0f} s: {workers} workers up, {behind} of {consumers} other "
                               "consumers still reading the backlog")
        time.sleep(0.1)


def _stored_seconds(statement: dict) -> float:
    return datetime.fromisoformat(statement["stored"].replace("Z", "+00:00")).timestamp()


def _one(dialect: str, backlog: int, live: int, ingest_rate: float, report) -> dict:
    generator = StatementGenerator(seed=23)
    backlog_bodies = [orjson.dumps(generator.batch(BATCH)) for _ in range(backlog // BATCH)]
    during_bodies = [orjson.dumps(generator.batch(BATCH)) for _ in range(backlog // BATCH)]
    live_bodies = [orjson.dumps(generator.batch(BATCH)) for _ in range(live // BATCH)]
    with fresh_database(dialect) as url:
        issued = create_credential(url)
        services, automation = _automation(url)
        with RecordingReceiver() as receiver, running_server(url) as base, _workers(url, dialect):
            subscription = automation.admin.subscribe(issued.store_id, receiver.url)
            receiver.secrets[str(subscription.id)] = subscription.secret
            automation.admin.set_enabled(subscription.id, False)
            report.progress(f"forward {dialect}: {backlog:,} statements stored while the subscription is paused")
            post_all(base, backlog_bodies, CLIENTS)
            _settled(services, dialect, subscription.consumer, 600)
            automation.admin.set_enabled(subscription.id, True)
            resumed = time.time()
            offered = f"{ingest_rate:,.0f} statements/s" if ingest_rate > 0 else "as fast as the clients can"
            report.progress(f"forward {dialect}: resumed; ingest goes on ({len(during_bodies) * BATCH:,} more, "
                            f"{offered})")
            ingested: list[tuple[float, int]] = []
            ingest = threading.Thread(target=_paced_post,
                                      args=(base, during_bodies, CLIENTS, ingest_rate, ingested))
            ingest.start()
            everything = backlog + len(during_bodies) * BATCH
            # The backlog comes first (stored order): its drain time is the forwarding rate, while ingest
            # goes on; the rest cannot arrive faster than the clients store it.
            drained = _wait_for(receiver, subscription.id, backlog, 600)
            rate = backlog / (drained - resumed)
            # What the server stored meanwhile (until the drain, or the ingest, ended): the ingest the
            # forwarding rate was measured beside.
            answered = list(ingested)
            until = min(drained, max(at for at, _ in answered)) if answered else drained
            ingest_achieved = sum(count for at, count in answered if at <= until) / max(until - resumed, 1e-3)
            _wait_for(receiver, subscription.id, everything, 600)
            ingest.join()
            report.progress(f"forward {dialect}: live, {live:,} statements")
            post_all(base, live_bodies, 1)
            _wait_for(receiver, subscription.id, everything + live, 600)
            with receiver.lock:
                live_statements = receiver.statements[str(subscription.id)][everything:]
                delays = [(receiver.arrived_at[statement["id"]] - _stored_seconds(statement)) * 1000
                          for statement in live_statements]
            # Stored order is the outbox's reading order (txid, position).
            in_order = receiver.ids(subscription.id) == [subject for (subject,) in services.engines.rows(
                "SELECT subject FROM event_outbox WHERE kind = 'statement.stored' AND store_id = ? "
                "ORDER BY txid, position", (issued.store_id,))]
            resent = receiver.resent()
        services.close()
    return {"rate": rate, "ingest_offered": ingest_rate, "ingest_achieved": ingest_achieved,
            "p50_ms": percentile(delays, 0.50), "p95_ms": percentile(delays, 0.95),
            "statements": everything + live, "resent": resent, "ordered": in_order}


def run(arguments, report) -> dict:
    backlog = whole_batches(getattr(arguments, "forward_backlog", 20_000), BATCH)
    live = whole_batches(getattr(arguments, "forward_live", 5_000), BATCH)
    ingest_rate = getattr(arguments, "forward_ingest_rate", INGEST_RATE)
    results, rows = {}, []
    for dialect in arguments.dialects:
        result = _one(dialect, backlog, live, ingest_rate, report)
        results[dialect] = result
        runner = f"{WORKERS} lrs workers" if dialect == "postgresql" else "embedded runner"
        offered = f"{ingest_rate:,.0f}/s" if ingest_rate > 0 else "max"
        rows.append((dialect, runner, f"{result['rate']:,.0f} statements/s", f"≥ {TARGET:,}",
                     "met" if result["rate"] >= TARGET else "MISSED",
                     f"{offered} offered, {result['ingest_achieved']:,.0f}/s stored",
                     f"{result['p50_ms']:,.0f} ms", f"{result['p95_ms']:,.0f} ms", str(result["resent"]),
                     "yes" if result["ordered"] else "NO"))
    report.table("Statement forwarding to a local receiver while ingest goes on (batches of 100, "
                 f"{CLIENTS} clients); ingest = during the catch-up; delay = stored -> received, live phase",
                 ("dialect", "forwarder", "forwarded", "target", "", "ingest meanwhile", "delay p50", "delay p95",
                  "re-sent", "in order"), rows)
    return results
