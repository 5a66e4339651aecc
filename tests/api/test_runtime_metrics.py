"""The runtime metrics on SQLite and PostgreSQL: launches handed out, SCORM commits accepted and launch
sessions open now, read from one scrape with prometheus-client's parser (issue 16: metrics for the
runtimes; launch-api.md, Launch and Abandon)."""
from __future__ import annotations

import re
import secrets

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.unit.delivery.support import CourseClient, make_app, tiny_scorm_zip


@pytest.fixture
def metered(database_url, tmp_path, monkeypatch):
    token = secrets.token_urlsafe(40)
    monkeypatch.setenv("LRS_METRICS", "credential")
    monkeypatch.setenv("LRS_METRICS_TOKEN", token)
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    app = make_app(database_url, tmp_path / "content")
    yield CourseClient(app), token
    app.extensions["lrs"].close()


def _scrape(client: CourseClient, token: str) -> dict[str, float]:
    response = client.app.test_client().get("/metrics", headers={"Authorization": f"Bearer {token}"})
    return {sample.name: sample.value for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples if not sample.labels or sample.name == "lrs_runtime_commits_total"}


def test_launches_commits_and_open_sessions_are_counted(metered):
    client, token = metered
    open_before = _scrape(client, token)["lrs_runtime_sessions_active"]  # other tests' sessions share the database
    course = client.course(tiny_scorm_zip())
    launches = [client.launch(client.registration(course["id"])).get_json() for _ in range(2)]
    token_of_first = re.fullmatch(r".+#launch=(.+)", launches[0]["url"]).group(1)
    started = client.http.post(f"/player/api/sessions/{launches[0]['session']}/start",
                               json={"launchToken": token_of_first}).get_json()
    for _ in range(3):
        committed = client.http.post(f"/player/api/sessions/{launches[0]['session']}/commit",
                                     json={"sessionToken": started["sessionToken"],
                                           "cmi": {"cmi.core.lesson_location": "page 2"}})
        assert committed.status_code == 200 and committed.get_json()["rejected"] == []

    counted = _scrape(client, token)
    assert counted["lrs_runtime_launches_total"] == 2
    assert counted["lrs_runtime_commits_total"] == 3
    assert counted["lrs_runtime_sessions_active"] == open_before + 2

    with client.open("POST", f"/api/v1/sessions/{launches[1]['session']}/abandon") as abandoned:
        assert abandoned.status_code == 204
    assert _scrape(client, token)["lrs_runtime_sessions_active"] == open_before + 1
