"""A store for the analytics benchmarks: --statements generated statements (bench/generator.py) stored in
batches of 1,000 that share one `stored` time, spread evenly over a year, so "a month" means a twelfth.

The statements go in through the LRS's own re-import (lrs/services/imports.py, what `lrs import` runs):
each is validated, its filter terms, index rows, voiding and StatementRef links and its Activity
definitions are written as a statement POST writes them, but with the `stored` time it carries. Several
processes load at once (BENCH_LOAD_WORKERS, default: one per core), each a slice of the year.

A loaded store is kept for the next run (a database named after its size, BENCH_STORES_KEPT):
PostgreSQL `lrs_bench_analytics_<N>`, SQLite `var/bench/analytics-<N>.sqlite3`; a later run with the same
--statements finds it complete (a marker written after the load) and uses it as it is, after bringing its
schema up to date. BENCH_FRESH_STORE=1 (or a store whose load never finished) loads it again from
nothing. BENCH_STORES_KEPT=0 loads into a throwaway database removed at the end of the run.
"""
from __future__ import annotations

import atexit
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import ExitStack
from datetime import datetime, timezone
from multiprocessing import get_context
from pathlib import Path

import orjson
from sqlalchemy import create_engine, text

from bench.environment import POSTGRES_ADMIN_URL, fresh_database
from bench.generator import StatementGenerator
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from lrs.xapi.timestamps import format_ms

BATCH = 1000
# Batches a worker process takes at a time; each slice has a generator seeded by its number, so the
# statements are the same whatever the number of workers.
SLICE_BATCHES = 50
ANALYZE_FIRST = 50_000  # statements loaded before the first ANALYZE on PostgreSQL, then at each doubling
YEAR_START = datetime(2026, 1, 1, tzinfo=timezone.utc)
YEAR_MS = 365 * 86_400_000
STORE = "bench"
SEED = 31
# Bumped whenever the generated statements or the way they are loaded change: a kept store of another
# version is loaded again.
LOAD_VERSION = 2
KEPT_SQLITE = Path(__file__).resolve().parents[2] / "var" / "bench"
_AUTHORITY = {"objectType": "Agent", "name": "bench", "account": {"homePage": "https://lrs.example.com",
                                                                  "name": "bench"}}
# Loaded databases used for the whole run, so `bench export aggregations` loads each dialect once.
_LOADED: dict[tuple[str, int], tuple[str, dict]] = {}
_KEPT = ExitStack()
atexit.register(_KEPT.close)


def loaded_database(dialect: str, total: int, report) -> tuple[str, dict]:
    """(database URL, load facts) of a database holding `total` statements in the store `bench`."""
    if (dialect, total) not in _LOADED:
        if os.environ.get("BENCH_STORES_KEPT", "1") == "0":
            url = _KEPT.enter_context(fresh_database(dialect))
            _LOADED[(dialect, total)] = (url, load(url, total, report))
        else:
            _LOADED[(dialect, total)] = _kept_database(dialect, total, report)
    return _LOADED[(dialect, total)]


def _marker(total: int) -> str:
    return f"bench analytics store v{LOAD_VERSION}: {total} statements, seed {SEED}"


def _kept_database(dialect: str, total: int, report) -> tuple[str, dict]:
    fresh = os.environ.get("BENCH_FRESH_STORE", "0") == "1"
    if dialect == "sqlite":
        KEPT_SQLITE.mkdir(parents=True, exist_ok=True)
        path = KEPT_SQLITE / f"analytics-{total}.sqlite3"
        marker_path = path.with_suffix(".loaded.json")
        url = f"sqlite:///{path}"
        if not fresh and path.exists() and marker_path.exists():
            facts = orjson.loads(marker_path.read_bytes())
            if facts.get("marker") == _marker(total):
                upgrade(url)
                report.progress(f"using the kept store {path} ({total:,} statements, loaded {facts['loaded_at']})")
                return url, {**facts, "reused": True}
        marker_path.unlink(missing_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        upgrade(url)
        facts = {**load(url, total, report), "marker": _marker(total), "loaded_at": _now()}
        marker_path.write_bytes(orjson.dumps(facts))
        return url, {**facts, "reused": False}
    name = f"lrs_bench_analytics_{total}"
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            comment = connection.execute(text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :name"),
                {"name": name}).fetchone()
            if comment is not None and not fresh and comment[0]:
                facts = orjson.loads(comment[0])
                if facts.get("marker") == _marker(total):
                    upgrade(url)
                    report.progress(f"using the kept database {name} ({total:,} statements, "
                                    f"loaded {facts['loaded_at']})")
                    return url, {**facts, "reused": True}
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        upgrade(url)
        facts = {**load(url, total, report), "marker": _marker(total), "loaded_at": _now()}
        with admin.connect() as connection:
            # A database comment: it goes when the database goes, and a half-loaded one has none.
            comment = orjson.dumps(facts).decode().replace("'", "''")
            connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{comment}'")
        return url, {**facts, "reused": False}
    finally:
        admin.dispose()


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load(url: str, total: int, report, *, workers: int | None = None, start_ms: int | None = None,
         span_ms: int = YEAR_MS) -> dict:
    """Creates the store `bench` with a credential and stores `total` statements through the LRS's import
    (several processes, each a slice of the year, or of `span_ms` from `start_ms`); returns the load's
    facts (seconds, CPU seconds of the loading processes, statements per second)."""
    start_ms = int(YEAR_START.timestamp() * 1000) if start_ms is None else start_ms
    from lrs.services.container import build_services
    services = build_services(Settings(database_url=url))
    try:
        services.administration.create_credential_in("bench", STORE, name="bench", key="bench-analytics",
                                                     secret=f"bench-analytics-secret-{SEED}")
        store_id = next(store.id for store in services.administration.stores() if store.name == STORE)
    finally:
        services.close()
    batches = max(1, total // BATCH)
    slices = [(start, min(start + SLICE_BATCHES, batches)) for start in range(0, batches, SLICE_BATCHES)]
    workers = workers or int(os.environ.get("BENCH_LOAD_WORKERS", "0")) or os.cpu_count() or 1
    context = get_context("spawn")  # no database connection or pool of this process is shared
    loaded = context.Value("q", 0)
    started, cpu_seconds = time.perf_counter(), 0.0
    with ProcessPoolExecutor(min(workers, len(slices)), mp_context=context, initializer=_worker_start,
                             initargs=(url, loaded)) as pool:
        pending = {pool.submit(_load_slice, store_id, total, batches, first, end, start_ms, span_ms)
                   for first, end in slices}
        shown, analyzed_at = time.perf_counter(), ANALYZE_FIRST
        while pending:
            done, pending = wait(pending, timeout=10, return_when=FIRST_COMPLETED)
            for future in done:
                cpu_seconds += future.result()  # a worker's failure ends the load here
            if loaded.value >= analyzed_at and pending:
                # Statistics as the tables grow, each time they double (see _analyze): without them the
                # 10,000,000 load on PostgreSQL fell from 4,500 to 500 statements/s by 5,000,000, each
                # StatementRef look-up by seq planned as a parallel scan of inherited_index (2026-12-02).
                _analyze(url)
                analyzed_at = 2 * loaded.value
            if time.perf_counter() - shown >= 10 or not pending:
                shown = time.perf_counter()
                elapsed = shown - started
                report.progress(f"loaded {loaded.value:,}/{total:,} statements, {loaded.value / elapsed:,.0f}/s")
    seconds = time.perf_counter() - started
    statements = loaded.value
    _analyze(url)
    return {"statements": statements, "store_id": store_id, "load_seconds": seconds, "workers": workers,
            "load_rate": statements / seconds, "load_cpu_seconds": cpu_seconds,
            "load_statements_per_cpu_second": statements / cpu_seconds if cpu_seconds else None}


def _analyze(url: str) -> None:
    """Planner statistics: this machine's PostgreSQL runs with autovacuum off, and without them a keyset
    page of a freshly loaded table is planned as a scan of all that follows (docs/performance.md)."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


_worker: dict = {}


def _worker_start(url: str, loaded) -> None:
    from lrs.services.container import build_services
    from lrs.services.imports import ImportService
    services = build_services(Settings(database_url=url))
    atexit.register(services.close)
    _worker.update(importer=ImportService.on(services.engines, batch_size=BATCH), loaded=loaded)


def _load_slice(store_id: int, total: int, batches: int, first: int, end: int, start_ms: int, span_ms: int) -> float:
    """Stores batches [first, end) of the span; returns the CPU seconds it took in this process."""
    started = time.process_time()
    generator = StatementGenerator(seed=SEED * 1_000_003 + first, actors=50_000, activities=20_000)
    loaded = _worker["loaded"]

    def lines():
        for number in range(first, end):
            stored = format_ms(start_ms + number * span_ms // batches)
            size = BATCH if number < batches - 1 else total - (batches - 1) * BATCH
            for statement in generator.batch(size, voiding_rate=0.01):
                statement.update(stored=stored, authority=_AUTHORITY, version="1.0.0")
                statement.setdefault("timestamp", stored)
                yield orjson.dumps(statement)

    def progress(counts) -> None:
        with loaded.get_lock():
            loaded.value += counts.stored - progress.reported
        progress.reported = counts.stored
    progress.reported = 0
    counts = _worker["importer"].import_lines(store_id, lines(), progress=progress)
    if counts.stored != counts.lines:
        raise RuntimeError(f"batches {first}-{end}: {counts.lines} lines, {counts.stored} stored")
    return time.process_time() - started
