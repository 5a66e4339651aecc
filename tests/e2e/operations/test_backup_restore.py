"""`lrs backup` while threads ingest batches, then `lrs restore` into a fresh database: the restored
store holds every statement acknowledged before the backup began, with the bodies the LRS returned for
them, perhaps later ones, and never part of a batch (issue 16: backup and restore). SQLite and PostgreSQL."""
from __future__ import annotations

import time

import pytest

from lrs.services.container import build_services
from lrs.settings import Settings
from tests.conftest import run_server
from tests.e2e.operations.helpers import (BatchIngest, basic_headers, lrs_command, stored_statements,
                                          throwaway_postgres_database)
from tests.factories import issue_credential

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite", "postgresql"])
def live_and_restored_urls(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}", f"sqlite:///{tmp_path / 'restored' / 'lrs.sqlite3'}"
        return
    request.applymarker(pytest.mark.postgres)
    with throwaway_postgres_database("live") as live, throwaway_postgres_database("restored") as restored:
        yield live, restored


def _wait_for(condition, ingest: BatchIngest, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert not ingest.failures, ingest.failures
        assert time.monotonic() < deadline, f"ingest never reached {what}"
        time.sleep(0.05)


def test_backup_during_ingest_restores_every_acknowledged_statement_and_only_whole_batches(
        live_and_restored_urls, tmp_path):
    live_url, restored_url = live_and_restored_urls
    lrs_command("db", "upgrade", "--database-url", live_url)
    services = build_services(Settings(database_url=live_url))
    issued = issue_credential(services, "backup test")
    services.close()
    backup_file = tmp_path / "lrs.backup"

    server = run_server(live_url)
    ingest = BatchIngest(next(server), basic_headers(issued.key, issued.secret)).start()
    try:
        _wait_for(lambda: ingest.acknowledged_count() >= 10, ingest, "10 batches")
        acknowledged_before_backup = ingest.snapshot()
        lrs_command("backup", "--database-url", live_url, str(backup_file))
        after_backup = ingest.acknowledged_count()
        _wait_for(lambda: ingest.acknowledged_count() >= after_backup + 3, ingest, "3 batches after the backup")
    finally:
        ingest.stop()
        next(server, None)
    assert not ingest.failures, ingest.failures

    restored_output = lrs_command("restore", "--database-url", restored_url, str(backup_file))
    assert "restored" in restored_output.stdout
    original = stored_statements(live_url, issued.key, issued.secret)
    restored = stored_statements(restored_url, issued.key, issued.secret)

    sent = {each["id"]: each for batch in ingest.sent for each in batch}
    missing = [each["id"] for batch in acknowledged_before_backup for each in batch if each["id"] not in restored]
    assert not missing, f"{len(missing)} statements acknowledged before the backup began are not restored"
    split = [batch[0]["id"] for batch in ingest.sent if len({each["id"] in restored for each in batch}) != 1]
    assert not split, f"batches restored in part: {split}"
    assert set(restored) <= set(sent)
    assert len(restored) < len(original)  # the batches acknowledged after the backup are not in it
    for statement_id, body in restored.items():
        assert body == original[statement_id]
        assert body["actor"] == sent[statement_id]["actor"] and body["result"] == sent[statement_id]["result"]


def test_restore_refuses_a_database_that_is_not_empty(live_and_restored_urls, tmp_path):
    live_url, restored_url = live_and_restored_urls
    lrs_command("db", "upgrade", "--database-url", live_url)
    lrs_command("db", "upgrade", "--database-url", restored_url)
    backup_file = tmp_path / "lrs.backup"
    lrs_command("backup", "--database-url", live_url, str(backup_file))

    refused = lrs_command("restore", "--database-url", restored_url, str(backup_file), check=False)
    assert refused.returncode != 0 and "not empty" in refused.stderr


def test_backup_never_overwrites_a_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    lrs_command("db", "upgrade", "--database-url", url)
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"an earlier backup")

    refused = lrs_command("backup", "--database-url", url, str(existing), check=False)
    assert refused.returncode != 0 and "exists" in refused.stderr
    assert existing.read_bytes() == b"an earlier backup"


def test_a_backup_of_one_dialect_is_not_restored_into_the_other(tmp_path):
    url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    lrs_command("db", "upgrade", "--database-url", url)
    backup_file = tmp_path / "lrs.backup"
    lrs_command("backup", "--database-url", url, str(backup_file))
    with throwaway_postgres_database("cross") as postgres_url:
        refused = lrs_command("restore", "--database-url", postgres_url, str(backup_file), check=False)
    assert refused.returncode != 0 and "cannot be restored into a postgresql database" in refused.stderr
