"""Aggregation latency on a --statements store (the issue asks for 10,000,000): a month of one course
(its busiest, https://courses.example.com/course/0, through related_activities) grouped by week and verb,
by verb, and by week; then completion rates and distinct learners for the same month. --repeats requests
per case through gunicorn, one client. Target: p95 ≤ 1 s. Aggregations write nothing on ingest
(docs/adr/007-aggregations.md), so ingest figures are those of `bench ingest` with or without them."""
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
        results[dialect] = {"load": facts, "cases": {}}
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
    return results
