"""Stop the shared PostgreSQL under a running server: GET /health/ready answers 503 naming the database
within its timeout, and 200 again once PostgreSQL is started (issue 16: health). Marked `serial`, like
test_postgres_restart.py whose machinery it uses: it stops the database every other test uses, so it
runs alone and refuses to run beside other sessions."""
from __future__ import annotations

import subprocess
import time

import pytest
import requests

from lrs.storage.migrate import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, postgres_to_myself, run_server
from tests.reliability.test_postgres_restart import _restart_command

pytestmark = [pytest.mark.e2e, pytest.mark.serial]


def test_readiness_is_503_while_postgresql_is_stopped_and_200_when_it_returns(postgresql_database_url):
    restart = _restart_command(POSTGRES_ADMIN_URL)  # pg_ctlcluster ... <version> <name> restart
    stop, start = restart[:-1] + ["stop"], restart[:-1] + ["start"]
    with postgres_to_myself():
        upgrade(postgresql_database_url)
        server = run_server(postgresql_database_url, workers=1, ready_timeout_seconds="2", db_wait_seconds="2")
        base = next(server)
        try:
            assert requests.get(f"{base}/health/ready", timeout=30).status_code == 200
            try:
                subprocess.run(stop, check=True, capture_output=True, timeout=120)
                down = requests.get(f"{base}/health/ready", timeout=30)
                live = requests.get(f"{base}/health/live", timeout=30)
            finally:
                subprocess.run(start, check=True, capture_output=True, timeout=120)
            assert down.status_code == 503 and down.json()["status"] == "down"
            assert down.json()["checks"]["database"] in ("unreachable", "timeout")
            assert live.status_code == 200
            deadline = time.monotonic() + 60
            while (back := requests.get(f"{base}/health/ready", timeout=30)).status_code != 200 \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
            assert back.json() == {"status": "up", "checks": {"database": "up"}}
        finally:
            next(server, None)
