"""A bulk load to --bulk-statements (default 1,000,000) through HTTP in batches of 1000 from 3 clients:
the ingest rate for each tenth of the load, the total time and the bytes per statement on disk."""
from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
from sqlalchemy import create_engine, text

from bench.environment import create_credential, fresh_database, running_server
from bench.generator import StatementGenerator
from bench.load import post_all, whole_batches

BATCH, CLIENTS = 1000, 3
TARGET_SECONDS, TARGET_BYTES, TARGET_SUSTAINED = 300, 3 * 1024, 4000


def _bytes_on_disk(url: str) -> int:
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        with create_engine(url).connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(os.path.getsize(p) for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return size


def _bytes_after_reindex(url: str, empty: int, loaded: int) -> float | None:
    """PostgreSQL: the figure once statement_index is rebuilt. Its B-tree fills up from the tail of every
    term's range, and those mid-index splits leave pages about half full; a REINDEX packs them."""
    if url.startswith("sqlite"):
        return None
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("REINDEX TABLE statement_index"))
    engine.dispose()
    return (_bytes_on_disk(url) - empty) / loaded


def run(arguments, report) -> dict:
    results, rows = {}, []
    total = whole_batches(arguments.bulk_statements, BATCH)
    step = max(total // 10, BATCH)
    for dialect in arguments.dialects:
        generator = StatementGenerator(seed=31, actors=50_000, activities=20_000)
        with fresh_database(dialect) as url:
            create_credential(url)
            empty = _bytes_on_disk(url)
            curve = []
            with running_server(url) as base:
                loaded, started = 0, time.perf_counter()
                while loaded < total:
                    # Encoded outside the timed part: the client's JSON work is not the server's.
                    bodies = [orjson.dumps(generator.batch(BATCH, voiding_rate=0.01))
                              for _ in range(min(step, total - loaded) // BATCH)]
                    seconds, _ = post_all(base, bodies, CLIENTS)
                    loaded += len(bodies) * BATCH
                    curve.append((loaded, len(bodies) * BATCH / seconds))
                    report.progress(f"bulk {dialect}: {loaded:,} statements, {curve[-1][1]:,.0f}/s")
                wall = sum(count / rate for count, rate in
                           zip([curve[0][0]] + [b[0] - a[0] for a, b in zip(curve, curve[1:])],
                               [rate for _, rate in curve]))
            per_statement = (_bytes_on_disk(url) - empty) / loaded
            compacted = _bytes_after_reindex(url, empty, loaded)
        last = curve[-1][1]
        results[dialect] = {"curve": curve, "seconds": wall, "bytes_per_statement": per_statement,
                            "bytes_per_statement_after_reindex": compacted,
                            "elapsed_with_client_encoding": time.perf_counter() - started}
        if compacted is not None:
            report.progress(f"bulk {dialect}: {compacted:,.0f} B/statement after REINDEX of statement_index")
        rows.append((dialect, f"{loaded:,}", f"{wall:,.0f} s", f"{curve[0][1]:,.0f}/s", f"{last:,.0f}/s",
                     f"{per_statement:,.0f} B",
                     "met" if wall <= TARGET_SECONDS * loaded / 1_000_000 and per_statement <= TARGET_BYTES
                     and last >= TARGET_SUSTAINED else "MISSED"))
        report.table(f"Ingest curve, {dialect} (statements loaded, rate of that tenth)",
                     ("loaded", "rate"), [(f"{count:,}", f"{rate:,.0f}/s") for count, rate in curve])
    report.table(f"Bulk load through HTTP, batches of {BATCH}, {CLIENTS} clients (targets: 1M in ≤ "
                 f"{TARGET_SECONDS} s, ≤ {TARGET_BYTES:,} B/statement, ≥ {TARGET_SUSTAINED:,}/s at the end)",
                 ("dialect", "statements", "server time", "first tenth", "last tenth", "disk/statement", ""), rows)
    return results
