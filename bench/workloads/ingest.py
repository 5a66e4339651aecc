"""HTTP ingest: POST batches of statements to the real server (2 gunicorn workers)."""
from __future__ import annotations

import orjson

from bench.environment import create_credential, fresh_database, running_server
from bench.generator import StatementGenerator
from bench.load import post_all

TARGET = 8000  # issue 5: batch-100 ingest on an empty store


def _ingest(base: str, bodies: list[bytes], clients: int, batch_size: int) -> float:
    seconds, _ = post_all(base, bodies, clients)
    return len(bodies) * batch_size / seconds


def run(arguments, report) -> dict:
    results = {}
    rows = []
    batch_size = arguments.batch_size
    for dialect in arguments.dialects:
        generator = StatementGenerator(seed=11)
        # Bodies are encoded before timing so the client spends its CPU on sending, not on JSON.
        bodies = [orjson.dumps(generator.batch(batch_size)) for _ in range(arguments.ingest_batches)]
        with fresh_database(dialect) as url:
            create_credential(url)
            with running_server(url) as base:
                report.progress(f"ingest {dialect}: warming up")
                _ingest(base, [orjson.dumps(StatementGenerator(seed=99).batch(batch_size))
                               for _ in range(10)], 2, batch_size)
                report.progress(f"ingest {dialect}: {len(bodies)} batches of {batch_size}, 3 clients")
                rate = _ingest(base, bodies, 3, batch_size)
        results[dialect] = rate
        rows.append((dialect, f"{batch_size}", f"{rate:,.0f} statements/s", f"≥ {TARGET:,}",
                     "met" if rate >= TARGET else "MISSED"))
    report.table("HTTP ingest, 2 gunicorn workers, 3 client threads on the same machine",
                 ("dialect", "batch", "rate", "target", ""), rows)
    return results
