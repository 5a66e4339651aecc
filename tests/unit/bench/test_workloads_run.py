"""Every workload of `python -m bench` runs to its table (docs/performance.md names them), at the smallest
sizes its options allow, against SQLite: a workload that crashes is found here, not the next time somebody
measures (a shadowed name in 'floor', a part batch 'bulk' and 'forward' waited for, and a runner thread
'steps' left polling a deleted database all reached main before this test). The figures of so small a run
mean nothing and are not checked.

Serial: for about a minute it starts some fifteen servers one after the other, and keeps both cores busy."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.__main__ import WORKLOADS

pytestmark = pytest.mark.serial

ROOT = Path(__file__).resolve().parents[3]
TINY = ["--statements", "500", "--repeats", "3", "--batch-size", "10", "--batch-sizes", "10",
        "--ingest-batches", "3", "--single-requests", "10", "--floor-rounds", "1", "--bulk-statements", "1000",
        "--mix-seconds", "1", "--soak-seconds", "1", "--query-clients", "1", "--learners", "2", "--seconds", "1",
        "--commit-interval", "0.3", "--import", "--import-mb", "1", "--navigation", "--nav-learners", "2",
        "--activities", "30", "--nav-interval", "0.2", "--forward-backlog", "100", "--forward-live", "100",
        "--forward-ingest-rate", "200", "--rollup-backlog", "1000", "--rollup-rounds", "1"]
# The start of each workload's (first) table title, which no other workload's table shares.
TITLES = {"validation": "validation (one core)", "ingest": "HTTP ingest on an empty store",
          "single": "Single-statement POST", "ceiling": "HTTP ingest as a fraction of the storage ceiling",
          "floor": "The LRS against the floor", "queries": "GET limit=100 latency",
          "mix": "90/10 POST/GET mix", "bulk": "Ingest curve", "soak": "Soak, sqlite",
          "steps": "CPU per statement of a batch-100 POST", "scorm": "SCORM learners over HTTP",
          "cmi5": "cmi5 AU sessions over HTTP", "export": "Statement export", "aggregations": "Aggregations, one",
          "forward": "Statement forwarding", "ingest-rollup": "Ingest (batches of"}


def _run_bench(results: Path) -> subprocess.CompletedProcess:
    # The servers as `python -m bench` starts them from a shell: none of the LRS_* settings the test session
    # made (tests/conftest.py turns the automation runner off, and 'forward' waits for it). The analytics
    # store is loaded afresh and dropped (not kept under var/bench), and the results JSON goes to `results`.
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LRS_")}
    environment.update(BENCH_STORES_KEPT="0", BENCH_RESULTS_DIR=str(results))
    # Its own process group: should it hang, its servers and their runner processes go with it.
    process = subprocess.Popen([sys.executable, "-m", "bench", *WORKLOADS, "--dialect", "sqlite", *TINY],
                               cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_every_workload_runs_to_its_table(tmp_path):
    assert set(TITLES) == set(WORKLOADS)  # a new workload is added here too
    run = _run_bench(tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[max(0, output.index("Traceback") - 200):][:3000]
    missing = [name for name, title in TITLES.items() if f"\n{title}" not in "\n" + run.stdout]
    assert not missing, (missing, run.stdout[-3000:])
    assert len(list(tmp_path.glob("bench-*.json"))) == 1  # the results, and only there
