"""The upload forms of POST /api/v1/courses and hostile uploads through HTTP (launch-api.md, Courses;
issue 11, Import: hostile zips each refused with a clear message, nothing written outside the content
directory)."""
from __future__ import annotations

import io
import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.unit.delivery.support import (MANIFEST_12, CourseClient, cmi5_xml, files_under, make_app, refused,
                                         symlink_entry, tiny_scorm_zip, zip_bytes, zip_with_raw_entries)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return tmp_path_factory.mktemp("intake")


@pytest.fixture(scope="module")
def course_app(database_url, workspace):
    # Small limits, so too-many-files and too-large uploads are cheap to build.
    app = make_app(database_url, workspace / "content", package_max_files=30, package_max_bytes=3_000_000,
                   package_max_xml_bytes=200_000, max_request_bytes=1_000_000)
    yield app
    app.extensions["lrs"].close()


@pytest.fixture(scope="module")
def client(course_app) -> CourseClient:
    return CourseClient(course_app)


def _course_folders(workspace) -> list[str]:
    content = workspace / "content"
    return sorted(name for name in os.listdir(content) if not name.startswith(".")) if content.exists() else []


def test_a_multipart_upload_takes_the_file_field(client):
    response = client.open("POST", "/api/v1/courses",
                           data={"file": (io.BytesIO(tiny_scorm_zip()), "course.zip", "application/zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["standard"] == "scorm12"


def test_a_multipart_upload_without_the_file_field_is_a_bad_request(client):
    response = client.open("POST", "/api/v1/courses",
                           data={"package": (io.BytesIO(tiny_scorm_zip()), "course.zip")},
                           content_type="multipart/form-data")
    refused(response, 400, "bad_request")


@pytest.mark.parametrize("content_type", ["application/xml", "text/xml"])
def test_a_bare_cmi5_xml_is_a_cmi5_course(client, content_type):
    # launch-api.md, Courses: "a bare cmi5.xml (application/xml or text/xml)".
    response = client.open("POST", "/api/v1/courses", data=cmi5_xml("https://example.com/au/1"),
                           content_type=content_type)
    assert response.status_code == 201
    course = response.get_json()
    assert course["standard"] == "cmi5"
    assert course["launchables"] == [{"id": "https://example.com/au/1", "index": 0, "title": "AU 0",
                                      "launchMethod": "AnyWindow"}]


def test_a_zip_with_cmi5_xml_at_its_root_is_cmi5_even_with_an_imsmanifest(client):
    # launch-api.md, Courses: "A zip with a cmi5.xml at its root is a cmi5 course, even if it also has an imsmanifest.xml."
    course = client.course(tiny_scorm_zip(**{"cmi5.xml": cmi5_xml("https://example.com/au/1")}))
    assert course["standard"] == "cmi5"


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "text/html", "application/octet-stream"])
def test_other_media_types_are_415(client, content_type):
    refused(client.open("POST", "/api/v1/courses", data=tiny_scorm_zip(), content_type=content_type), 415,
            "unsupported_media_type")


def test_a_body_without_a_media_type_is_415(client):
    refused(client.open("POST", "/api/v1/courses", data=b"PK"), 415, "unsupported_media_type")


@pytest.mark.parametrize("body", [b"", b"not a zip", b"PK\x03\x04broken", tiny_scorm_zip()[:200]])
def test_a_body_that_claims_to_be_a_zip_but_is_not_is_an_invalid_package(client, body):
    # launch-api.md, Courses: "This includes a body that claims to be a zip but is not one."
    body = refused(client.import_zip(body), 400, "invalid_package")
    assert body["rule"] and "file" in body


def test_xml_that_is_not_well_formed_is_an_invalid_package(client):
    refused(client.open("POST", "/api/v1/courses", data=b"<courseStructure><au", content_type="application/xml"),
            400, "invalid_package")


HOSTILE = {
    "traversal": ([("imsmanifest.xml", MANIFEST_12), ("one.html", b"1"), ("two.html", b"2"),
                   ("../../escaped.html", b"gotcha")], "escape"),
    "absolute path": ([("imsmanifest.xml", MANIFEST_12), ("/tmp/escaped.html", b"gotcha")], "absolute"),
    "backslash": ([("imsmanifest.xml", MANIFEST_12), ("..\\..\\escaped.html", b"gotcha")], "backslash"),
    "drive letter": ([("imsmanifest.xml", MANIFEST_12), ("C:/escaped.html", b"gotcha")], "drive letter"),
    "symlink": ([("imsmanifest.xml", MANIFEST_12), symlink_entry("one.html", "/etc/passwd"),
                 ("two.html", b"2")], "symbolic link"),
    "duplicate names": ([("imsmanifest.xml", MANIFEST_12), ("one.html", b"1"), ("one.html", b"evil"),
                         ("two.html", b"2")], "more than once"),
}


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_zips_are_refused_and_nothing_is_written(client, workspace, attack):
    entries, says = HOSTILE[attack]
    before = files_under(workspace)
    body = refused(client.import_zip(zip_with_raw_entries(entries)), 400, "invalid_package")
    assert says in body["message"] and body["rule"] == "ZIP APPNOTE 4.4.17.1"
    assert files_under(workspace) == before
    assert not list(workspace.parent.rglob("escaped.html")) and not os.path.exists("/tmp/escaped.html")


def test_a_zip_bomb_is_413(client, workspace):
    # issue 11: "a total or per-file size or compression ratio over limits (zip bombs)" -> 413.
    before = _course_folders(workspace)
    bomb = zip_bytes({"imsmanifest.xml": MANIFEST_12, "one.html": b"1", "two.html": b"\0" * 50_000_000})
    assert len(bomb) < 3_000_000
    refused(client.import_zip(bomb), 413, "too_large")
    assert _course_folders(workspace) == before


def test_too_many_files_is_413(client):
    refused(client.import_zip(tiny_scorm_zip(**{f"f{n}.txt": b"x" for n in range(40)})), 413, "too_large")


def test_an_upload_over_the_package_limit_is_413(client):
    refused(client.import_zip(os.urandom(3_000_001)), 413, "too_large")


def test_a_package_may_be_larger_than_the_api_request_limit(client):
    # Packages have their own limit (LRS_PACKAGE_MAX_BYTES, here 3 MB) beyond the API's (LRS_MAX_REQUEST_BYTES, 1 MB).
    response = client.import_zip(tiny_scorm_zip(**{"media/noise.bin": os.urandom(2_000_000)}))
    assert response.status_code == 201
    refused(client.open("POST", "/api/v1/registrations", data=b"{" + b" " * 1_100_000 + b"}",
                        content_type="application/json"), 413, "too_large")


def test_a_billion_laughs_manifest_is_refused(client):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
              b'<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"><metadata>'
              b'<schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata><organizations default="o">'
              b'<organization identifier="o"><title>&d;</title></organization></organizations><resources/></manifest>')
    response = client.import_zip(zip_bytes({"imsmanifest.xml": laughs}))
    body = refused(response, 400, "invalid_package")
    assert "lollol" not in body["message"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(st.binary(max_size=3000),
                      st.builds(lambda data, cut: data[:cut], st.just(tiny_scorm_zip()), st.integers(0, 3000)),
                      st.builds(lambda text: text.encode(), st.text(max_size=300))),
       content_type=st.sampled_from(["application/zip", "application/xml", "text/xml", "application/x-zip-compressed",
                                     "image/png", "multipart/form-data; boundary=x"]))
def test_random_uploads_are_a_clear_4xx_or_a_course_never_a_500(client, workspace, body, content_type):
    # issue 11: bad input is a clear 4xx with a JSON body, never a 500.
    response = client.open("POST", "/api/v1/courses", data=body, content_type=content_type)
    assert response.status_code in (201, 400, 413, 415), response.get_data()[:300]
    assert response.get_json()["error" if response.status_code != 201 else "id"]
