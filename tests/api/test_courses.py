"""POST/GET/DELETE /api/v1/courses with real SCORM packages, on SQLite and PostgreSQL (launch-api.md, Courses)."""
from __future__ import annotations

import uuid

import pytest

from tests.unit.delivery.support import (GOLF_12, GOLF_2004, SCORM_FIXTURES, CourseClient, files_under, make_app,
                                         refused, tiny_scorm_zip)


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("content")


@pytest.fixture(scope="module")
def course_app(database_url, content_dir):
    app = make_app(database_url, content_dir)
    yield app
    app.extensions["lrs"].close()


@pytest.fixture
def client(course_app) -> CourseClient:
    return CourseClient(course_app)


def test_a_scorm_12_package_imports_with_its_launchables_in_structure_order(client):
    # launch-api.md, Courses: 201 {id, standard, edition, title, launchables}; index counts from 0 depth-first.
    response = client.import_zip(GOLF_12.read_bytes())
    assert response.status_code == 201
    course = response.get_json()
    assert uuid.UUID(course["id"]) and course["standard"] == "scorm12" and course["edition"] is None
    assert course["title"]
    assert [item["index"] for item in course["launchables"]] == list(range(len(course["launchables"])))
    assert all(item["launchMethod"] is None and item["id"] for item in course["launchables"])


def test_a_scorm_2004_package_names_its_edition(client):
    course = client.course(GOLF_2004.read_bytes())
    assert course["standard"] == "scorm2004" and course["edition"] == "3rd"


def test_the_title_parameter_replaces_the_package_title(client):
    response = client.open("POST", "/api/v1/courses?title=Golf%20for%20everyone", data=tiny_scorm_zip(),
                           content_type="application/zip")
    assert response.status_code == 201 and response.get_json()["title"] == "Golf for everyone"


def test_a_reimport_is_a_new_course(client):
    # launch-api.md, Courses: "A re-import of the same package is a new course with a new id, never a 409."
    first, second = client.course(tiny_scorm_zip()), client.course(tiny_scorm_zip())
    assert first["id"] != second["id"]
    listed = [course["id"] for course in client.open("GET", "/api/v1/courses").get_json()["courses"]]
    assert listed == [first["id"], second["id"]]


def test_a_course_is_read_back_with_its_structure(client):
    course = client.course(tiny_scorm_zip())
    response = client.open("GET", f"/api/v1/courses/{course['id']}")
    assert response.status_code == 200
    body = response.get_json()
    assert {key: body[key] for key in course} == course
    assert isinstance(body["structure"], dict) and body["structure"]


def test_another_stores_course_is_not_found(course_app, client):
    # launch-api.md, Conventions: "Another store's ids answer 404."
    course = client.course(tiny_scorm_zip())
    stranger = CourseClient(course_app)
    refused(stranger.open("GET", f"/api/v1/courses/{course['id']}"), 404, "not_found")
    refused(stranger.open("DELETE", f"/api/v1/courses/{course['id']}"), 404, "not_found")
    assert stranger.open("GET", "/api/v1/courses").get_json() == {"courses": []}
    assert client.open("GET", f"/api/v1/courses/{course['id']}").status_code == 200


def test_delete_removes_the_files_and_keeps_the_registrations(client, content_dir):
    # launch-api.md, Courses: DELETE -> 204; files removed; registrations stay; launching one is a 404.
    course = client.course(tiny_scorm_zip())
    registration_id = client.registration(course["id"])
    assert client.launch(registration_id).status_code == 200
    assert files_under(content_dir / course["id"])
    assert client.open("DELETE", f"/api/v1/courses/{course['id']}").status_code == 204
    assert files_under(content_dir / course["id"]) == []
    refused(client.open("GET", f"/api/v1/courses/{course['id']}"), 404, "not_found")
    refused(client.open("DELETE", f"/api/v1/courses/{course['id']}"), 404, "not_found")
    assert course["id"] not in [item["id"] for item in client.open("GET", "/api/v1/courses").get_json()["courses"]]
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}")
    assert progress.status_code == 200
    # Its open session ended with its last commit.
    assert [session["state"] for session in progress.get_json()["sessions"]] == ["ended"]
    refused(client.launch(registration_id), 404, "not_found")
    assert client.open("GET", f"/content/{course['id']}/one.html").status_code == 404


@pytest.mark.parametrize("package, rule_prefix", [
    ("edge_MalformedXml_SCORM12.zip", "SCORM CAM"),
    ("edge_InvalidFileReferences_SCORM12.zip", "SCORM CAM"),
    ("edge_MissingLaunchUrl_SCORM12.zip", "SCORM CAM"),
    ("edge_MinimalValid_SCORM20043rdEdition.zip", "SCORM CAM"),
    ("moodle_badscorm.zip", "SCORM CAM"),
])
def test_an_invalid_package_is_a_400_naming_the_rule_and_nothing_is_stored(client, content_dir, package, rule_prefix):
    # launch-api.md, Courses: 400 invalid_package with rule and file; nothing is stored.
    before = files_under(content_dir)
    body = refused(client.import_zip((SCORM_FIXTURES / package).read_bytes()), 400, "invalid_package")
    assert body["rule"].startswith(rule_prefix) and "file" in body
    assert files_under(content_dir) == before
    assert client.open("GET", "/api/v1/courses").get_json() == {"courses": []}


def test_credentials_are_required_and_need_the_courses_scope(course_app):
    # launch-api.md, Conventions: the credential needs the scope `courses`; `all` includes it.
    http = course_app.test_client()
    response = http.get("/api/v1/courses")
    refused(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    refused(CourseClient(course_app, scopes="statements/write").open("GET", "/api/v1/courses"), 403, "forbidden")
    assert CourseClient(course_app, scopes="courses").open("GET", "/api/v1/courses").status_code == 200


def test_malformed_ids_and_unknown_paths_answer_the_contract_error_body(client):
    # launch-api.md, Conventions: a bad UUID is a 400 bad_request; every error is {"error", "message"}.
    refused(client.open("GET", "/api/v1/courses/not-a-uuid"), 400, "bad_request")
    refused(client.open("GET", f"/api/v1/courses/{uuid.uuid4()}"), 404, "not_found")
    refused(client.open("GET", "/api/v1/nothing-here"), 404, "not_found")
    response = client.open("PATCH", "/api/v1/courses")
    refused(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_package_files_are_served_from_our_origin_with_fixed_types_and_immutable_caching(client):
    # issue 11, Import: served from the server's own origin with correct content types and cache headers.
    course = client.course(tiny_scorm_zip(**{"scripts/app.js": b"var x = 1;", "media/clip.mp4": b"\0\0"}))
    http = client.http  # content needs no credential: the player frame loads it
    page = http.get(f"/content/{course['id']}/one.html")
    assert page.status_code == 200 and page.data == b"<p>one</p>"
    assert page.headers["Content-Type"] == "text/html"
    assert page.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    # Course pages run scripts and are framed by the player: not the API's sandboxing CSP.
    assert "sandbox" not in page.headers["Content-Security-Policy"]
    assert page.headers["Content-Security-Policy"].startswith("frame-ancestors 'self' https://lrs.example.com")
    assert "Set-Cookie" not in page.headers
    # A cmi5 AU's URL carries its one-time fetch key: the page sends it to no one (attack review F5).
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert http.get(f"/content/{course['id']}/scripts/app.js").headers["Content-Type"] == "text/javascript"
    assert http.get(f"/content/{course['id']}/media/clip.mp4").headers["Content-Type"] == "video/mp4"
    assert http.get(f"/content/{course['id']}/missing.html").status_code == 404
    assert http.get(f"/content/{course['id']}/../{course['id']}/one.html").status_code == 404
    assert http.get(f"/content/{course['id']}/%2e%2e/%2e%2e/etc/passwd").status_code == 404
