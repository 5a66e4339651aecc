"""90/10 mix: 4 clients sending single-statement POSTs with every tenth request a GET of 100
statements, and a fifth client looping over the State API, for --mix-seconds (default 60)."""
from __future__ import annotations

from bench.environment import percentile, serving, servers
from bench.mixed_load import KINDS, MixedLoad

LABELS = {"post": "POST one statement", "get": "GET limit=100", "state": "State PUT + GET"}


def run(arguments, report) -> dict:
    results, rows = {}, []
    for dialect in arguments.dialects:
        with serving(dialect) as (_, base):
            report.progress(f"mix {dialect}: {arguments.mix_seconds} s, 4 statement clients + 1 State client")
            load = MixedLoad(base, arguments.mix_seconds)
            seconds = load.run()
        if load.errors:
            raise RuntimeError(f"{len(load.errors)} requests failed, first: {load.errors[0]}")
        results[dialect] = {}
        for kind in KINDS:
            timings = load.latencies[kind]
            figures = {"rate": len(timings) / seconds, "p50": percentile(timings, 0.5),
                       "p95": percentile(timings, 0.95), "p99": percentile(timings, 0.99)}
            results[dialect][kind] = figures
            rows.append((dialect, LABELS[kind], f"{figures['rate']:,.0f}/s", f"{figures['p50']:.1f}",
                         f"{figures['p95']:.1f}", f"{figures['p99']:.1f}"))
    report.table(f"90/10 POST/GET mix with a State loop, {servers()} (latency in ms)",
                 ("dialect", "request", "rate", "p50", "p95", "p99"), rows)
    return results
