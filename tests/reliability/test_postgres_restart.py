"""Restart PostgreSQL in the middle of a batch ingest whose client retries unacknowledged batches:
the server answers 503 while the database is down, recovers by itself, and afterwards every
acknowledged statement is stored exactly once (issue 5). Marked `serial`: `make test` runs it alone,
after the parallel suite, because it stops the database every other test uses; the test itself also
refuses to run beside other xdist workers or while another test session holds PostgreSQL."""
from __future__ import annotations

import base64
import shutil
import subprocess
import threading
import time

import pytest
from sqlalchemy.engine import make_url

from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import POSTGRES_ADMIN_URL, XapiClient, postgres_to_myself, run_server, skip_group
from tests.factories import agent, issue_credential, new_id, statement
from tests.reliability.retrying_client import RetryingIngest

pytestmark = [pytest.mark.e2e, pytest.mark.serial]
BATCHES, BATCH_SIZE = 30, 50


LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def _restart_command(admin_url: str) -> list[str]:
    """pg_ctlcluster for the local cluster LRS_TEST_POSTGRES_URL names; skips (fails under CI) for any
    other server, which this test cannot restart."""
    url = make_url(admin_url)
    host, port = url.host or "", url.port or 5432
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        skip_group("PostgreSQL restart", f"LRS_TEST_POSTGRES_URL names {host}:{port}, not a local cluster")
    if shutil.which("pg_lsclusters") is None or shutil.which("pg_ctlcluster") is None:
        skip_group("PostgreSQL restart", "pg_lsclusters/pg_ctlcluster are not installed")
    clusters = [line.split() for line in subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True,
                                                         text=True, check=True).stdout.splitlines()]
    online = [cluster for cluster in clusters if len(cluster) > 3 and cluster[2] == str(port)
              and cluster[3] == "online"]
    if not online:
        skip_group("PostgreSQL restart", f"no local cluster online on port {port} (LRS_TEST_POSTGRES_URL)")
    version, name = online[0][0], online[0][1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"]


def test_a_postgres_restart_mid_ingest_loses_nothing_acknowledged(postgresql_database_url):
    restart = _restart_command(POSTGRES_ADMIN_URL)
    with postgres_to_myself():
        _restart_mid_ingest(postgresql_database_url, restart)


def _restart_mid_ingest(postgresql_database_url: str, restart: list[str]) -> None:
    url = postgresql_database_url
    upgrade(url)
    services = build_services(Settings(database_url=url))
    issued = issue_credential(services, "restart")
    services.close()
    token = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    batches = [[statement(statement_id=new_id(), actor=agent(f"learner{i % 5}")) for i in range(BATCH_SIZE)]
               for _ in range(BATCHES)]
    server = run_server(url, db_wait_seconds="2")
    base = next(server)
    ingest = RetryingIngest(lambda: base, headers, batches)

    client = threading.Thread(target=ingest.run)
    try:
        client.start()
        while len(ingest.acknowledged) < BATCHES // 3 and client.is_alive():
            time.sleep(0.01)
        subprocess.run(restart, check=True, capture_output=True, timeout=120)
        client.join(timeout=300)
    finally:
        next(server, None)
    assert not ingest.failures and ingest.acknowledged == list(range(BATCHES))  # 503s only, never a 500
    assert ingest.busy >= 1  # the server answered 503 while the database restarted under the client

    from lrs.app import create_app
    reader_app = create_app(Settings(database_url=url))
    try:
        reader = XapiClient(reader_app.test_client(), issued.key, issued.secret)
        ids = reader.all_statement_ids(limit="0")
    finally:
        reader_app.extensions["lrs"].close()
    assert len(ids) == len(set(ids)) == BATCHES * BATCH_SIZE
