"""cmi5 course import through POST /api/v1/courses on SQLite and PostgreSQL (cmi5 6.1, 13, 14;
launch-api.md Courses): zips (ZIP32, ZIP64), bare cmi5.xml, the spec's examples, and rejections as 400
`invalid_package` with the requirement id and file, leaving nothing behind."""
from __future__ import annotations

import io
import os
import time
import zipfile

import pytest

from lrs.app import create_app
from lrs.settings import Settings
from tests.unit.cmi5.support import EXAMPLES, au, block, course_xml
from tests.unit.delivery.support import SERVER_SECRET, CourseClient, refused, zip_bytes

AU1, AU2 = "https://example.com/au/1", "https://example.com/au/2"


def cmi5_app(database_url: str, content_dir, **overrides):
    """The app as lrs/app.py builds it: its registered standards, cmi5 among them."""
    settings = Settings(database_url=database_url, secret_key=SERVER_SECRET, auth_failure_limit=100_000,
                        content_dir=content_dir, public_url="https://lrs.example.com", **overrides)
    return create_app(settings)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("cmi5-courses")


@pytest.fixture(scope="module")
def client(database_url, workspace):
    app = cmi5_app(database_url, workspace / "content")
    yield CourseClient(app)
    app.extensions["lrs"].close()


def _folders(workspace) -> list[str]:
    content = workspace / "content"
    return sorted(name for name in os.listdir(content) if not name.startswith(".")) if content.exists() else []


def _xml(client, content: bytes):
    return client.open("POST", "/api/v1/courses", data=content, content_type="application/xml")


def test_a_zip_with_relative_and_absolute_aus_imports(client):
    # cmi5 14.1: cmi5.xml at the root; relative entry points inside the zip, others fully qualified.
    package = zip_bytes({"cmi5.xml": course_xml(block("https://example.com/block", au(AU1, url="au/index.html"),
                                                      au(AU2, attributes='launchMethod="OwnWindow"'))),
                         "au/index.html": b"<p>AU</p>"})
    response = client.import_zip(package)
    assert response.status_code == 201, response.get_json()
    course = response.get_json()
    assert course["standard"] == "cmi5" and course["edition"] is None and course["title"] == "Course"
    assert course["launchables"] == [
        {"id": AU1, "index": 0, "title": f"AU {AU1}", "launchMethod": "AnyWindow"},
        {"id": AU2, "index": 1, "title": f"AU {AU2}", "launchMethod": "OwnWindow"}]
    structure = client.open("GET", f"/api/v1/courses/{course['id']}").get_json()["structure"]
    assert structure["type"] == "course" and structure["id"] == "https://example.com/course"
    assert structure["children"][0]["type"] == "block"
    assert [child["id"] for child in structure["children"][0]["children"]] == [AU1, AU2]
    # The package's files are served (launch-api.md Conventions: the content origin).
    assert client.http.get(f"/content/{course['id']}/au/index.html").status_code == 200


def test_a_zip64_package_imports(client):
    # cmi5 14: "An LMS MUST support ... 64-bit Zip Format" (CATAPULT 14.0.0.0-1, 102-zip64).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for name, content in {"cmi5.xml": course_xml(au(AU1, url="index.html")), "index.html": b"x"}.items():
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(content)
    data = buffer.getvalue()
    assert b"PK\x06\x06" in data or b"\x01\x00" in data  # zip64 extra fields present
    assert client.import_zip(data).status_code == 201


@pytest.mark.parametrize("name", ["simple", "complex", "extended"])
def test_the_specs_example_courses_import_as_bare_xml(client, name):
    # cmi5 15; 14.2: a course structure XML without a zip.
    response = _xml(client, (EXAMPLES / f"{name}-cmi5.xml").read_bytes())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["standard"] == "cmi5"


SIMPLE = (EXAMPLES / "simple-cmi5.xml").read_text()
SIMPLE_URL = "http://course-repository.example.edu/identifiers/courses/02baafcf/aus/4c07/launch.html"


@pytest.mark.parametrize("content, rule", [
    (SIMPLE.replace('<course id="http://course-repository.example.edu/identifiers/courses/02baafcf">',
                    '<course id="02baafcf">'), "cmi5 3.0.0.0-1"),
    (SIMPLE.replace(SIMPLE_URL, "launch.html"), "cmi5 14.2.0.0-1"),
    (SIMPLE.replace(SIMPLE_URL, SIMPLE_URL + "?fetch=1"), "cmi5 8.1.0.0-6"),
    (SIMPLE.replace(SIMPLE_URL, "http://exa mple.com/"), "cmi5 13.1.4.0-2"),
    (SIMPLE.replace("<title>", "<name>", 1).replace("</title>", "</name>", 1), "cmi5 13.2.0.0-1"),
])
def test_broken_bare_course_structures_are_400_with_their_rule_and_nothing_stored(client, workspace, content, rule):
    # launch-api.md Courses: 400 invalid_package, rule = the requirement id, file; "Nothing is stored".
    before_courses = client.open("GET", "/api/v1/courses").get_json()["courses"]
    before_folders = _folders(workspace)
    body = refused(_xml(client, content.encode()), 400, "invalid_package")
    assert body["rule"] == rule and body["file"] == "cmi5.xml"
    assert client.open("GET", "/api/v1/courses").get_json()["courses"] == before_courses
    assert _folders(workspace) == before_folders


@pytest.mark.parametrize("members, rule, file", [
    ({"cmi5.xml": course_xml(au(AU1, url="missing.html")), "other.html": b"x"}, "cmi5 14.1.0.0-4", "missing.html"),
    ({"cmi5.xml": course_xml(block("https://example.com/b", au(AU1)), block("https://example.com/b", au(AU2)))},
     "cmi5 13.1.2.0-1", "cmi5.xml"),
    ({"cmi5.xml": course_xml(au(AU1), au(AU1))}, "cmi5 13.1.4.0-1", "cmi5.xml"),
])
def test_broken_zips_are_400_with_their_rule_and_file(client, workspace, members, rule, file):
    before_folders = _folders(workspace)
    body = refused(client.import_zip(zip_bytes(members)), 400, "invalid_package")
    assert (body["rule"], body["file"]) == (rule, file)
    assert _folders(workspace) == before_folders


def test_hostile_xml_is_refused(client):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10 if n > 1 else b"&lol;" * 10)
                         for n in range(1, 10))
              + b']><courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">&lol9;'
                b'</courseStructure>')
    started = time.process_time()
    body = refused(_xml(client, laughs), 400, "invalid_package")
    assert body["rule"] == "cmi5 13.2.0.0-1" and time.process_time() - started < 2


def test_a_1000_au_course_imports(client):
    # cmi5 6.1 (CATAPULT 6.1.0.0-2, 101-one-thousand-aus). Issue 12's <= 2 s for it is measured by
    # `bench cmi5` (docs/performance.md), not here.
    content = course_xml(block("https://example.com/big", *(au(f"https://example.com/au/{n}",
                                                              attributes='moveOn="Completed"') for n in range(1000))))
    response = _xml(client, content)
    assert response.status_code == 201 and len(response.get_json()["launchables"]) == 1000
    assert [launchable["id"] for launchable in response.get_json()["launchables"]][::999] == [
        "https://example.com/au/0", "https://example.com/au/999"]
