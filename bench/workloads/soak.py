"""A bounded soak on loopback: --soak-seconds (default 1800) of mixed load (statement POSTs in batches
of 10 with every tenth request a GET, and a State PUT/GET loop), sampling the server's memory."""
from __future__ import annotations

import time
from pathlib import Path

from bench.environment import serving
from bench.mixed_load import MixedLoad

BATCH = 10


def _server_rss_kib(port: int) -> int:
    """Resident memory of every gunicorn process listening for this run (master and workers)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f"127.0.0.1:{port}".encode() not in status.read_bytes():
                continue
            for line in (status.parent / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run(arguments, report) -> dict:
    results = {}
    for dialect in arguments.dialects:
        with serving(dialect) as (_, base):
            port = int(base.rsplit(":", 1)[1])
            load = MixedLoad(base, arguments.soak_seconds, post_batch=BATCH)
            samples = []
            started = time.monotonic()
            interval = min(30.0, max(1.0, arguments.soak_seconds / 20))

            def sample() -> None:
                elapsed = time.monotonic() - started
                if samples and elapsed - samples[-1][0] < interval:
                    return
                samples.append((round(elapsed), _server_rss_kib(port), load.counts()))
                report.progress(f"soak {dialect}: {samples[-1][0]} s, server RSS "
                                f"{samples[-1][1] / 1024:.0f} MiB, {samples[-1][2]}")

            load.run(while_running=sample)
            samples.append((round(time.monotonic() - started), _server_rss_kib(port), load.counts()))
        results[dialect] = {"samples": samples, "errors": load.errors[:20]}
        rows = [(f"{seconds} s", f"{rss / 1024:.0f} MiB", f"{seen['post'] * BATCH:,}", f"{seen['get']:,}",
                 f"{seen['state']:,}", seen["errors"]) for seconds, rss, seen in samples]
        report.table(f"Soak, {dialect}, {arguments.soak_seconds} s, 4 statement clients + 1 State client",
                     ("time", "server RSS", "statements", "GETs", "State loops", "errors"), rows)
    return results
