"""The ingest check's cost and freshness on a real SQLite database: a store without profiles costs its batches no
query; a mode set in one process reaches another within LRS_PROFILE_RECHECK_SECONDS."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from analytics.profiles.services import ProfileService, ProfileSettings
from analytics.profiles.storage import ProfileStorage
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.unit.analytics.profiles.builders import body, place_statement, sports


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('profiles') / 'lrs.sqlite3'}"
    upgrade(url)
    built = build_services(Settings(database_url=url, secret_key="test-secret-not-for-production"))
    yield built
    built.close()


def _service(services, recheck_seconds: float = 60.0) -> ProfileService:
    return ProfileService(ProfileStorage(services.engines), services.statements,
                          ProfileSettings(recheck_seconds=recheck_seconds))


def _count_queries(services):
    counted = []
    for engine in {services.engines.read, services.engines.write}:
        event.listen(engine, "before_cursor_execute", lambda *args, **kwargs: counted.append(1))
    return counted


def test_batches_of_a_store_without_profiles_cost_no_query(services):
    service = _service(services)
    service.check_batch(1, [place_statement()])  # the first batch reads which stores have a mode at all
    counted = _count_queries(services)
    for store_id in range(1, 200):
        assert service.check_batch(store_id, [place_statement()]) is None
    assert counted == []


def test_a_mode_set_in_one_process_reaches_another_after_the_recheck_interval(services):
    writer, stale, fresh = _service(services), _service(services, 3600.0), _service(services, 0.0)
    store_id = 7
    writer.import_profile(store_id, body(sports()))
    bad = place_statement(result={"success": False})  # breaks rule 0 (place extension included)
    assert stale.check_batch(store_id, [bad]) is None and fresh.check_batch(store_id, [bad]) is None
    writer.set_mode(store_id, "enforce")
    assert stale.check_batch(store_id, [bad]) is None  # within its recheck interval: still off
    with pytest.raises(Exception) as refused:
        fresh.check_batch(store_id, [bad])
    assert refused.value.status == 400
    with pytest.raises(Exception):
        writer.check_batch(store_id, [bad])  # the process that changed it sees it at once
