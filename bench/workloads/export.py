"""Statement exports of a --statements store (run it with --statements 1000000): `lrs export` to JSON Lines
and to CSV, each in its own process, its rate (wall and per CPU second) and its peak RSS (the streaming rate is the progress line's, without start-up), at a tenth of
the store and at all of it (constant memory: the two peaks match); and the HTTP export through gunicorn
read by a streaming client, with the server workers' peak RSS. Target: ≥ 50,000 statements/s."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.environment import running_server
from bench.workloads.analytics_store import STORE, loaded_database

TARGET_RATE = 50_000


def _cli_export(url: str, output_format: str, limit: int) -> dict:
    command = [str(Path(sys.executable).with_name("lrs")), "export", "--database-url", url, "--store", STORE,
               "--voided", "include", "--format", output_format, "--limit", str(limit), "--output", os.devnull]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode()
    process.stderr.close()
    if status != 0:
        raise RuntimeError(f"lrs export failed: {stderr[-2000:]}")
    # The last progress line: "export: 1,000,000/1,000,000 statements, 61,234/s, in 0:16". Its rate is the
    # streaming alone, from the first page read to the last line written (no start-up, no count).
    last = stderr.strip().splitlines()[-1]
    exported = int(last.split(":")[1].split("/")[0].strip().replace(",", ""))
    streaming_rate = float(last.split(", ")[1].removesuffix("/s").replace(",", ""))
    cpu = usage.ru_utime + usage.ru_stime
    return {"format": output_format, "statements": exported, "wall_seconds": wall, "cpu_seconds": cpu,
            "rate": streaming_rate, "process_rate": exported / wall, "rate_per_cpu_second": exported / cpu,
            "peak_rss_mib": usage.ru_maxrss / 1024}


def _worker_peaks(base: str) -> list[int]:
    from bench.environment import _server_processes
    peaks = []
    for pid, _fields in _server_processes(base):
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]))
        except OSError:
            pass
    return peaks


def _http_export(url: str, output_format: str) -> dict:
    import base64
    headers = {"Authorization": "Basic " + base64.b64encode(
        b"bench-analytics:bench-analytics-secret-31").decode()}
    # gunicorn's sync workers are killed after --timeout (30 s) without a word to the arbiter, and a
    # long stream is that: the server runs with a longer one, as docs/analytics.md tells operators to.
    os.environ["GUNICORN_CMD_ARGS"] = "--timeout 3600"
    with running_server(url, workers=1) as base:
        before = _worker_peaks(base)
        started, received, lines = time.perf_counter(), 0, 0
        with requests.get(f"{base}/api/v1/exports/statements", params={"output": output_format, "voided": "include"},
                          headers=headers, stream=True, timeout=3600) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=1 << 20):
                received += len(chunk)
                lines += chunk.count(b"\n")
        wall = time.perf_counter() - started
        after = _worker_peaks(base)
    statements = lines - (1 if output_format == "csv" else 0)
    return {"format": output_format, "statements": statements, "wall_seconds": wall, "rate": statements / wall,
            "bytes": received, "worker_peak_rss_mib_before": max(before) / 1024,
            "worker_peak_rss_mib_after": max(after) / 1024}


def run(arguments, report) -> dict:
    results, rows = {}, []
    for dialect in arguments.dialects:
        url, facts = loaded_database(dialect, arguments.statements, report)
        total = facts["statements"]
        runs = []
        for output_format in ("jsonl", "csv"):
            for limit in (max(total // 10, 1), 0):
                report.progress(f"export {dialect} {output_format} limit={limit or 'all'}")
                runs.append(_cli_export(url, output_format, limit))
        http = []
        for output_format in ("jsonl", "csv"):
            report.progress(f"export {dialect} {output_format} through HTTP")
            http.append(_http_export(url, output_format))
        results[dialect] = {"load": facts, "cli": runs, "http": http}
        for run_facts in runs:
            rows.append((dialect, "lrs export", run_facts["format"], f"{run_facts['statements']:,}",
                         f"{run_facts['rate']:,.0f}/s ({run_facts['process_rate']:,.0f}/s with start-up)",
                         f"{run_facts['rate_per_cpu_second']:,.0f}/s",
                         f"{run_facts['peak_rss_mib']:,.0f} MiB",
                         "met" if run_facts["rate"] >= TARGET_RATE else "MISSED"))
        for run_facts in http:
            rows.append((dialect, "HTTP", run_facts["format"], f"{run_facts['statements']:,}",
                         f"{run_facts['rate']:,.0f}/s", "",
                         f"{run_facts['worker_peak_rss_mib_before']:,.0f} -> "
                         f"{run_facts['worker_peak_rss_mib_after']:,.0f} MiB",
                         "met" if run_facts["rate"] >= TARGET_RATE else "MISSED"))
    report.table(f"Statement export (target ≥ {TARGET_RATE:,} statements/s in constant memory)",
                 ("dialect", "through", "format", "statements", "rate (wall)", "rate (per CPU s)", "peak RSS", ""),
                 rows)
    return results
