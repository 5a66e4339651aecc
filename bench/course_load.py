"""What the `scorm` and `cmi5` workloads share: timed calls per kind from many threads, the course API
calls an LMS makes, statement counts, and the latency figures they report."""
from __future__ import annotations

import http.client
import threading
import time
from collections import defaultdict

import orjson

from bench.environment import auth_headers, percentile
from bench.http_client import LeanClient

JSON = {"Content-Type": "application/json"}


class Recorder:
    """Latencies (ms) per kind of call, the first moment a timed call started and the last it ended, and
    every failure, from any number of threads."""

    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.window: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def call(self, client: LeanClient, kind: str, method: str, path: str, *, body=None, params=None,
             headers=None, expect=(200,)) -> tuple[int, bytes]:
        """One timed request; a failed connection is status 0. An unexpected status is recorded as an error."""
        encoded = body if body is None or isinstance(body, bytes) else orjson.dumps(body)
        started = time.perf_counter()
        try:
            status, content = client.request(method, path, body=encoded, params=params, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            status, content = 0, repr(error).encode()
        ended = time.perf_counter()
        with self._lock:
            self.latencies[kind].append((ended - started) * 1000)
            first, last = self.window.setdefault(kind, [started, ended])
            self.window[kind] = [min(first, started), max(last, ended)]
            if status not in expect:
                self.errors.append(f"{kind}: {status} {content[:300]!r}")
        return status, content

    def fail(self, message: str) -> None:
        with self._lock:
            self.errors.append(message)

    def rate(self, kind: str) -> float:
        """Calls of `kind` per second over the time from the first one's start to the last one's end."""
        first, last = self.window.get(kind, (0.0, 0.0))
        return len(self.latencies[kind]) / (last - first) if last > first else 0.0

    def figures(self, kind: str) -> dict:
        timings = self.latencies[kind]
        if not timings:
            return {"count": 0}
        return {"count": len(timings), "rate": self.rate(kind), "p50": percentile(timings, 0.5),
                "p95": percentile(timings, 0.95), "p99": percentile(timings, 0.99)}


def lms_client(base: str) -> LeanClient:
    """The LMS's client: the bench credential (scope all, so courses too)."""
    return LeanClient(base, {**auth_headers(), **JSON})


def run_threads(count: int, target, *arguments) -> tuple[float, float]:
    """Runs target(number, *arguments) in `count` threads; returns (wall seconds, client CPU seconds of this
    process, every thread counted)."""
    threads = [threading.Thread(target=target, args=(number, *arguments), daemon=True) for number in range(count)]
    cpu, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, time.process_time() - cpu


def import_course(base: str, package: bytes, content_type: str = "application/zip") -> dict:
    client = lms_client(base)
    try:
        status, body = client.request("POST", "/api/v1/courses", body=package, headers={"Content-Type": content_type})
    finally:
        client.close()
    if status != 201:
        raise RuntimeError(f"course import answered {status}: {body[:500]!r}")
    return orjson.loads(body)


def learner_agent(number: int, prefix: str) -> dict:
    return {"objectType": "Agent", "name": f"Bench learner {number}",
            "account": {"homePage": "https://lms.bench.example", "name": f"{prefix}-{number}"}}


def count_statements(base: str, **params) -> int:
    """How many statements GET /xapi/statements answers for `params`, following `more`."""
    client = LeanClient(base, auth_headers())
    total, path, query = 0, "/xapi/statements", {**params, "limit": 500}
    try:
        while True:
            status, body = client.request("GET", path, params=query)
            if status != 200:
                raise RuntimeError(f"GET statements answered {status}: {body[:300]!r}")
            page = orjson.loads(body)
            total += len(page["statements"])
            if not page.get("more"):
                return total
            path, query = page["more"], None  # an absolute path with its own query
    finally:
        client.close()


def latency_row(label: str, figures: dict) -> tuple:
    if not figures.get("count"):
        return (label, 0, "-", "-", "-", "-")
    return (label, figures["count"], f"{figures['rate']:,.0f}/s", f"{figures['p50']:.1f}", f"{figures['p95']:.1f}",
            f"{figures['p99']:.1f}")


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])
