"""Every workload of `python -m bench` runs to its table (docs/performance.md names them), at the smallest
sizes its options allow, against SQLite: a workload that crashes is found here, not the next time somebody
measures (a shadowed name in 'floor', a part batch 'bulk' and 'forward' waited for forever, and a runner
thread 'steps' left polling a deleted database all reached main before this test). The figures of so
small a run mean nothing and are not checked."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.__main__ import WORKLOADS

ROOT = Path(__file__).resolve().parents[3]
TINY = ["--statements", "500", "--repeats", "3", "--batch-size", "10", "--batch-sizes", "10",
        "--ingest-batches", "3", "--single-requests", "10", "--floor-rounds", "1", "--bulk-statements", "1000",
        "--mix-seconds", "1", "--soak-seconds", "1", "--query-clients", "1", "--learners", "2", "--seconds", "1",
        "--commit-interval", "0.3", "--import", "--import-mb", "1", "--navigation", "--nav-learners", "2",
        "--activities", "30", "--nav-interval", "0.2", "--forward-backlog", "100", "--forward-live", "100",
        "--forward-ingest-rate", "200"]
# A few words of each workload's table title, in the order they are printed.
TITLES = {"validation": "validation", "ingest": "ingest", "single": "single", "ceiling": "storage ceiling",
          "floor": "against the floor", "queries": "latency", "mix": "mix", "bulk": "Ingest curve",
          "soak": "soak", "steps": "step", "scorm": "SCORM", "cmi5": "cmi5", "export": "xport",
          "aggregations": "ggregation", "forward": "forwarding"}


def test_every_workload_runs_to_its_table():
    assert set(TITLES) == set(WORKLOADS)  # a new workload is added here too
    # The servers as `python -m bench` starts them from a shell: none of the LRS_* settings the test session
    # made (tests/conftest.py turns the automation runner off, and 'forward' waits for it).
    environment = {key: value for key, value in os.environ.items() if not key.startswith("LRS_")}
    run = subprocess.run([sys.executable, "-m", "bench", *WORKLOADS, "--dialect", "sqlite", *TINY], cwd=ROOT,
                         env=environment, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[output.index("Traceback") - 200:][:3000]
    missing = [name for name, words in TITLES.items() if words.lower() not in run.stdout.lower()]
    assert not missing, (missing, run.stdout[-3000:])
