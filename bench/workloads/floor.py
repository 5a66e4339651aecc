"""The LRS against the floor: a minimal WSGI app (bench/floor_app.py) under the same gunicorn (2 sync
workers) and database settings that parses the JSON and inserts one (id, body) row per statement, with
no validation, authentication or index. Both servers run side by side in one run and take turns on the
same statements, batch-100 POSTs from 3 clients and single POSTs from 4, for --floor-rounds rounds.

Reported per dialect: the median rate of each server and the floor's rate as a multiple of ours (issue
10 aims at ≤ 3× on batch and ≤ 2× on single POST), and the server CPU per statement (gunicorn master
and workers, from /proc), which a shared machine disturbs less than the rates."""
from __future__ import annotations

import statistics
from contextlib import ExitStack

import orjson

from bench import floor_app
from bench.environment import fresh_database, running_server, server_cpu_seconds, serving, servers
from bench.generator import StatementGenerator
from bench.load import post_all

BATCH, BATCH_CLIENTS, SINGLE_CLIENTS = 100, 3, 4
TARGET_MULTIPLE = {"batch-100": 3.0, "single": 2.0}  # floor rate ÷ LRS rate, at most


def _measure(base: str, bodies: list[bytes], clients: int, statements: int) -> tuple[float, float]:
    """(statements per second, server CPU µs per statement)."""
    cpu_before = server_cpu_seconds(base)
    seconds, _ = post_all(base, bodies, clients)
    return statements / seconds, (server_cpu_seconds(base) - cpu_before) / statements * 1e6


def _cases(arguments, round_number: int) -> dict[str, tuple[list[bytes], int, int]]:
    """Each round's own statements (new ids), the same for both servers: name -> (bodies, clients, count)."""
    generator = StatementGenerator(seed=1000 + round_number)
    batches = [orjson.dumps(generator.batch(BATCH)) for _ in range(arguments.ingest_batches)]
    singles = [orjson.dumps(generator.statement()) for _ in range(arguments.single_requests)]
    return {"batch-100": (batches, BATCH_CLIENTS, len(batches) * BATCH),
            "single": (singles, SINGLE_CLIENTS, len(singles))}


def _floor_server(stack: ExitStack, dialect: str) -> str:
    url = stack.enter_context(fresh_database(dialect))  # migrated for the LRS; the floor adds its own table
    floor_app.create_table(url)
    return stack.enter_context(running_server(url, application="bench.floor_app:app"))


def run(arguments, report) -> dict:
    results, rows = {}, []
    rounds = arguments.floor_rounds
    for dialect in arguments.dialects:
        measured: dict[tuple[str, str], list[tuple[float, float]]] = {}
        with ExitStack() as stack:
            _, lrs_base = stack.enter_context(serving(dialect))
            bases = {"LRS": lrs_base, "floor": _floor_server(stack, dialect)}
            warm_up = StatementGenerator(seed=99)
            for base in bases.values():
                post_all(base, [orjson.dumps(warm_up.batch(BATCH)) for _ in range(10)], 2)
                post_all(base, [orjson.dumps(warm_up.statement()) for _ in range(100)], 2)
            for round_number in range(rounds):
                cases = _cases(arguments, round_number)
                # Turns alternate, so a burst of load from elsewhere does not always fall on the same server.
                order = list(bases) if round_number % 2 == 0 else list(reversed(bases))
                for case, (bodies, clients, statements) in cases.items():
                    for server in order:
                        report.progress(f"floor {dialect}: round {round_number + 1}/{rounds}, {case}, {server}: "
                                        f"{len(bodies)} POSTs from {clients} clients")
                        rate, cpu_us = _measure(bases[server], bodies, clients, statements)
                        measured.setdefault((case, server), []).append((rate, cpu_us))
        for case in TARGET_MULTIPLE:
            ours = statistics.median(rate for rate, _ in measured[(case, "LRS")])
            floor = statistics.median(rate for rate, _ in measured[(case, "floor")])
            ours_cpu = statistics.median(cpu for _, cpu in measured[(case, "LRS")])
            floor_cpu = statistics.median(cpu for _, cpu in measured[(case, "floor")])
            ratios = [f / o for (o, _), (f, _) in zip(measured[(case, "LRS")], measured[(case, "floor")])]
            multiple = floor / ours
            results.setdefault(dialect, {})[case] = {
                "lrs_rate": ours, "floor_rate": floor, "floor_multiple": multiple,
                "round_multiples": ratios, "lrs_cpu_us": ours_cpu, "floor_cpu_us": floor_cpu,
                "rounds": {server: measured[(case, server)] for server in bases}}
            target = TARGET_MULTIPLE[case]
            rows.append((dialect, case, f"{ours:,.0f}/s", f"{floor:,.0f}/s", f"{ours / floor:.0%}",
                         f"{multiple:.1f}× ({min(ratios):.1f}-{max(ratios):.1f})", f"≤ {target:.0f}×",
                         "met" if multiple <= target else "MISSED", f"{ours_cpu:,.0f} µs", f"{floor_cpu:,.0f} µs"))
    report.table(f"The LRS against the floor (bench/floor_app.py), {servers()} each, median of {rounds} "
                 f"rounds; batch-100 from {BATCH_CLIENTS} clients, single POST from {SINGLE_CLIENTS}",
                 ("dialect", "POST", "LRS", "floor", "LRS/floor", "floor/LRS (rounds)", "target", "",
                  "LRS CPU/stmt", "floor CPU/stmt"), rows)
    return results
