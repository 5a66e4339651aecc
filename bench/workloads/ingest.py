"""HTTP ingest: POST batches of 10, 100 and 1000 statements to the real server (2 gunicorn workers)
from 3 client threads, on an empty store."""
from __future__ import annotations

import orjson

from bench.environment import serving, servers
from bench.generator import StatementGenerator
from bench.load import post_all

TARGET, TARGET_BATCH = 8000, 100  # issue 5: batch-100 ingest on an empty store
CLIENTS = 3
STATEMENTS_PER_SIZE = 30_000


def _ingest(base: str, bodies: list[bytes], clients: int, batch_size: int) -> float:
    seconds, _ = post_all(base, bodies, clients)
    return len(bodies) * batch_size / seconds


def run(arguments, report) -> dict:
    results = {}
    rows = []
    sizes = arguments.batch_sizes
    for dialect in arguments.dialects:
        for batch_size in sizes:
            generator = StatementGenerator(seed=11)
            count = (arguments.ingest_batches if batch_size == TARGET_BATCH
                     else max(STATEMENTS_PER_SIZE // batch_size, 10))
            # Bodies are encoded before timing so the client spends its CPU on sending, not on JSON.
            bodies = [orjson.dumps(generator.batch(batch_size)) for _ in range(count)]
            with serving(dialect) as (_, base):
                report.progress(f"ingest {dialect}: warming up")
                _ingest(base, [orjson.dumps(StatementGenerator(seed=99).batch(batch_size))
                               for _ in range(max(1000 // batch_size, 2))], 2, batch_size)
                report.progress(f"ingest {dialect}: {len(bodies)} batches of {batch_size}, {CLIENTS} clients")
                rate = _ingest(base, bodies, CLIENTS, batch_size)
            results.setdefault(dialect, {})[batch_size] = rate
            verdict = ("met" if rate >= TARGET else "MISSED") if batch_size == TARGET_BATCH else ""
            rows.append((dialect, f"{batch_size}", f"{rate:,.0f} statements/s",
                         f"≥ {TARGET:,}" if batch_size == TARGET_BATCH else "", verdict))
    report.table(f"HTTP ingest on an empty store, {servers()}, {CLIENTS} client threads on the same machine",
                 ("dialect", "batch", "rate", "target", ""), rows)
    return results
