"""POST /api/v1/registrations and GET /api/v1/registrations/{id} (launch-api.md, Registrations)."""
from __future__ import annotations

import uuid

import pytest

from tests.unit.delivery.support import CourseClient, cmi5_xml, make_app, refused, tiny_scorm_zip

KIM = {"objectType": "Agent", "name": "Kim", "mbox": "mailto:kim@example.com"}
KIM_ACCOUNT = {"name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}


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
    response = client.open("POST", "/api/v1/courses", data=cmi5_xml("https://example.com/au/1",
                                                                     "https://example.com/au/2"),
                           content_type="application/xml")
    return response.get_json()["id"]


def test_without_an_id_each_registration_is_new(client, scorm_course):
    # launch-api.md, Registrations: "Without id it is always a new one."
    first, second = client.register(scorm_course, KIM), client.register(scorm_course, KIM)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["id"] != second.get_json()["id"]
    assert first.get_json() == {"id": first.get_json()["id"], "course": scorm_course, "learner": KIM}


def test_a_given_id_is_used_and_repeating_it_is_200(client, scorm_course):
    # launch-api.md: 201 with the id given; 200 with the same body for the same course and learner.
    registration_id = str(uuid.uuid4())
    created = client.register(scorm_course, KIM, id=registration_id)
    assert created.status_code == 201 and created.get_json()["id"] == registration_id
    # Learners are the same by their IFI; objectType and name are ignored.
    again = client.register(scorm_course, {"mbox": "mailto:kim@example.com", "name": "K. Lee"}, id=registration_id)
    assert again.status_code == 200 and again.get_json() == created.get_json()


def test_an_upper_case_id_names_the_same_registration(client, scorm_course):
    registration_id = str(uuid.uuid4())
    assert client.register(scorm_course, KIM, id=registration_id).status_code == 201
    assert client.register(scorm_course, KIM, id=registration_id.upper()).status_code == 200


def test_an_id_of_another_course_or_learner_is_409(client, scorm_course):
    registration_id = str(uuid.uuid4())
    assert client.register(scorm_course, KIM, id=registration_id).status_code == 201
    refused(client.register(scorm_course, {"mbox": "mailto:ana@example.com"}, id=registration_id), 409, "conflict")
    other_course = client.course(tiny_scorm_zip())["id"]
    refused(client.register(other_course, KIM, id=registration_id), 409, "conflict")


def test_a_registration_on_a_cmi5_course_needs_an_account(client, cmi5_course):
    # launch-api.md: "A registration on a cmi5 course needs an Agent with an account; any other learner is a 400."
    refused(client.register(cmi5_course, KIM), 400, "bad_request")
    assert client.register(cmi5_course, KIM_ACCOUNT).status_code == 201


@pytest.mark.parametrize("body", [
    {"learner": KIM},
    {"course": "not-a-uuid", "learner": KIM},
    {"course": "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11"},
    {"course": "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11", "learner": {"name": "nobody"}},
    {"course": "6b1f3a52-8f0e-4d8e-9d55-1c7d2d0c2a11", "learner": KIM, "id": "12"},
])
def test_malformed_registrations_are_bad_requests(client, body):
    refused(client.open("POST", "/api/v1/registrations", json=body), 400, "bad_request")


@pytest.mark.parametrize("raw", [b"{", b"[]", b'"x"', b'{"course": "\\ud800"}'])
def test_a_body_that_is_not_a_json_object_is_a_bad_request(client, raw):
    refused(client.open("POST", "/api/v1/registrations", data=raw, content_type="application/json"), 400, "bad_request")


def test_an_unknown_or_deleted_course_is_404(client):
    refused(client.register(str(uuid.uuid4()), KIM), 404, "not_found")
    course = client.course(tiny_scorm_zip())["id"]
    assert client.open("DELETE", f"/api/v1/courses/{course}").status_code == 204
    refused(client.register(course, KIM), 404, "not_found")


def test_registrations_belong_to_their_store(course_app, client, scorm_course):
    # launch-api.md, Conventions: another store's ids answer 404; the same UUID is free in another store.
    registration_id = client.registration(scorm_course, KIM)
    stranger = CourseClient(course_app)
    refused(stranger.open("GET", f"/api/v1/registrations/{registration_id}"), 404, "not_found")
    refused(stranger.register(scorm_course, KIM), 404, "not_found")
    own_course = stranger.course(tiny_scorm_zip())["id"]
    assert stranger.register(own_course, KIM, id=registration_id).status_code == 201
    assert client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["course"] == scorm_course


def test_progress_of_a_new_registration(client, scorm_course):
    # launch-api.md, GET /registrations/{id}: every field, items in course order, nothing attempted yet.
    registration_id = client.registration(scorm_course, KIM)
    response = client.open("GET", f"/api/v1/registrations/{registration_id}")
    assert response.status_code == 200
    progress = response.get_json()
    assert progress["id"] == registration_id and progress["course"] == scorm_course and progress["learner"] == KIM
    assert progress["completion"] in ("not attempted", "unknown") and progress["success"] == "unknown"
    assert progress["score"] is None and progress["satisfied"] is False and progress["totalTime"] == "PT0H0M0S"
    assert [item["launchable"] for item in progress["items"]] == ["i1", "i2"]
    assert progress["items"][0] == {"launchable": "i1", "index": 0, "title": "One", "completion": "not attempted",
                                    "success": "unknown", "score": None, "satisfied": False, "waived": False,
                                    "attempts": 0, "lastLaunched": None}
    assert progress["blocks"] == [] and progress["sessions"] == []


def test_progress_of_a_cmi5_registration_has_blocks(client, cmi5_course):
    registration_id = client.registration(cmi5_course, KIM_ACCOUNT)
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["blocks"] == [{"id": "https://example.com/block", "title": "Block", "satisfied": False}]


def test_progress_of_an_unknown_or_malformed_registration(client):
    refused(client.open("GET", f"/api/v1/registrations/{uuid.uuid4()}"), 404, "not_found")
    refused(client.open("GET", "/api/v1/registrations/nope"), 400, "bad_request")


def test_a_standard_sets_up_a_new_registration_and_its_failure_leaves_none(course_app, client, cmi5_course):
    # delivery.standard: registration_created runs once for a new registration; a failure stores nothing.
    registration_id = client.registration(cmi5_course, KIM_ACCOUNT)
    runtime = course_app.extensions["delivery"].runtime
    assert runtime.registration_record(client.store_id, registration_id).data == {"evaluated": True}
    refused_id = str(uuid.uuid4())
    learner = {"account": {"homePage": "https://lms.example.com", "name": "refused"}}
    refused(client.register(cmi5_course, learner, id=refused_id), 409, "not_allowed")
    refused(client.open("GET", f"/api/v1/registrations/{refused_id}"), 404, "not_found")
    assert runtime.registration_record(client.store_id, refused_id).version == 0
