"""Ingest with the aggregation rollup counting beside it, and without (issue 14: "report ingest with
aggregation on, beside ingest without it"; docs/adr/008-aggregation-rollups.md).

The statement write does no rollup work of its own: a live statement's quarter-hour is counted after it
closes, by the rollup's counter (the runner's per-minute job, or `lrs analytics rollup`). Its cost to
ingest is therefore the counter's CPU and database work running beside the writes. Per dialect:

- a store holding a backlog of --rollup-backlog statements stored over two hours that ended an hour ago
  (loaded through the import, bench/workloads/analytics_store.py): quarter-hours as full as a busy LRS's,
  since a pass's cost per statement falls as its slots fill (each slot is a few queries, however few its
  statements). It is served by gunicorn with the automation runner off, so nothing counts but the
  counter this benchmark starts;
- rounds in pairs, --rollup-rounds of them: *off*, batch-100 POSTs from 3 client threads with nothing
  counting; *on*, the same while a counter process counts the backlog's closed quarter-hours over and
  over (it forgets its counts and starts again each pass), the rollup's worst case: never idle;
- the counter's throughput K (statements counted per second while ingest runs) gives the steady state:
  at an ingest rate R the counter is busy R/K of the time, so R = off / (1 + (off - on) / K).

The counter's CPU per statement is its own process's (on PostgreSQL most of the counting runs in the
database server, so its wall time per statement is reported as well); the ingest's is the gunicorn
master's and workers' (the database server's not included on PostgreSQL)."""
from __future__ import annotations

import statistics
import time
from multiprocessing import get_context

import orjson

from bench.environment import create_credential, fresh_database, running_server, server_cpu_seconds, servers
from bench.generator import StatementGenerator
from bench.load import post_all
from bench.workloads import analytics_store

CLIENTS, BATCH = 3, 100
BACKLOG_SPAN_MS, BACKLOG_ENDS_AGO_MS = 2 * 3_600_000, 3_600_000


def run(arguments, report) -> dict:
    results, rows = {}, []
    batches = max(arguments.ingest_batches, 10)
    for dialect in arguments.dialects:
        with fresh_database(dialect) as url:
            create_credential(url)
            report.progress(f"ingest-rollup {dialect}: loading a backlog of {arguments.rollup_backlog:,} statements")
            now_ms = int(time.time() * 1000)
            analytics_store.load(url, arguments.rollup_backlog, report,
                                 start_ms=now_ms - BACKLOG_ENDS_AGO_MS - BACKLOG_SPAN_MS, span_ms=BACKLOG_SPAN_MS)
            # Bodies are encoded before timing so the clients spend their CPU on sending, not on JSON.
            generator = StatementGenerator(seed=13)
            bodies = [[orjson.dumps(generator.batch(BATCH)) for _ in range(batches)]
                      for _ in range(2 * arguments.rollup_rounds)]
            with running_server(url, settings={"LRS_AUTOMATION_RUNNER": "off"}) as base:
                post_all(base, [orjson.dumps(StatementGenerator(seed=99).batch(BATCH)) for _ in range(20)], 2)
                results[dialect] = _rounds(url, base, bodies, report, dialect)
        result = results[dialect]
        rows.append((dialect, f"{result['off_rate']:,.0f}/s", f"{result['on_rate']:,.0f}/s",
                     f"{result['on_rate'] / result['off_rate'] - 1:+.0%}",
                     f"{result['counter_rate']:,.0f}/s", f"{result['steady_rate']:,.0f}/s",
                     f"{result['steady_rate'] / result['off_rate'] - 1:+.1%}",
                     f"{result['ingest_cpu_us']:.0f}", f"{result['counter_cpu_us']:.1f}",
                     f"{result['counter_wall_us']:.1f}"))
    report.table(f"Ingest (batches of {BATCH}, {CLIENTS} clients, {servers()}) without and with the rollup "
                 "counting beside it; medians of the rounds",
                 ("dialect", "off", "on (counter never idle)", "", "counter K", "steady state", "",
                  "ingest µs CPU/statement", "counter µs CPU/statement", "counter µs wall/statement"), rows)
    return results


def _rounds(url: str, base: str, bodies: list[list[bytes]], report, dialect: str) -> dict:
    off, on, ingest_cpu, passes = [], [], [], []
    context = get_context("spawn")
    for number, round_bodies in enumerate(bodies):
        counting = number % 2 == 1
        counter = None
        if counting:
            stop, ready, queue = context.Event(), context.Event(), context.Queue()
            counter = context.Process(target=_count_until_stopped, args=(url, stop, ready, queue))
            counter.start()
            ready.wait(120)
        cpu = server_cpu_seconds(base)
        seconds, _ = post_all(base, round_bodies, CLIENTS)
        statements = len(round_bodies) * BATCH
        ingest_cpu.append((server_cpu_seconds(base) - cpu) / statements)
        (on if counting else off).append(statements / seconds)
        if counter is not None:
            stop.set()
            finished = queue.get(timeout=600)
            counter.join(60)
            passes += finished
            done = ", ".join(f"{p['statements']:,} in {p['seconds']:.1f} s" for p in finished) or "none"
            report.progress(f"ingest-rollup {dialect} round {number + 1} (on): {on[-1]:,.0f}/s; counter passes: {done}")
        else:
            report.progress(f"ingest-rollup {dialect} round {number + 1} (off): {off[-1]:,.0f}/s")
    # Passes that ended while ingest ran; a tiny run (the smoke test) may have only passes cut by a round's end.
    passes = [p for p in passes if p["during_ingest"]] or passes
    if not passes or not sum(p["seconds"] for p in passes):
        raise RuntimeError("the counter process finished no pass of the rollup (did it fail? its error is above), "
                           "so there is no counter throughput to report")
    counted = sum(p["statements"] for p in passes)
    counter_rate = counted / sum(p["seconds"] for p in passes)
    off_rate, on_rate = statistics.median(off), statistics.median(on)
    return {"off": off, "on": on, "off_rate": off_rate, "on_rate": on_rate, "passes": passes,
            "counter_rate": counter_rate,
            "steady_rate": off_rate / (1 + max(off_rate - on_rate, 0) / counter_rate),
            "ingest_cpu_us": statistics.median(ingest_cpu) * 1e6,
            "counter_cpu_us": sum(p["cpu_seconds"] for p in passes) * 1e6 / counted,
            "counter_wall_us": 1e6 / counter_rate}


def _count_until_stopped(url: str, stop, ready, queue) -> None:
    """A counter process: passes of the rollup over every closed quarter-hour of the database's stores,
    each from nothing, until `stop` (the pass under way is finished); puts its passes (statements counted,
    seconds, CPU seconds, whether it ended before `stop`: while the round's ingest ran)."""
    from lrs.services.aggregations import RollupService
    from lrs.storage.engines import create_engines
    from lrs.storage.rollups import SLOT_MS
    engines = create_engines(url)
    service, passes = RollupService.on(engines), []
    ready.set()
    try:
        while not stop.is_set():
            with engines.write.begin() as connection:
                for table in ("aggregation_counts", "aggregation_dirty", "aggregation_watermarks"):
                    connection.exec_driver_sql(f"DELETE FROM {table}")
            now_ms = int(time.time() * 1000)
            started, cpu = time.perf_counter(), time.process_time()
            last = []
            finished = service.catch_up(now_ms, on_step=last.append) is not None
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
            if finished:  # (None: another process was counting)
                counted_to = {step.store_id: step.counted_to for step in last}
                statements = sum(engines.rows("SELECT count(*) FROM statements WHERE store_id = ? AND stored_ms < ?",
                                              (store_id, slot * SLOT_MS))[0][0]
                                 for store_id, slot in counted_to.items())
                passes.append({"statements": int(statements), "seconds": seconds, "cpu_seconds": cpu_seconds,
                               "during_ingest": not stop.is_set()})
    finally:
        queue.put(passes)
        engines.dispose()
