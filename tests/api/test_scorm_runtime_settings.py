"""The SCORM settings (lrs/settings.py): LRS_SCORM_MAX_CHARACTERS and LRS_SCORM_COMMIT_INTERVAL_SECONDS
reach the player's calls, and the manifest bounds (LRS_PACKAGE_MAX_ITEMS, _XML_ELEMENTS, _ITEM_DEPTH,
_XML_BYTES) reach the SCORM standard's parser. On SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest

from lrs.settings import Settings
from tests.unit.delivery.support import MANIFEST_12, CourseClient, make_app, refused, tiny_scorm_zip, zip_bytes


@pytest.fixture(scope="module")
def client(database_url, tmp_path_factory):
    app = make_app(database_url, tmp_path_factory.mktemp("content"), scorm_max_characters=100,
                   scorm_commit_interval_seconds=7, package_max_items=2)
    yield CourseClient(app)
    app.extensions["lrs"].close()


def _started(client: CourseClient) -> tuple[dict, dict]:
    course = client.course(tiny_scorm_zip())
    launch = client.launch(client.registration(course["id"])).get_json()
    token = re.fullmatch(r".+/player/[0-9a-f-]+#launch=(.+)", launch["url"]).group(1)
    response = client.http.post(f"/player/api/sessions/{launch['session']}/start", json={"launchToken": token})
    assert response.status_code == 200, response.get_json()
    return launch, response.get_json()


def test_the_player_gets_the_commit_interval_and_string_limit_from_settings(client):
    _, started = _started(client)
    assert started["settings"] == {"commitIntervalSeconds": 7, "maxStringLength": 100}


def test_a_string_over_the_max_characters_setting_is_rejected_and_changes_nothing(client):
    # SCORM 1.2 RTE 3.4.4: a value the data model cannot hold is refused with 405 (issue 11: the cap is a setting).
    launch, started = _started(client)
    body = {"sessionToken": started["sessionToken"]}
    at_limit = client.http.post(f"/player/api/sessions/{launch['session']}/commit",
                                json={**body, "cmi": {"cmi.suspend_data": "x" * 100}}).get_json()
    over = client.http.post(f"/player/api/sessions/{launch['session']}/commit",
                            json={**body, "cmi": {"cmi.suspend_data": "y" * 101}}).get_json()
    assert at_limit["rejected"] == []
    assert [(rejection["element"], rejection["code"]) for rejection in over["rejected"]] == \
        [("cmi.suspend_data", 405)]


def test_a_manifest_over_the_items_setting_is_refused(client):
    # SCORM CAM 3.4.1: parsing is bounded by settings (issue 11, Hostile input); the tiny course has 2 items.
    assert client.import_zip(tiny_scorm_zip()).status_code == 201
    three = b'<item identifier="i3" identifierref="r1"><title>Three</title></item></organization>'
    body = refused(client.import_zip(zip_bytes({"imsmanifest.xml": MANIFEST_12.replace(b"</organization>", three),
                                                "one.html": b"1", "two.html": b"2"})), 400, "invalid_package")
    assert "more than 2 items" in body["message"]


def test_the_settings_come_from_their_environment_variables(monkeypatch):
    for name, value in (("LRS_SCORM_MAX_CHARACTERS", "4096"), ("LRS_SCORM_COMMIT_INTERVAL_SECONDS", "12"),
                        ("LRS_PACKAGE_MAX_ITEMS", "10"), ("LRS_PACKAGE_MAX_XML_ELEMENTS", "1000"),
                        ("LRS_PACKAGE_MAX_ITEM_DEPTH", "5"),
                        ("LRS_SECRET_KEY", "settings test secret, long enough to sign with")):
        monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    assert (settings.scorm_max_characters, settings.scorm_commit_interval_seconds, settings.package_max_items,
            settings.package_max_xml_elements, settings.package_max_item_depth) == (4096, 12, 10, 1000, 5)
    defaults = Settings()
    assert (defaults.scorm_max_characters, defaults.scorm_commit_interval_seconds) == (64_000, 30)


def test_the_scorm_standard_takes_its_manifest_limits_from_settings():
    from scorm_runtime.standard import ScormStandard
    configured = ScormStandard().with_settings(Settings(package_max_xml_bytes=1000, package_max_items=3,
                                                        package_max_xml_elements=50, package_max_item_depth=4))
    limits = configured.limits
    assert (limits.max_manifest_bytes, limits.max_items, limits.max_elements, limits.max_item_depth) == (1000, 3, 50, 4)
