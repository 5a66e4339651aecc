"""Aggregation latency on a --statements store (the issue asks for 10,000,000): a month of one course
(its busiest, https://courses.example.com/course/0, through related_activities) grouped by week and verb,
by verb, and by week; then completion rates and distinct learners for the same month. --repeats requests
per case through gunicorn, one client. Target: p95 ≤ 1 s. Before the questions the store's closed
quarter-hours are counted for the rollup (`lrs analytics rollup`'s work, timed; docs/adr/008-aggregation-
rollups.md): statement counts by verb and week come from it, learners and completion at read time (ADR 007).
The statement write does no rollup work (a slot is counted after it closes); the counting's time per
statement is reported here, and its cost to ingest running beside it by `bench ingest-rollup`."""
from __future__ import annotations

import base64
import statistics
import time

import requests

from bench.environment import running_server
from bench.workloads.analytics_store import loaded_database

TARGET_P95_SECONDS = 1.0
COURSE = "https://courses.example.com/course/0"
MONTH = {"since": "2026-06-01T00:00:00Z", "until": "2026-07-01T00:00:00Z"}
CASES = {
    "month of one course by week and verb": ("counts", {"group_by": "week,verb", "tz": "Europe/Berlin"}),
    "month of one course by verb": ("counts", {"group_by": "verb"}),
    "month of one course by week": ("counts", {"group_by": "week", "tz": "Europe/Berlin"}),
    "month of one course, completion per activity": ("completion", {}),
    "month of one course, distinct learners": ("learners", {}),
    "month of one course, daily learners": ("timeseries", {"bucket": "day", "measure": "learners"}),
}


def _p(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(arguments, report) -> dict:
    results, rows = {}, []
    headers = {"Authorization": "Basic " + base64.b64encode(b"bench-analytics:bench-analytics-secret-31").decode()}
    repeats = max(5, min(arguments.repeats, 50))
    for dialect in arguments.dialects:
        url, facts = loaded_database(dialect, arguments.statements, report)
        results[dialect] = {"load": facts, "cases": {}, "rollup": _count_rollup(url, dialect, report)}
        with running_server(url, workers=2) as base:
            for name, (path, own) in CASES.items():
                parameters = {"activity": COURSE, "related_activities": "true", **MONTH, **own}
                seconds, answer = [], None
                for _ in range(repeats + 1):
                    started = time.perf_counter()
                    answer = requests.get(f"{base}/api/v1/aggregations/{path}", params=parameters,
                                          headers=headers, timeout=600)
                    seconds.append(time.perf_counter() - started)
                    answer.raise_for_status()
                seconds = seconds[1:]  # the first warms the caches
                matched = requests.get(f"{base}/api/v1/aggregations/learners", params={
                    "activity": COURSE, "related_activities": "true", **MONTH}, headers=headers,
                    timeout=600).json()["statements"]
                p95 = _p(seconds, 0.95)
                results[dialect]["cases"][name] = {"p50": statistics.median(seconds), "p95": p95,
                                                   "matched_statements": matched, "repeats": repeats}
                report.progress(f"aggregations {dialect} {name}: p95 {p95 * 1000:,.0f} ms")
                rows.append((dialect, f"{facts['statements']:,}", name, f"{matched:,}",
                             f"{statistics.median(seconds) * 1000:,.0f} ms", f"{p95 * 1000:,.0f} ms",
                             "met" if p95 <= TARGET_P95_SECONDS else "MISSED"))
    report.table(f"Aggregations, one client through HTTP (target p95 ≤ {TARGET_P95_SECONDS:g} s)",
                 ("dialect", "store", "case", "statements in the month", "p50", "p95", ""), rows)
    report.table("Rollup counting before the questions (lrs analytics rollup's work, in this process)",
                 ("dialect", "statements", "quarter-hours", "seconds", "µs CPU per statement (this process)"),
                 [(dialect, f"{result['load']['statements']:,}", f"{result['rollup']['slots']:,}",
                   f"{result['rollup']['seconds']:.1f} s",
                   f"{result['rollup']['cpu_seconds'] * 1e6 / max(result['load']['statements'], 1):.1f}")
                  for dialect, result in results.items()])
    return results


def _count_rollup(url: str, dialect: str, report) -> dict:
    """Counts the store's closed quarter-hours (a kept store is counted only where it was not yet)."""
    from lrs.services.aggregations import RollupService
    from lrs.storage.engines import create_engines
    engines = create_engines(url)
    counted = [0]

    def on_step(step) -> None:
        counted[0] += step.recounted + step.advanced

    started, cpu = time.perf_counter(), time.process_time()
    try:
        RollupService.on(engines).catch_up(int(time.time() * 1000), on_step=on_step)
    finally:
        engines.dispose()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    slots = counted[0]
    report.progress(f"aggregations {dialect}: rollup counted in {seconds:.1f} s")
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "slots": slots}
