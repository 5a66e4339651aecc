"""The test suite's own machinery: the skipped-groups banner, the `postgres` marker, and the guards
that keep the PostgreSQL restart test away from other tests and from servers it cannot restart."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tests.conftest as suite
from tests.reliability.test_postgres_restart import _restart_command

ROOT = Path(__file__).resolve().parents[2]


def _pytest(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments], cwd=ROOT,
                          env={**os.environ, "CI": "", **environment}, capture_output=True, text=True, timeout=300)


def test_the_skipped_groups_banner_shows_under_xdist():
    # Workers skip the PostgreSQL half; the controller must still print the banner.
    run = _pytest("-q", "-n", "2", "tests/api/test_statement_encoding.py", "-k", "utf8",
                  LRS_TEST_POSTGRES_URL="")
    assert run.returncode == 0, run.stdout[-2000:]
    assert "SKIPPED TEST GROUPS" in run.stdout, run.stdout[-2000:]
    assert "!!! PostgreSQL: LRS_TEST_POSTGRES_URL is not set" in run.stdout


def test_the_postgres_marker_selects_exactly_the_postgresql_tests():
    # The restart test takes postgresql_database_url itself, unparametrised: the marker must find it too.
    selected = _pytest("--collect-only", "-q", "-m", "postgres", "tests/api/test_statement_encoding.py",
                       "tests/reliability/test_postgres_restart.py")
    ids = [line for line in selected.stdout.splitlines() if "::" in line]
    assert ids and all("[postgresql" in test or "postgres" in test.split("::")[1] for test in ids), ids
    assert any("test_a_postgres_restart_mid_ingest_loses_nothing_acknowledged" in test for test in ids)
    others = _pytest("--collect-only", "-q", "-m", "not postgres", "tests/api/test_statement_encoding.py")
    assert not [line for line in others.stdout.splitlines() if "[postgresql" in line]


def test_the_restart_test_refuses_a_server_that_is_not_a_local_cluster(monkeypatch):
    monkeypatch.setattr(suite, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="db.example.com:5433, not a local cluster"):
        _restart_command("postgresql://postgres@db.example.com:5433/postgres")
    with pytest.raises(pytest.skip.Exception, match="port 5499|not installed"):
        _restart_command("postgresql://postgres@127.0.0.1:5499/postgres")


def test_the_restart_test_fails_under_ci_when_it_cannot_run(monkeypatch):
    monkeypatch.setattr(suite, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        _restart_command("postgresql://postgres@db.example.com/postgres")


def test_postgres_to_myself_refuses_to_run_beside_other_xdist_workers(monkeypatch):
    monkeypatch.setattr(suite, "IN_CI", False)
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "2")
    with pytest.raises(pytest.skip.Exception, match="runs only alone"):
        with suite.postgres_to_myself():
            pytest.fail("ran beside another worker")


def test_postgres_to_myself_waits_for_other_sessions_then_refuses(monkeypatch):
    monkeypatch.setattr(suite, "IN_CI", False)
    monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
    # Another pytest session using PostgreSQL holds the shared lock.
    other = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, sys, time\n"
        f"lock = open({str(suite._POSTGRES_LOCK)!r}, 'a+')\n"
        "fcntl.flock(lock, fcntl.LOCK_SH)\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(pytest.skip.Exception, match="other test sessions use PostgreSQL"):
            with suite.postgres_to_myself(wait_seconds=0.5):
                pytest.fail("restarted PostgreSQL under another session")
    finally:
        other.kill()
        other.wait(timeout=10)
