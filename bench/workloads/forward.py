"""Statement forwarding (issue 15): a local receiver gets the statements a subscription forwards while
ingest goes on. The server is gunicorn (2 workers); on PostgreSQL two `lrs worker` processes forward
(procrastinate), on SQLite the server's embedded runner does. Two phases on one subscription:
- catch-up: --forward-backlog statements are stored while the subscription is paused; it is resumed while
  as many more are ingested; the backlog's drain rate at the receiver (from the resume until it has the
  backlog) is the forwarding rate (target ≥ 2,000 statements/s);
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
from bench.environment import SERVER_SECRET, create_credential, fresh_database, percentile, running_server
from bench.generator import StatementGenerator
from bench.load import post_all

TARGET = 2000
BATCH = 100
CLIENTS = 2
WORKERS = 2


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


def _stored_seconds(statement: dict) -> float:
    return datetime.fromisoformat(statement["stored"].replace("Z", "+00:00")).timestamp()


def _one(dialect: str, backlog: int, live: int, report) -> dict:
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
            automation.admin.set_enabled(subscription.id, True)
            resumed = time.time()
            report.progress(f"forward {dialect}: resumed; ingest goes on ({len(during_bodies) * BATCH:,} more)")
            ingest = threading.Thread(target=post_all, args=(base, during_bodies, CLIENTS))
            ingest.start()
            everything = backlog + len(during_bodies) * BATCH
            # The backlog comes first (stored order): its drain time is the forwarding rate, while ingest
            # goes on; the rest cannot arrive faster than the clients store it.
            drained = _wait_for(receiver, subscription.id, backlog, 600)
            rate = backlog / (drained - resumed)
            _wait_for(receiver, subscription.id, everything, 600)
            ingest.join()
            report.progress(f"forward {dialect}: live, {live:,} statements")
            post_all(base, live_bodies, 1)
            _wait_for(receiver, subscription.id, everything + live, 600)
            with receiver.lock:
                live_statements = receiver.statements[str(subscription.id)][everything:]
                delays = [(receiver.arrived_at[statement["id"]] - _stored_seconds(statement)) * 1000
                          for statement in live_statements]
            in_order = receiver.ids(subscription.id) == [statement["id"] for statement in
                                                         receiver.statements[str(subscription.id)]]
            resent = receiver.resent()
        services.close()
    return {"rate": rate, "p50_ms": percentile(delays, 0.50), "p95_ms": percentile(delays, 0.95),
            "statements": everything + live, "resent": resent, "ordered": in_order}


def run(arguments, report) -> dict:
    backlog = getattr(arguments, "forward_backlog", 20_000)
    live = getattr(arguments, "forward_live", 5_000)
    results, rows = {}, []
    for dialect in arguments.dialects:
        result = _one(dialect, backlog, live, report)
        results[dialect] = result
        runner = f"{WORKERS} lrs workers" if dialect == "postgresql" else "embedded runner"
        rows.append((dialect, runner, f"{result['rate']:,.0f} statements/s", f"≥ {TARGET:,}",
                     "met" if result["rate"] >= TARGET else "MISSED",
                     f"{result['p50_ms']:,.0f} ms", f"{result['p95_ms']:,.0f} ms", str(result["resent"])))
    report.table("Statement forwarding to a local receiver while ingest goes on (batches of 100, "
                 f"{CLIENTS} clients); delay = stored -> received, live phase",
                 ("dialect", "forwarder", "forwarded", "target", "", "delay p50", "delay p95", "re-sent"), rows)
    return results
