"""Hostile zips are refused before anything is written, and inflated bytes are counted again as they
are read (issue 11, Import: "Zips are hostile until proven otherwise")."""
from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from delivery.content import LocalContentStorage
from delivery.intake import (IntakeLimits, Upload, ZipPackage, checked_member_name, kind_of_file, media_kind,
                             package_files, spooled)
from delivery.package import InvalidPackage, PackageTooLarge, UnsupportedPackageType
from tests.unit.delivery.support import symlink_entry, tiny_scorm_zip, zip_bytes, zip_with_raw_entries

LIMITS = IntakeLimits(max_upload_bytes=10_000_000, max_files=50, max_file_bytes=2_000_000, max_total_bytes=3_000_000,
                      max_ratio=100, ratio_floor_bytes=100_000, max_xml_bytes=1_000_000)


def _zip_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "package.zip"
    path.write_bytes(data)
    return path


def _open(tmp_path: Path, data: bytes, limits: IntakeLimits = LIMITS) -> ZipPackage:
    return ZipPackage(_zip_file(tmp_path, data), limits)


def _extract(tmp_path: Path, data: bytes, limits: IntakeLimits = LIMITS) -> Path:
    content = tmp_path / "content"
    with _open(tmp_path, data, limits) as package:
        LocalContentStorage(content).put("00000000-0000-4000-8000-000000000001", package)
    return content


@pytest.mark.parametrize("name, says", [
    ("../evil.html", "escape"),                   # traversal
    ("scos/../../evil.html", "escape"),
    ("/etc/evil.html", "absolute"),               # absolute path
    ("C:/evil.html", "drive letter"),
    ("c:evil.html", "drive letter"),
    ("scos\\..\\evil.html", "backslash"),
    ("scos//evil.html", "plain relative"),
    ("./evil.html", "plain relative"),
    ("evil\x01.html", "control character"),
])
def test_member_names_that_could_escape_the_package_are_refused(tmp_path, name, says):
    # ZIP APPNOTE 4.4.17.1: no drive letter, no leading slash, forward slashes only; no '..' (issue 11).
    with pytest.raises(InvalidPackage) as refused:
        _open(tmp_path, zip_with_raw_entries([("imsmanifest.xml", b"<manifest/>"), (name, b"x")]))
    assert says in refused.value.message and refused.value.rule == "ZIP APPNOTE 4.4.17.1"
    assert refused.value.file == name


def test_a_symbolic_link_is_refused(tmp_path):
    data = zip_with_raw_entries([("imsmanifest.xml", b"<manifest/>"), symlink_entry("link.html", "/etc/passwd")])
    with pytest.raises(InvalidPackage, match="symbolic link") as refused:
        _open(tmp_path, data)
    assert refused.value.file == "link.html"


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_names_are_refused(tmp_path):
    data = zip_with_raw_entries([("imsmanifest.xml", b"<manifest/>"), ("a.html", b"1"), ("a.html", b"2")])
    with pytest.raises(InvalidPackage, match="more than once"):
        _open(tmp_path, data)


def test_a_file_that_is_also_a_folder_is_refused(tmp_path):
    data = zip_with_raw_entries([("a", b"1"), ("a/b.html", b"2")])
    with pytest.raises(InvalidPackage, match="also the folder"):
        _open(tmp_path, data)


def test_more_members_than_the_limit_is_too_large(tmp_path):
    data = zip_bytes({f"f{number}.txt": b"x" for number in range(LIMITS.max_files + 1)})
    with pytest.raises(PackageTooLarge, match="LRS_PACKAGE_MAX_FILES"):
        _open(tmp_path, data)


def test_a_zip_bomb_is_too_large_before_anything_is_inflated(tmp_path):
    data = zip_bytes({"imsmanifest.xml": b"<manifest/>", "bomb.bin": b"\0" * 1_500_000})
    with pytest.raises(PackageTooLarge, match="zip bomb"):
        _open(tmp_path, data)


def test_a_member_over_the_size_limit_is_too_large(tmp_path):
    limits = IntakeLimits(**{**LIMITS.__dict__, "max_ratio": 10_000})
    data = zip_bytes({"big.bin": b"\0" * (LIMITS.max_file_bytes + 1)})
    with pytest.raises(PackageTooLarge, match="LRS_PACKAGE_MAX_FILE_BYTES"):
        _open(tmp_path, data, limits)


def test_members_over_the_total_limit_are_too_large(tmp_path):
    limits = IntakeLimits(**{**LIMITS.__dict__, "max_ratio": 10_000})
    data = zip_bytes({f"f{number}.bin": b"\0" * 1_000_000 for number in range(4)})
    with pytest.raises(PackageTooLarge, match="LRS_PACKAGE_MAX_TOTAL_BYTES"):
        _open(tmp_path, data, limits)


def test_a_member_whose_header_understates_its_size_is_cut_off_and_refused(tmp_path):
    # The central directory says 10 bytes; the deflated stream holds a megabyte (a lying bomb).
    data = bytearray(zip_bytes({"imsmanifest.xml": b"<manifest/>", "liar.bin": b"\0" * 1_000_000}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("liar.bin")
    directory_entry = data.rfind(b"PK\x01\x02")
    data[directory_entry + 24:directory_entry + 28] = (10).to_bytes(4, "little")
    local_header = info.header_offset
    data[local_header + 22:local_header + 26] = (10).to_bytes(4, "little")
    with _open(tmp_path, bytes(data)) as package:
        with pytest.raises(InvalidPackage, match="corrupt"):
            package.read("liar.bin")


def test_a_member_read_counts_against_the_total_as_it_is_inflated(tmp_path):
    # The check on inflated bytes holds even when the central directory's sizes pass.
    limits = IntakeLimits(**{**LIMITS.__dict__, "max_ratio": 10_000})
    data = zip_bytes({"a.bin": b"\0" * 900_000, "b.bin": b"\0" * 900_000})
    with _open(tmp_path, data, limits) as package:
        package._limits = IntakeLimits(**{**limits.__dict__, "max_total_bytes": 1_000_000})
        package.read  # noqa: B018
        with pytest.raises(PackageTooLarge):
            for name in sorted(package.names):
                with package.open(name) as stream:
                    stream.read()


def test_an_encrypted_member_is_refused(tmp_path):
    # ZIP APPNOTE 4.4.4: general purpose bit 0 marks an encrypted member (zipfile writes none, so set it).
    data = bytearray(zip_bytes({"secret.html": b"x"}))
    directory_entry = data.rfind(b"PK\x01\x02")
    data[directory_entry + 8] |= 0x1
    with pytest.raises(InvalidPackage, match="encrypted"):
        _open(tmp_path, bytes(data))


def test_a_body_that_is_not_a_zip_is_an_invalid_package(tmp_path):
    # launch-api.md, Courses: "This includes a body that claims to be a zip but is not one."
    with pytest.raises(InvalidPackage, match="not a readable zip"):
        _open(tmp_path, b"this is not a zip at all")


def test_a_safe_package_is_extracted_whole_inside_the_content_directory(tmp_path):
    content = _extract(tmp_path, tiny_scorm_zip(**{"scos/deep/page 1.html": b"deep"}))
    written = sorted(str(path.relative_to(content)) for path in content.rglob("*") if path.is_file())
    course = "00000000-0000-4000-8000-000000000001"
    assert written == [f"{course}/imsmanifest.xml", f"{course}/one.html", f"{course}/scos/deep/page 1.html",
                       f"{course}/two.html"]
    assert not (content / ".incoming").exists() or not any((content / ".incoming").iterdir())


def test_nothing_is_written_when_a_member_fails_half_way(tmp_path):
    limits = IntakeLimits(**{**LIMITS.__dict__, "max_ratio": 10_000})
    data = zip_bytes({"a.html": b"ok", "z.bin": b"\0" * 900_000})
    content = tmp_path / "content"
    with _open(tmp_path, data, limits) as package:
        package._limits = IntakeLimits(**{**limits.__dict__, "max_file_bytes": 100_000})
        with pytest.raises(PackageTooLarge):
            LocalContentStorage(content).put("00000000-0000-4000-8000-000000000001", package)
    assert [path for path in content.rglob("*") if path.is_file()] == []


def test_member_names_keep_directories_apart():
    assert checked_member_name("scos/") == "scos/"
    assert checked_member_name("scos/page.html") == "scos/page.html"


@pytest.mark.parametrize("content_type, kind", [("application/zip", "zip"), ("application/x-zip-compressed", "zip"),
                                                ("application/xml; charset=utf-8", "xml"), ("text/xml", "xml")])
def test_zip_and_xml_media_types_are_taken(content_type, kind):
    # launch-api.md, Courses: a zip, or a bare cmi5.xml as application/xml or text/xml.
    assert media_kind(content_type) == kind


@pytest.mark.parametrize("content_type", ["image/png", "application/json", "", None, "text/html"])
def test_other_media_types_are_unsupported(content_type):
    # launch-api.md, Courses: 415 a media type that is neither a zip nor XML.
    with pytest.raises(UnsupportedPackageType):
        media_kind(content_type)


def test_a_multipart_file_is_recognised_by_signature_or_name():
    assert kind_of_file("course.bin", b"PK\x03\x04") == "zip"
    assert kind_of_file("cmi5.xml", b"<?xml") == "xml"
    assert kind_of_file(None, b"\xef\xbb\xbf<courseStructure") == "xml"
    with pytest.raises(UnsupportedPackageType):
        kind_of_file("movie.mp4", b"\x00\x00\x00\x18ftyp")


def test_an_upload_over_the_limit_is_refused_while_streaming_and_leaves_no_file(tmp_path):
    limits = IntakeLimits(**{**LIMITS.__dict__, "max_upload_bytes": 1000})
    with pytest.raises(PackageTooLarge, match="LRS_PACKAGE_MAX_BYTES"):
        with spooled(io.BytesIO(b"x" * 5000), "zip", limits, tmp_path / "uploads"):
            pass
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_bare_xml_stands_for_the_root_file_its_root_element_names(tmp_path):
    for body, name in ((b"<courseStructure xmlns='https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd'/>",
                        "cmi5.xml"), (b"<manifest xmlns='http://www.imsglobal.org/xsd/imscp_v1p1'/>", "imsmanifest.xml")):
        path = tmp_path / "body.xml"
        path.write_bytes(body)
        with package_files(Upload(path, "xml"), LIMITS) as (files, bare_name):
            assert bare_name == name and files.names == {name}


def test_a_bare_xml_with_an_external_entity_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "body.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><other>&e;</other>')
    with pytest.raises(InvalidPackage) as refused:
        with package_files(Upload(path, "xml"), LIMITS):
            pass
    assert "root:" not in refused.value.message


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.binary(max_size=2000),
                      st.builds(lambda prefix, tail: prefix + tail, st.just(b"PK\x03\x04"), st.binary(max_size=500)),
                      st.builds(lambda data, cut: data[:cut], st.just(tiny_scorm_zip()), st.integers(0, 2000))))
def test_random_bytes_are_refused_as_an_invalid_or_too_large_package_never_anything_else(tmp_path, body):
    # issue 11: bad input is a clear 4xx; nothing is written outside the content directory.
    path = tmp_path / "random.zip"
    path.write_bytes(body)
    content = tmp_path / "content"
    try:
        with package_files(Upload(path, "zip"), LIMITS) as (files, _):
            LocalContentStorage(content).put(str(uuid.uuid4()), files)
    except (InvalidPackage, PackageTooLarge):
        pass
    outside = [p for p in tmp_path.rglob("*") if p.is_file() and content not in p.parents and p != path]
    assert outside == []
