"""python -m bench [workload ...]: measures the LRS and prints a table per workload.

Workloads: validation (µs per statement), ingest (HTTP batches), queries (GET latency per filter on a
store of --statements statements). Results are also written as JSON under bench/results/.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

from bench.environment import database_version, fresh_database, machine
from bench.workloads import ingest, queries, validation

WORKLOADS = {"validation": validation, "ingest": ingest, "queries": queries}
RESULTS = Path(__file__).with_name("results")


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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("workloads", nargs="*", metavar="workload",
                        help=f"one or more of {', '.join(WORKLOADS)} (default: all)")
    parser.add_argument("--dialect", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--statements", type=int, default=100_000, help="store size for 'queries'")
    parser.add_argument("--repeats", type=int, default=200, help="requests per query case")
    parser.add_argument("--batch-size", type=int, default=100, help="statements per POST for 'ingest'")
    parser.add_argument("--ingest-batches", type=int, default=300, help="POSTs per dialect for 'ingest'")
    arguments = parser.parse_args(argv)
    unknown = set(arguments.workloads) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload {sorted(unknown)[0]!r}; choose from {', '.join(WORKLOADS)}")
    arguments.dialects = ["sqlite", "postgresql"] if arguments.dialect == "both" else [arguments.dialect]
    chosen = arguments.workloads or list(WORKLOADS)
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
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    report.progress(f"results written to {path}")


if __name__ == "__main__":
    main()
