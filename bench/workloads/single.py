"""Single-statement POSTs at 1, 4 and 16 concurrent clients: requests/s and latency."""
from __future__ import annotations

import orjson

from bench.environment import percentile, serving, servers
from bench.generator import StatementGenerator
from bench.load import post_all

TARGET_RATE, TARGET_P95_MS = 1000, 10.0


def run(arguments, report) -> dict:
    results, rows = {}, []
    for dialect in arguments.dialects:
        with serving(dialect) as (_, base):
            post_all(base, [orjson.dumps(StatementGenerator(seed=5).statement()) for _ in range(50)], 2)
            for clients in (1, 4, 16):
                generator = StatementGenerator(seed=clients)
                bodies = [orjson.dumps(generator.statement()) for _ in range(arguments.single_requests)]
                report.progress(f"single {dialect}: {len(bodies)} POSTs from {clients} clients")
                elapsed, latencies = post_all(base, bodies, clients)
                rate, p95 = len(bodies) / elapsed, percentile(latencies, 0.95)
                results.setdefault(dialect, {})[clients] = {"rate": rate, "p50": percentile(latencies, 0.5),
                                                            "p95": p95, "p99": percentile(latencies, 0.99)}
                verdict = ""
                if clients == 4:
                    verdict = "met" if rate >= TARGET_RATE and p95 <= TARGET_P95_MS else "MISSED"
                rows.append((dialect, clients, f"{rate:,.0f}/s", f"{percentile(latencies, 0.5):.1f}",
                             f"{p95:.1f}", f"{percentile(latencies, 0.99):.1f}", verdict))
    report.table(f"Single-statement POST, {servers()} (target at 4 clients: ≥ {TARGET_RATE:,}/s, "
                 f"p95 ≤ {TARGET_P95_MS:.0f} ms)", ("dialect", "clients", "rate", "p50 ms", "p95 ms", "p99 ms", ""),
                 rows)
    return results
