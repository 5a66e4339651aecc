"""POST /registrations/{id}/launch, /waive and /sessions/{id}/abandon (launch-api.md, Registrations)."""
from __future__ import annotations

import re
import uuid

import pytest

from delivery.errors import SessionEnded, Unauthorized
from tests.unit.delivery.support import (CourseClient, MANIFEST_12, TinyCmi5, cmi5_xml, make_app, refused,
                                         tiny_scorm_zip, zip_bytes)

KIM = {"name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}
AU1, AU2 = "https://example.com/au/1", "https://example.com/au/2"
PREREQUISITES = MANIFEST_12.replace(b'<item identifier="i2" identifierref="r2">',
                                    b'<item identifier="i2" identifierref="r2"><adlcp:prerequisites type="aicc_script">'
                                    b'i1</adlcp:prerequisites>')


@pytest.fixture(scope="module")
def course_app(database_url, tmp_path_factory):
    app = make_app(database_url, tmp_path_factory.mktemp("content"))
    yield app
    app.extensions["lrs"].close()


@pytest.fixture(scope="module")
def client(course_app) -> CourseClient:
    return CourseClient(course_app)


@pytest.fixture(scope="module")
def scorm_course(client) -> str:
    return client.course(tiny_scorm_zip())["id"]


@pytest.fixture(scope="module")
def cmi5_course(client) -> str:
    return client.open("POST", "/api/v1/courses", data=cmi5_xml(AU1, AU2, "https://example.com/au/locked"),
                       content_type="application/xml").get_json()["id"]


def _sessions(client, registration_id: str) -> list[dict]:
    return client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["sessions"]


def test_a_scorm_launch_opens_the_player_at_an_absolute_url(client, scorm_course):
    # launch-api.md, Launch: 200 {url, session, launchMethod}; SCORM launchMethod null; url absolute.
    registration_id = client.registration(scorm_course, KIM)
    response = client.launch(registration_id, launchable="i2")
    assert response.status_code == 200
    body = response.get_json()
    assert body["url"].startswith("https://lrs.example.com/") and body["launchMethod"] is None
    assert uuid.UUID(body["session"])
    assert _sessions(client, registration_id) == [{"id": body["session"], "launchable": "i2",
                                                   "launchedAt": _sessions(client, registration_id)[0]["launchedAt"],
                                                   "state": "open"}]


def test_an_item_by_index_and_continue(client, scorm_course):
    registration_id = client.registration(scorm_course, KIM)
    # "continue" with nothing launched yet: the first item.
    first = client.launch(registration_id).get_json()
    assert _sessions(client, registration_id)[-1]["launchable"] == "i1"
    client.launch(registration_id, index=1)
    assert _sessions(client, registration_id)[-1]["launchable"] == "i2"
    # SCORM 1.2 continue: the last launched item.
    client.launch(registration_id)
    sessions = _sessions(client, registration_id)
    assert sessions[-1]["launchable"] == "i2"
    # One open session per registration: each launch ended the one before.
    assert [session["state"] for session in sessions] == ["ended", "ended", "open"]
    assert sessions[0]["id"] == first["session"]


@pytest.mark.parametrize("body", [{"launchable": "nope"}, {"index": 2}])
def test_an_unknown_item_is_404(client, scorm_course, body):
    refused(client.launch(client.registration(scorm_course, KIM), **body), 404, "not_found")


@pytest.mark.parametrize("body", [{"launchable": "i1", "index": 0}, {"launchMode": "Fast"},
                                  {"returnUrl": "javascript:alert(1)"}, {"index": "0"}])
def test_a_malformed_launch_is_400(client, scorm_course, body):
    refused(client.launch(client.registration(scorm_course, KIM), **body), 400, "bad_request")


def test_an_unknown_registration_is_404(client):
    refused(client.launch(str(uuid.uuid4())), 404, "not_found")
    refused(client.launch("nope"), 400, "bad_request")


def test_an_item_scorm_12_prerequisites_do_not_allow_is_409(client):
    # launch-api.md: 409 an item that sequencing or prerequisites do not allow yet.
    course = client.course(zip_bytes({"imsmanifest.xml": PREREQUISITES, "one.html": b"1", "two.html": b"2"}))["id"]
    registration_id = client.registration(course, KIM)
    refused(client.launch(registration_id, launchable="i2"), 409, "not_allowed")
    assert client.launch(registration_id, launchable="i1").status_code == 200


def test_a_launch_of_a_deleted_course_is_404(client):
    course = client.course(tiny_scorm_zip())["id"]
    registration_id = client.registration(course, KIM)
    client.open("DELETE", f"/api/v1/courses/{course}")
    refused(client.launch(registration_id), 404, "not_found")


def test_a_launch_token_works_once_and_a_session_token_stops_at_abandon(course_app, client, cmi5_course):
    # issue 11: "a one-time launch token"; "A commit to a finished session is refused."
    registration_id = client.registration(cmi5_course, KIM)
    launch = client.launch(registration_id, launchable=AU2).get_json()
    assert launch["launchMethod"] == "AnyWindow"
    token = re.search(r"token=([^&]+)", launch["url"]).group(1)
    runtime = course_app.extensions["delivery"].runtime
    redeemed = runtime.redeem_launch_token(token)
    assert redeemed.session.id == launch["session"]
    with pytest.raises(Unauthorized):
        runtime.redeem_launch_token(token)
    assert runtime.authenticate(redeemed.session_token).id == launch["session"]
    assert client.open("POST", f"/api/v1/sessions/{launch['session']}/abandon").status_code == 204
    with pytest.raises(SessionEnded):
        runtime.authenticate(redeemed.session_token)


def test_cmi5_attempts_count_launches(client, cmi5_course):
    registration_id = client.registration(cmi5_course, KIM)
    for _ in range(3):
        client.launch(registration_id, launchable=AU1)
    items = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["items"]
    assert items[0]["attempts"] == 3 and items[0]["lastLaunched"]
    assert [session["state"] for session in _sessions(client, registration_id)] == ["abandoned", "abandoned", "open"]


def test_a_launch_the_standard_refuses_leaves_no_session(client, cmi5_course):
    registration_id = client.registration(cmi5_course, KIM)
    refused(client.launch(registration_id, index=2), 409, "not_allowed")
    assert _sessions(client, registration_id) == []


def test_abandon_then_again_is_409_and_unknown_is_404(course_app, client, scorm_course):
    # launch-api.md, abandon: 204; 404 unknown session; 409 a session already ended or abandoned.
    registration_id = client.registration(scorm_course, KIM)
    session_id = client.launch(registration_id).get_json()["session"]
    assert client.open("POST", f"/api/v1/sessions/{session_id}/abandon").status_code == 204
    assert _sessions(client, registration_id)[0]["state"] == "abandoned"
    refused(client.open("POST", f"/api/v1/sessions/{session_id}/abandon"), 409, "conflict")
    refused(client.open("POST", f"/api/v1/sessions/{uuid.uuid4()}/abandon"), 404, "not_found")
    refused(client.open("POST", "/api/v1/sessions/nope/abandon"), 400, "bad_request")
    other = client.launch(registration_id).get_json()["session"]
    refused(CourseClient(course_app).open("POST", f"/api/v1/sessions/{other}/abandon"), 404, "not_found")


def test_cmi5_abandon_asks_the_standard(client, cmi5_course):
    registration_id = client.registration(cmi5_course, KIM)
    session_id = client.launch(registration_id, launchable=AU1).get_json()["session"]
    assert client.open("POST", f"/api/v1/sessions/{session_id}/abandon").status_code == 204
    assert (session_id, "abandon") in TinyCmi5.ends


def test_waive_an_au_once(client, cmi5_course):
    # launch-api.md, waive: 204 (cmi5); 409 an AU already waived (cmi5 9.3.7); 400 an empty reason.
    registration_id = client.registration(cmi5_course, KIM)
    path = f"/api/v1/registrations/{registration_id}/waive"
    refused(client.open("POST", path, json={"launchable": AU1, "reason": ""}), 400, "bad_request")
    assert client.open("POST", path, json={"launchable": AU1, "reason": "Tested Out"}).status_code == 204
    refused(client.open("POST", path, json={"index": 0, "reason": "Administrative"}), 409, "not_allowed")
    refused(client.open("POST", path, json={"launchable": "https://example.com/au/none", "reason": "Tested Out"}),
            404, "not_found")
    items = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["items"]
    assert items[0]["waived"] is True and items[0]["satisfied"] is True and items[1]["waived"] is False


def test_waive_on_a_scorm_course_is_409(client, scorm_course):
    registration_id = client.registration(scorm_course, KIM)
    refused(client.open("POST", f"/api/v1/registrations/{registration_id}/waive",
                        json={"launchable": "i1", "reason": "Tested Out"}), 409, "not_allowed")
    refused(client.open("POST", f"/api/v1/registrations/{uuid.uuid4()}/waive",
                        json={"launchable": "i1", "reason": "Tested Out"}), 404, "not_found")
