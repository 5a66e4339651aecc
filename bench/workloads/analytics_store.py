"""A store for the analytics benchmarks: --statements generated statements (bench/generator.py) stored in
batches of 1,000 that share one `stored` time, spread evenly over a year, so "a month" means a twelfth."""
from __future__ import annotations

import atexit
import time
from contextlib import ExitStack
from datetime import datetime, timezone

import orjson

from bench.environment import fresh_database
from bench.generator import StatementGenerator
from lrs.settings import Settings
from lrs.xapi.timestamps import format_ms

BATCH = 1000
YEAR_START = datetime(2026, 1, 1, tzinfo=timezone.utc)
YEAR_MS = 365 * 86_400_000
STORE = "bench"
# Loaded databases kept for the whole run, so `bench export aggregations` loads each dialect once.
_LOADED: dict[tuple[str, int], tuple[str, dict]] = {}
_KEPT = ExitStack()
atexit.register(_KEPT.close)


def loaded_database(dialect: str, total: int, report) -> tuple[str, dict]:
    """(database URL, load facts) of a fresh database holding `total` statements in the store `bench`."""
    if (dialect, total) not in _LOADED:
        url = _KEPT.enter_context(fresh_database(dialect))
        _LOADED[(dialect, total)] = (url, load(url, total, report))
    return _LOADED[(dialect, total)]


def load(url: str, total: int, report, *, seed: int = 31) -> dict:
    """Creates the store `bench` with a credential and stores `total` statements; returns the load's facts.

    Statements go to the statement storage as a re-import stores them (their own `stored`, their filter
    terms, voiding), without the import's validation and definition merge: the generator's statements are
    valid by construction, and a loaded shared machine takes long enough as it is."""
    from lrs.services.container import build_services
    from lrs.storage.statements import StatementRecord, StatementStorage
    from lrs.storage.terms import TermDictionary
    from lrs.xapi.filter_terms import filter_terms, statement_ref_target, voided_target
    services = build_services(Settings(database_url=url))
    try:
        services.administration.create_credential_in("bench", STORE, name="bench", key="bench-analytics",
                                                     secret="bench-analytics-secret-" + str(seed))
        store_id = next(store.id for store in services.administration.stores() if store.name == STORE)
        storage = StatementStorage(services.engines, TermDictionary(services.engines))
        generator = StatementGenerator(seed=seed, actors=50_000, activities=20_000)
        batches = max(1, total // BATCH)
        started, loaded = time.perf_counter(), 0
        authority = {"objectType": "Agent", "name": "bench", "account": {"homePage": "https://lrs.example.com",
                                                                          "name": "bench"}}
        start_ms = int(YEAR_START.timestamp() * 1000)
        for number in range(batches):
            stored_ms = start_ms + number * YEAR_MS // batches
            stored = format_ms(stored_ms)
            records = []
            for statement in generator.batch(min(BATCH, total - loaded), voiding_rate=0.01):
                statement.update(stored=stored, authority=authority, version="1.0.0")
                statement.setdefault("timestamp", stored)
                records.append(StatementRecord(statement["id"], orjson.dumps(statement).decode(),
                                               frozenset(filter_terms(statement)), statement_ref_target(statement),
                                               voided_target(statement)))
            storage.insert(store_id, records, stored_ms=stored_ms, credential_id=None)
            loaded += len(records)
            if number % 100 == 99 or number == batches - 1:
                report.progress(f"loaded {loaded:,} statements, {loaded / (time.perf_counter() - started):,.0f}/s")
        return {"store_id": store_id, "statements": loaded, "load_seconds": time.perf_counter() - started}
    finally:
        services.close()
