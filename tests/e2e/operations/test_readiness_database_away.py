"""GET /health/ready of a real server whose PostgreSQL connection runs through a proxy this test controls:
503 naming the database while the database is unreachable (connections dropped and refused) or silent (a
dead network: the probe's timeout ends the wait), 200 again once it is back (issue 16: health). The
shared PostgreSQL itself is never stopped; tests/reliability/test_readiness_postgres_stop.py does that,
marked serial."""
from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy.engine import make_url

from lrs.storage.migrate import upgrade
from tests.conftest import run_server
from tests.e2e.operations.helpers import throwaway_postgres_database
from tests.e2e.operations.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
# The server below waits 1 s for a probe (LRS_READY_TIMEOUT_SECONDS); the rest is slack for a loaded machine.
# A probe that waited on the dead network itself (the TCP timeout, minutes) would take far longer.
WITHIN = 10


def _ready(base: str) -> requests.Response:
    return requests.get(f"{base}/health/ready", timeout=30)


def _until_ready(base: str, seconds: float = 60) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = _ready(base)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_readiness_follows_the_database_going_away_and_coming_back():
    with throwaway_postgres_database("ready") as url:
        upgrade(url)
        direct = make_url(url)
        proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 5432)
        through_proxy = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        # One worker, so every probe below is that worker's; short waits, so a refused database is seen fast.
        server = run_server(through_proxy, workers=1, ready_timeout_seconds="1", db_wait_seconds="2")
        base = next(server)
        try:
            assert _ready(base).json() == {"status": "up", "checks": {"database": "up"}}

            proxy.cut()
            refused = _ready(base)
            assert refused.status_code == 503
            assert refused.elapsed.total_seconds() < WITHIN, refused.elapsed  # bounded by the timeout, not a hang
            assert refused.json() == {"status": "down", "checks": {"database": "unreachable"}}
            assert requests.get(f"{base}/health/live", timeout=30).status_code == 200  # the process still serves

            proxy.restore()
            assert _until_ready(base).json() == {"status": "up", "checks": {"database": "up"}}

            proxy.freeze()
            silent = _ready(base)
            assert silent.status_code == 503
            assert silent.elapsed.total_seconds() < WITHIN, silent.elapsed  # the probe's 1 s timeout ends the wait
            assert silent.json() == {"status": "down", "checks": {"database": "timeout"}}
            # The probe still out is waited for again, not joined by a second one.
            assert _ready(base).json()["checks"] == {"database": "timeout"}

            proxy.restore()
            assert _until_ready(base).status_code == 200
        finally:
            next(server, None)
            proxy.close()
