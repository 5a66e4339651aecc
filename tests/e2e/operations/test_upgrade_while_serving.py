"""`lrs db upgrade` from the first migration to head while a server of that first version serves and
ingests: every statement it acknowledged, before, during and after the upgrade, is there when the
current server serves the upgraded database, once, with what was sent (issue 16: upgrades; the order is
in docs/operations.md). SQLite and PostgreSQL. The first version's code comes from this repository's
history (git archive), and runs on today's libraries."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import time

import pytest
import requests
from alembic.script import ScriptDirectory

from lrs.storage.migrate import alembic_config, current_revision
from tests.conftest import SERVER_SECRET, _free_port, run_server, skip_group
from tests.e2e.operations.helpers import (ROOT, BatchIngest, basic_headers, lrs_command, stored_statements,
                                          throwaway_postgres_database)

pytestmark = pytest.mark.e2e
SECOND_MIGRATION = "lrs/storage/migrations/versions/0002_attachments.py"


def _first_version(into) -> str:
    """The code of the last commit whose schema ended at 0001, unpacked under `into`."""
    try:
        added = subprocess.run(["git", "log", "--format=%H", "--diff-filter=A", "--", SECOND_MIGRATION], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        archive = subprocess.run(["git", "archive", "--format=tar", f"{added[-1]}^", "lrs"], cwd=ROOT,
                                 capture_output=True, check=True).stdout
    except (subprocess.CalledProcessError, IndexError, FileNotFoundError) as error:
        skip_group("Upgrade from the first migration", f"the repository's history is not here: {error}")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return str(into)


class FirstVersionServer:
    def __init__(self, code: str, database_url: str):
        self.code, self.database_url = code, database_url
        self.environment = {**os.environ, "PYTHONPATH": code, "LRS_DATABASE_URL": database_url,
                            "LRS_SECRET_KEY": SERVER_SECRET}

    def command(self, *arguments: str) -> str:
        return subprocess.run([sys.executable, "-m", "lrs.cli", *arguments], cwd=self.code, env=self.environment,
                              capture_output=True, text=True, check=True, timeout=300).stdout

    def __enter__(self) -> str:
        port = _free_port()
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                                         "--log-level", "warning", "lrs.wsgi:app"], cwd=self.code, env=self.environment)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/xapi/about", timeout=1).status_code == 200:
                    return base
            except requests.RequestException:
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("the first version's server did not start")

    def __exit__(self, *_exception) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
        return
    request.applymarker(pytest.mark.postgres)
    with throwaway_postgres_database("upgrade") as url:
        yield url


def _wait_for(count: int, ingest: BatchIngest) -> None:
    deadline = time.monotonic() + 120
    while ingest.acknowledged_count() < count:
        assert not ingest.failures, ingest.failures
        assert time.monotonic() < deadline, f"ingest never reached {count} batches"
        time.sleep(0.05)


def test_upgrading_from_the_first_migration_while_its_server_ingests_loses_nothing(database_url, tmp_path):
    first = FirstVersionServer(_first_version(tmp_path / "first"), database_url)
    first.command("db", "upgrade")
    assert current_revision(database_url) == "0001"
    key, secret = "upgrade-client", "upgrade-secret-" + SERVER_SECRET[:20]
    first.command("credentials", "create", "--name", "upgrade test", "--key", key, "--secret", secret)

    with first as first_base:
        ingest = BatchIngest(first_base, basic_headers(key, secret), threads=2, batch_size=10).start()
        try:
            _wait_for(5, ingest)  # data written at revision 0001
            before_upgrade = ingest.acknowledged_count()
            upgraded = lrs_command("db", "upgrade", "--database-url", database_url)
            during_upgrade = ingest.acknowledged_count() - before_upgrade
            _wait_for(ingest.acknowledged_count() + 5, ingest)  # the first version goes on after the upgrade
        finally:
            ingest.stop()
    assert not ingest.failures, ingest.failures
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert "database at revision" in upgraded.stderr and current_revision(database_url) == head != "0001"

    server = run_server(database_url)
    try:
        next(server)
        stored = stored_statements(database_url, key, secret)
    finally:
        next(server, None)
    acknowledged = {each["id"]: each for batch in ingest.acknowledged for each in batch}
    sent = {each["id"] for batch in ingest.sent for each in batch}
    assert not set(acknowledged) - set(stored), "acknowledged statements are missing after the upgrade"
    assert set(stored) <= sent
    for statement_id, given in acknowledged.items():
        for field in ("actor", "verb", "object", "result"):
            assert stored[statement_id][field] == given[field], (statement_id, field)
    assert during_upgrade > 0  # the first version's server went on storing while the upgrade ran
