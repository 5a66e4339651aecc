"""python -m bench [workload ...]: measures the LRS and prints a table per workload.

Workloads: validation (µs per statement), ingest (HTTP batches), single (one statement per POST),
ceiling (HTTP ingest against the driver alone), floor (the LRS beside a minimal WSGI app that only
parses and inserts, bench/floor_app.py), steps (CPU per statement of each step of a batch POST,
in-process; --profile adds a cProfile), queries (GET latency per filter on a store of
--statements statements), mix (90/10 POST/GET with a State loop); bulk (a 1M-statement load) and soak
(30 minutes) run only when named, and so do scorm (simulated SCORM learners committing through the
player API; --import and --navigation add their figures) and cmi5 (AU sessions under every session rule); so
do the analytics ones: export, aggregations and ingest-rollup (ingest beside the aggregation rollup's
counting). Results are also written as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import orjson

from bench import environment
from bench.environment import database_version, fresh_database, machine
from bench.workloads import bulk, ceiling, cmi5, floor, ingest, mix, queries, scorm, single, soak, steps, validation
from bench.workloads import aggregations, export
from bench.workloads import forward, rollup_ingest

# `make bench` runs the quick ones; bulk (1M statements) and soak (30 min) are asked for by name.
WORKLOADS = {"validation": validation, "ingest": ingest, "single": single, "ceiling": ceiling,
             "floor": floor, "queries": queries, "mix": mix, "bulk": bulk, "soak": soak,
             "steps": steps, "scorm": scorm, "cmi5": cmi5}
WORKLOADS.update({"export": export, "aggregations": aggregations,  # analytics (issue 14), asked for by name
                  "ingest-rollup": rollup_ingest})
WORKLOADS["forward"] = forward  # statement forwarding (issue 15), asked for by name
DEFAULT = ("validation", "ingest", "single", "ceiling", "floor", "queries", "mix")
# BENCH_RESULTS_DIR: where the JSON goes instead (the smoke test in tests/unit/bench keeps its tiny runs out).
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).with_name("results"))


class Report:
    def progress(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def table(self, title: str, header: tuple, rows: list[tuple]) -> None:
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
        print(f"\n{title}")
        print("  ".join(str(cell).ljust(width) for cell, width in zip(header, widths)))
        print("  ".join("-" * width for width in widths))
        for row in rows:
            print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
        sys.stdout.flush()


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", metavar="workload",
                        help=f"one or more of {', '.join(WORKLOADS)} (default: {', '.join(DEFAULT)})")
    parser.add_argument("--dialect", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync",
                        help="gunicorn's worker class for the servers under test (gthread: 4 threads each, as "
                             "`make run` serves; sync: as behind a buffering proxy, docs/operations.md)")
    parser.add_argument("--workers", type=_positive, default=2,
                        help="gunicorn worker processes of the servers under test (default 2, one per core here)")
    parser.add_argument("--statements", type=int, default=100_000, help="store size for 'queries' (at least 500)")
    parser.add_argument("--repeats", type=int, default=200, help="requests per query case")
    parser.add_argument("--batch-size", type=int, default=100, help="statements per POST for 'ceiling'")
    parser.add_argument("--batch-sizes", default="10,100,1000",
                        help="comma-separated statements per POST for 'ingest'")
    parser.add_argument("--ingest-batches", type=int, default=300,
                        help="POSTs of --batch-size statements for 'ingest' and 'ceiling', of 100 for 'floor'")
    parser.add_argument("--single-requests", type=int, default=2000,
                        help="POSTs per client count for 'single', per round for 'floor'")
    parser.add_argument("--floor-rounds", type=int, default=3,
                        help="rounds of 'floor', each server taking turns on the same statements")
    parser.add_argument("--profile", action="store_true", help="'steps' also writes and prints a cProfile")
    parser.add_argument("--bulk-statements", type=int, default=1_000_000,
                        help="store size 'bulk' loads (in whole batches of 1,000)")
    parser.add_argument("--mix-seconds", type=int, default=60, help="how long 'mix' runs")
    parser.add_argument("--soak-seconds", type=int, default=1800, help="how long 'soak' runs")
    parser.add_argument("--query-clients", default="1,8",
                        help="comma-separated concurrent client counts for 'queries'")
    courses = parser.add_argument_group("scorm and cmi5")
    courses.add_argument("--learners", type=int, default=200,
                         help="concurrent SCORM learners for 'scorm', concurrent AU sessions for 'cmi5'")
    courses.add_argument("--seconds", type=float, default=30, help="how long learners commit / AU sessions run")
    courses.add_argument("--commit-interval", type=float, default=0.2,
                         help="seconds between one learner's commits (the player's default is 30)")
    courses.add_argument("--suspend-bytes", type=int, default=4096, help="suspend_data characters per commit")
    courses.add_argument("--import", dest="scorm_import", action="store_true",
                         help="'scorm' also imports a generated --import-mb MB package")
    courses.add_argument("--import-mb", type=int, default=200, help="size of the --import package")
    courses.add_argument("--navigation", action="store_true",
                         help="'scorm' also sends continue requests through a --activities 2004 tree")
    courses.add_argument("--nav-learners", type=int, default=100, help="concurrent learners for --navigation")
    courses.add_argument("--activities", type=int, default=500, help="leaf activities of the --navigation tree")
    courses.add_argument("--nav-interval", type=float, default=5.0,
                         help="mean seconds a --navigation learner spends in a SCO before its next continue "
                              "(drawn from 0.5-1.5x; 0 = back to back, the saturation figure)")
    courses.add_argument("--progressed", type=int, default=5, help="progressed statements per AU session")
    rollup = parser.add_argument_group("ingest-rollup")
    rollup.add_argument("--rollup-backlog", type=_positive, default=200_000,
                        help="statements with past stored times the counter counts over and over")
    rollup.add_argument("--rollup-rounds", type=_positive, default=3,
                        help="pairs of rounds (ingest alone, ingest with the counter), each of --ingest-batches "
                             "POSTs of 100")
    forwarding = parser.add_argument_group("forward")
    forwarding.add_argument("--forward-backlog", type=int, default=20_000,
                            help="statements stored while the subscription is paused (and as many during "
                                 "catch-up); whole batches of 100")
    forwarding.add_argument("--forward-live", type=int, default=5_000,
                            help="statements of the live (delay) phase; whole batches of 100")
    forwarding.add_argument("--forward-ingest-rate", type=float, default=forward.INGEST_RATE,
                            help="statements/s the clients offer during the catch-up (0: as fast as they can)")
    arguments = parser.parse_args(argv)
    unknown = set(arguments.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload {sorted(unknown)[0]!r}; choose from {', '.join(WORKLOADS)}")
    arguments.dialects = ["sqlite", "postgresql"] if arguments.dialect == "both" else [arguments.dialect]
    arguments.query_clients = [int(count) for count in arguments.query_clients.split(",") if count.strip()]
    arguments.batch_sizes = [int(size) for size in arguments.batch_sizes.split(",") if size.strip()]
    chosen = arguments.workloads or list(DEFAULT)
    if "queries" in chosen and arguments.statements < 500:  # it reads 5 pages of limit=100
        parser.error("queries needs --statements of at least 500")
    environment.WORKER_CLASS, environment.WORKERS = arguments.worker_class, arguments.workers
    report = Report()
    facts = machine()
    for dialect in arguments.dialects:
        with fresh_database(dialect) as url:
            facts[f"{dialect}_version"] = database_version(url)
    print("machine: " + ", ".join(f"{key}={value}" for key, value in facts.items()))
    results = {"machine": facts, "arguments": {k: v for k, v in vars(arguments).items()}}
    for name in chosen:
        report.progress(f"running {name}")
        results[name] = WORKLOADS[name].run(arguments, report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS))
    report.progress(f"results written to {path}")


if __name__ == "__main__":
    main()
