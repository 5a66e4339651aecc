"""Where the CPU of a batch-100 POST goes, per statement, in-process (no gunicorn, no other process).

Each step of the write path is timed alone over the same generated statements, in CPU time of this
process (time.process_time), which other load on a shared machine disturbs far less than wall time:
parse, repeated-key check, validation, preparation, filter terms, serialisation, definition merge.
Then the whole service call (StatementService.store on a fresh database: the steps plus storage) and the
whole request through Flask's test client (plus Flask, authentication and the response). With
--profile, a cProfile of the test-client POSTs is written under bench/results/ and its top functions
are printed."""
from __future__ import annotations

import copy
import cProfile
import pstats
import time
from contextlib import contextmanager
from pathlib import Path

import orjson

from bench.environment import auth_headers, create_credential, fresh_database
from bench.generator import StatementGenerator
from lrs.app import create_app
from lrs.settings import Settings
from lrs.xapi.activity_definitions import definitions_in, merge_definition
from lrs.xapi.duplicate_keys import reject_duplicate_keys
from lrs.xapi.filter_terms import filter_terms, statement_ref_target, voided_target
from lrs.xapi.preparation import prepare_for_storage
from lrs.xapi.validation import validate_statement

BATCH, BATCHES, REPEATS = 100, 40, 7
_ROUND = 5  # batches per round of the whole-path measurement
RESULTS = Path(__file__).resolve().parent.parent / "results"


def _cpu_us_per_statement(work, statements: int) -> float:
    """The least CPU µs per statement `work()` took in REPEATS runs: other load on the machine only
    ever adds to a step's own cost (cache misses, preemption), so the least is the closest to it."""
    rounds = []
    for _ in range(REPEATS):
        started = time.process_time()
        work()
        rounds.append((time.process_time() - started) / statements * 1e6)
    return min(rounds)


def _step_costs(raw_batches: list[bytes]) -> dict[str, float]:
    count = len(raw_batches) * BATCH
    parsed = [orjson.loads(raw) for raw in raw_batches]
    authority = {"objectType": "Agent", "name": "bench", "account": {"homePage": "http://x.test", "name": "k"}}
    prepared = [[prepare_for_storage(copy.deepcopy(s), stored="2026-11-30T00:00:00.000Z", authority=authority,
                                     request_version="1.0.3") for s in batch] for batch in parsed]
    flat = [statement for batch in prepared for statement in batch]
    cache: dict[str, dict] = {}
    for statement in flat:  # a warm definition cache, as in a running server
        for activity_id, definition in definitions_in(statement):
            cache[activity_id] = merge_definition(cache.get(activity_id), definition)

    def prepare_all():
        fresh = [[copy.copy(s) for s in batch] for batch in parsed]  # shallow: prepare sets top-level keys
        for batch in fresh:
            for statement in batch:
                prepare_for_storage(statement, stored="2026-11-30T00:00:00.000Z", authority=authority,
                                    request_version="1.0.3")

    def shallow_copies():
        [[copy.copy(s) for s in batch] for batch in parsed]

    def definitions():
        for statement in flat:
            for activity_id, definition in definitions_in(statement):
                known = cache.get(activity_id)  # the check StatementService._update_definitions makes
                if known is None or (known != definition and merge_definition(known, definition) != known):
                    pass

    def records():
        for statement in flat:
            (statement["id"], orjson.dumps(statement).decode(), frozenset(filter_terms(statement)),
             statement_ref_target(statement), voided_target(statement))

    def parse_each():
        for raw in raw_batches:  # one batch alive at a time, as in a request
            orjson.loads(raw)

    costs = {
        "parse (orjson)": _cpu_us_per_statement(parse_each, count),
        "repeated keys (xAPI-Data 2.2.s2.b2)":
            _cpu_us_per_statement(lambda: [reject_duplicate_keys(raw, p) for raw, p in zip(raw_batches, parsed)],
                                  count),
        "validate": _cpu_us_per_statement(lambda: [validate_statement(s, "1.0.3") for b in parsed for s in b],
                                          count),
        "prepare (id, stored, authority, UTC)":
            _cpu_us_per_statement(prepare_all, count) - _cpu_us_per_statement(shallow_copies, count),
        "filter terms": _cpu_us_per_statement(lambda: [filter_terms(s) for s in flat], count),
        "serialise (orjson)": _cpu_us_per_statement(lambda: [orjson.dumps(s).decode() for s in flat], count),
        "definitions (warm cache)": _cpu_us_per_statement(definitions, count),
    }
    costs["record (terms, serialise, refs together)"] = _cpu_us_per_statement(records, count)
    return costs


def _timed_paths(app, raw_batches: list[bytes], profile_path: Path | None):
    """(µs per statement through StatementService.store, through a POST of the test client, the profiler)."""
    client = app.test_client()
    headers = {**auth_headers(), "Content-Type": "application/json"}
    warm = StatementGenerator(seed=98)
    for _ in range(5):
        response = client.post("/xapi/statements", data=orjson.dumps(warm.batch(BATCH)), headers=headers)
        assert response.status_code == 200, response.data[:300]
    services = app.extensions["lrs"]
    principal = services.authenticator.authenticate(headers["Authorization"], "127.0.0.1")
    profiler = cProfile.Profile() if profile_path else None
    service_rounds, post_rounds = [], []
    # Rounds alternate between the two paths on fresh batches; the least round counts, as for a step.
    for start in range(0, len(raw_batches), 2 * _ROUND):
        service_part = raw_batches[start:start + _ROUND]
        post_part = raw_batches[start + _ROUND:start + 2 * _ROUND]
        started = time.process_time()
        for raw in service_part:
            services.statements.store(principal, orjson.loads(raw), version="1.0.3")
        service_rounds.append((time.process_time() - started) / (len(service_part) * BATCH) * 1e6)
        if profiler:
            profiler.enable()
        started = time.process_time()
        for raw in post_part:
            response = client.post("/xapi/statements", data=raw, headers=headers)
            assert response.status_code == 200, response.data[:300]
        post_rounds.append((time.process_time() - started) / (len(post_part) * BATCH) * 1e6)
        if profiler:
            profiler.disable()
    if profiler:
        profiler.dump_stats(profile_path)
    service_us, post_us = min(service_rounds), min(post_rounds)
    return service_us, post_us, profiler


@contextmanager
def _app_on(url: str):
    """The LRS app in process, closed afterwards: its automation runner thread first, then its engines, so
    nothing polls the database once its folder is gone."""
    app = create_app(Settings(database_url=url))
    try:
        yield app
    finally:
        app.extensions["automation"].close()
        app.extensions["lrs"].close()


def _whole_paths(dialect: str, raw_batches: list[bytes], profile_path: Path | None) -> dict[str, float]:
    with fresh_database(dialect) as url:
        create_credential(url)
        with _app_on(url) as app:
            service_us, post_us, profiler = _timed_paths(app, raw_batches, profile_path)
    return {"service store() incl. storage, parse": service_us,
            f"POST through Flask test client{' (under cProfile)' if profiler else ''}": post_us}


def run(arguments, report) -> dict:
    generator = StatementGenerator(seed=17)
    raw_batches = [orjson.dumps(generator.batch(BATCH)) for _ in range(BATCHES)]
    costs = _step_costs(raw_batches)
    rows = [(name, f"{value:.1f} µs") for name, value in costs.items()]
    steps_total = sum(value for name, value in costs.items() if not name.startswith("record"))
    rows.append(("sum of the steps above", f"{steps_total:.1f} µs"))
    results = {"steps_us": costs, "steps_total_us": steps_total}
    for dialect in arguments.dialects:
        profile_path = None
        if arguments.profile:
            RESULTS.mkdir(exist_ok=True)
            profile_path = RESULTS / f"steps-{dialect}-{time.strftime('%Y%m%d-%H%M%S')}.prof"
        report.progress(f"steps {dialect}: {BATCHES} batches of {BATCH} in-process")
        whole = _whole_paths(dialect, raw_batches, profile_path)
        results[dialect] = whole
        rows.extend((f"{name}, {dialect}", f"{value:.1f} µs") for name, value in whole.items())
        if profile_path:
            results[dialect]["profile"] = str(profile_path)
            report.progress(f"steps {dialect}: cProfile written to {profile_path}; top functions (tottime):")
            pstats.Stats(str(profile_path)).sort_stats("tottime").print_stats(25)
    report.table(f"CPU per statement of a batch-{BATCH} POST, in-process (least of {REPEATS} runs for each step)",
                 ("step", "CPU per statement"), rows)
    return results
