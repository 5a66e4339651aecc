"""GET /xapi/statements latency for each filter on a store of N statements (default 100,000)."""
from __future__ import annotations

import json
import threading
import time

import orjson
from sqlalchemy import create_engine, text

from bench.environment import (auth_headers, create_credential, fresh_database, percentile,
                               running_server)
from bench.generator import StatementGenerator
from bench.http_client import LeanClient
from lrs.auth.principal import Principal
from lrs.services.container import build_services
from lrs.settings import Settings

FAST, BROAD = 15.0, 50.0


def _load(url: str, count: int, report) -> StatementGenerator:
    """Fills the store through the service layer (validation and storage as over HTTP, without HTTP)."""
    issued = create_credential(url)
    principal = Principal(issued.credential_id, issued.store_id, "bench", issued.key, frozenset({"all"}))
    services = build_services(Settings(database_url=url))
    generator = StatementGenerator(seed=3)
    started = time.perf_counter()
    loaded = 0
    try:
        while loaded < count:
            batch = generator.batch(min(500, count - loaded), voiding_rate=0.005)
            services.statements.store(principal, batch, version="1.0.3")
            loaded += len(batch)
            if loaded % 10_000 < 500:
                rate = loaded / (time.perf_counter() - started)
                report.progress(f"  loaded {loaded:,} / {count:,} ({rate:,.0f} statements/s)")
    finally:
        services.close()
    # A freshly bulk-loaded table has no planner statistics until autovacuum's ANALYZE (about a minute
    # on PostgreSQL); measure the steady state a running store is in.
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return generator


def _cases(base_url: str, headers: dict) -> list[tuple[str, dict, float]]:
    status, body = LeanClient(base_url, headers).request("GET", "/xapi/statements", params={"limit": 1})
    newest = orjson.loads(body)
    some_id = newest["statements"][0]["id"]
    stored = newest["statements"][0]["stored"]
    busy_agent = json.dumps({"mbox": "mailto:learner1@example.com"})
    return [
        ("no filter", {}, FAST),
        ("statementId", {"statementId": some_id}, FAST),
        ("verb", {"verb": "http://adlnet.gov/expapi/verbs/answered"}, FAST),
        ("registration", {"registration": StatementGenerator(seed=3).registrations[0]}, FAST),
        ("since/until", {"since": "2020-01-01T00:00:00Z", "until": stored}, FAST),
        ("ascending", {"ascending": "true"}, FAST),
        ("agent (busy)", {"agent": busy_agent}, BROAD),
        ("activity", {"activity": "https://courses.example.com/course/1/activity/1"}, BROAD),
        ("related_activities (course)", {"activity": "https://courses.example.com/course/3",
                                         "related_activities": "true"}, BROAD),
        ("related_agents", {"agent": busy_agent, "related_agents": "true"}, BROAD),
        ("agent + verb", {"agent": busy_agent, "verb": "http://adlnet.gov/expapi/verbs/experienced"}, BROAD),
    ]


def _measure_concurrently(base: str, params: dict, headers: dict, repeats: int, clients: int) -> list[float]:
    """`repeats` requests spread over `clients` threads, each with its own connection."""
    if clients == 1:
        return _measure(LeanClient(base, headers), params, repeats)
    results: list[list[float]] = [[] for _ in range(clients)]

    def client(number: int) -> None:
        results[number] = _measure(LeanClient(base, headers), params, max(repeats // clients, 5))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [timing for timings in results for timing in timings]


def _measure(client: LeanClient, params: dict, repeats: int) -> list[float]:
    """Milliseconds from sending each request to having read the whole response."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        status, body = client.request("GET", "/xapi/statements", params=params)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, body[:300]
    return timings


def run(arguments, report) -> dict:
    results = {}
    for dialect in arguments.dialects:
        with fresh_database(dialect) as url:
            report.progress(f"queries {dialect}: loading {arguments.statements:,} statements")
            _load(url, arguments.statements, report)
            headers = auth_headers()
            rows = []
            with running_server(url) as base:
                for clients in arguments.query_clients:
                    for name, params, target in _cases(base, headers):
                        paged = params if "statementId" in params else {**params, "limit": 100}
                        timings = _measure_concurrently(base, paged, headers, arguments.repeats, clients)
                        p95 = percentile(timings, 0.95)
                        rows.append((f"{name}, {clients} client{'s' if clients > 1 else ''}",
                                     f"{percentile(timings, 0.5):.1f}", f"{p95:.1f}",
                                     f"{percentile(timings, 0.99):.1f}", f"≤ {target:.0f}",
                                     "met" if p95 <= target else "MISSED"))
                        results.setdefault(dialect, {})[f"{name} x{clients}"] = {
                            "p50": percentile(timings, 0.5), "p95": p95, "p99": percentile(timings, 0.99)}
                page_timings = {number: [] for number in range(1, 6)}
                client = LeanClient(base, headers)
                for _ in range(max(arguments.repeats // 5, 10)):
                    path = "/xapi/statements?limit=100"
                    for number in range(1, 6):
                        started = time.perf_counter()
                        status, body = client.request("GET", path)
                        page_timings[number].append((time.perf_counter() - started) * 1000)
                        assert status == 200, body[:300]
                        path = orjson.loads(body)["more"]  # parsed outside the timing: client work
                for number, timings in page_timings.items():
                    p95 = percentile(timings, 0.95)
                    rows.append((f"page {number} (more)", f"{percentile(timings, 0.5):.1f}", f"{p95:.1f}",
                                 f"{percentile(timings, 0.99):.1f}", f"≤ {FAST:.0f}",
                                 "met" if p95 <= FAST else "MISSED"))
            report.table(f"GET limit=100 latency in ms, {dialect}, {arguments.statements:,} statements, "
                         "by concurrent clients", ("query", "p50", "p95", "p99", "target p95", ""), rows)
    return results
