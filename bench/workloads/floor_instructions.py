"""Instructions per request of the LRS's statement POST and of the floor app, counted by callgrind.

A wall-clock rate on a shared machine moves with everyone else's load; an instruction count does not.
This runs the WSGI app in this process (no gunicorn, no HTTP: both apps would pay those alike) on a fresh
database, warms it up, then makes --count POSTs inside one `operator.call` (which nothing else calls),
the only part callgrind collects (`--toggle-collect=_operator_call`): start-up and warm-up are not counted. The
database server's own work (PostgreSQL) is not counted either.

    .venv/bin/python -m bench.workloads.floor_instructions --dialect sqlite --kind single
    .venv/bin/python -m bench.workloads.floor_instructions --dialect postgresql --kind batch --app floor

prints `instructions per request` and `per statement`. --no-valgrind runs the same requests without
callgrind and prints CPU time (time.process_time) per request instead."""
from __future__ import annotations

import argparse
import io
import operator
import os
import re
import subprocess
import sys
import tempfile
import time

import orjson

from bench.environment import auth_headers, create_credential, fresh_database
from bench.generator import StatementGenerator
from lrs.operations.garbage_collection import settle_long_lived_objects

BATCH = 100
WARM_UP = {"single": 100, "batch": 5}


def _environ(body: bytes, headers: dict) -> dict:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/xapi/statements", "SCRIPT_NAME": "", "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
               "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
               "wsgi.run_once": False, "wsgi.version": (1, 0),
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body))}
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def _bodies(kind: str, count: int, seed: int) -> list[bytes]:
    generator = StatementGenerator(seed=seed)
    if kind == "single":
        return [orjson.dumps(generator.statement()) for _ in range(count)]
    return [orjson.dumps(generator.batch(BATCH)) for _ in range(count)]


def _application(which: str, url: str):
    if which == "floor":
        from bench import floor_app
        floor_app.create_table(url)
        floor_app._URL = url
        return floor_app.app
    from lrs.app import create_app
    from lrs.settings import Settings
    create_credential(url)
    # Valgrind runs ~50x slower: without these the auth cache (30 s) and the credential re-check (1 s) would
    # expire between requests and add Argon2 checks and queries a real server amortises over thousands.
    return create_app(Settings(database_url=url, auth_cache_seconds=86_400, credential_recheck_seconds=86_400))


def measure(dialect: str, kind: str, which: str, count: int) -> float:
    """Runs the requests; returns CPU seconds of the measured part."""
    headers = auth_headers()
    with fresh_database(dialect) as url:
        app = _application(which, url)
        statuses = []

        def start_response(status, _headers, _exc_info=None):
            statuses.append(status)

        def call(body):
            for _chunk in app(_environ(body, headers), start_response):
                pass

        def call_all(bodies):
            for body in bodies:
                call(body)

        call_all(_bodies(kind, WARM_UP[kind], seed=7))
        measured = _bodies(kind, count, seed=11)
        settle_long_lived_objects()  # as lrs/wsgi.py does in a served worker
        started = time.process_time()
        operator.call(call_all, measured)
        seconds = time.process_time() - started
        bad = [status for status in statuses if not status.startswith("200")]
        if bad:
            raise SystemExit(f"{len(bad)} requests failed: {bad[:3]}")
    return seconds


def _under_callgrind(arguments) -> int:
    with tempfile.TemporaryDirectory(prefix="callgrind-") as folder:
        out = os.path.join(folder, "callgrind.out")
        command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=_operator_call",
                   f"--callgrind-out-file={out}", sys.executable, "-m", "bench.workloads.floor_instructions",
                   "--dialect", arguments.dialect, "--kind", arguments.kind, "--app", arguments.app,
                   "--count", str(arguments.count), "--no-valgrind"]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as handle:
            totals = re.search(r"^(?:summary|totals): (\d+)", handle.read(), re.MULTILINE)
        if arguments.keep:
            os.replace(out, arguments.keep)
    return int(totals.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dialect", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--kind", choices=("single", "batch"), default="single")
    parser.add_argument("--app", choices=("lrs", "floor"), default="lrs")
    parser.add_argument("--count", type=int, default=None, help="requests measured (default 100 single, 3 batch)")
    parser.add_argument("--no-valgrind", action="store_true", help="CPU time in this process instead")
    parser.add_argument("--keep", help="keep the callgrind output file here (for callgrind_annotate)")
    arguments = parser.parse_args()
    arguments.count = arguments.count or (100 if arguments.kind == "single" else 3)
    statements = arguments.count * (1 if arguments.kind == "single" else BATCH)
    label = f"{arguments.app} {arguments.dialect} {arguments.kind}"
    if arguments.no_valgrind:
        seconds = measure(arguments.dialect, arguments.kind, arguments.app, arguments.count)
        print(f"{label}: {seconds / arguments.count * 1e6:,.0f} µs CPU per request, "
              f"{seconds / statements * 1e6:,.1f} µs per statement")
        return
    instructions = _under_callgrind(arguments)
    print(f"{label}: {instructions / arguments.count:,.0f} instructions per request, "
          f"{instructions / statements:,.0f} per statement")


if __name__ == "__main__":
    main()
