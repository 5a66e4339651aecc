"""Hostile manifests: entity expansion, external entities and DTDs, size, breadth and depth (issue 11, Hostile
input). Each is refused with a clear message, never expanded or fetched, and in bounded time."""
from __future__ import annotations

import socket
import time

import pytest

from delivery.package import InvalidPackage
from scorm_runtime.cam import CamLimits, parse_package

from .packages import MemoryPackage, one_item_org, scorm2004

R1 = '<resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/>'
BODY = scorm2004(one_item_org(), R1).split("?>", 1)[1]

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE manifest [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>""" + BODY.replace("<title>Course</title>", "<title>&lol9;</title>", 1)


def refused(manifest, **options) -> InvalidPackage:
    with pytest.raises(InvalidPackage) as error:
        parse_package(MemoryPackage(manifest, "index.html"), **options)
    return error.value


def test_billion_laughs_is_refused_without_expansion():
    started = time.monotonic()
    error = refused(BILLION_LAUGHS)
    assert time.monotonic() - started < 2
    assert (error.rule, error.file) == ("SCORM CAM 3.2", "imsmanifest.xml")
    assert "entities" in error.message and "never expanded" in error.message


def test_billion_laughs_in_utf16_is_refused():
    manifest = BILLION_LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    error = refused(manifest.encode("utf-16"))
    assert "entities" in error.message


@pytest.fixture
def listener():
    """A local TCP port that records whether anything connected (an external entity or DTD fetch would)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.3)
    yield server
    server.close()


def _connected(server) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


def test_external_entity_is_refused_and_never_fetched(listener):
    port = listener.getsockname()[1]
    manifest = (f'<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "http://127.0.0.1:{port}/x">]>'
                + BODY.replace("<title>Lesson</title>", "<title>&xxe;</title>"))
    error = refused(manifest)
    assert "entities" in error.message
    assert not _connected(listener)


def test_local_file_entity_is_refused():
    manifest = ('<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                + BODY.replace("<title>Lesson</title>", "<title>&xxe;</title>"))
    error = refused(manifest)
    assert "root:" not in error.message and "entities" in error.message


def test_external_dtd_is_refused_and_never_fetched(listener):
    port = listener.getsockname()[1]
    manifest = f'<?xml version="1.0"?>\n<!DOCTYPE manifest SYSTEM "http://127.0.0.1:{port}/evil.dtd">' + BODY
    error = refused(manifest)
    assert "external DTD" in error.message
    assert not _connected(listener)


def test_local_external_dtd_is_refused_without_reading_it():
    manifest = '<?xml version="1.0"?>\n<!DOCTYPE manifest SYSTEM "/etc/passwd">' + BODY
    error = refused(manifest)
    assert "external DTD" in error.message and "root:" not in error.message


def test_parameter_entity_is_refused(listener):
    port = listener.getsockname()[1]
    manifest = (f'<?xml version="1.0"?>\n<!DOCTYPE manifest [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p">'
                '%remote;]>' + BODY)
    refused(manifest)
    assert not _connected(listener)


def test_plain_doctype_without_entities_is_harmless():
    course = parse_package(MemoryPackage('<?xml version="1.0"?>\n<!DOCTYPE manifest>' + BODY, "index.html"))
    assert course.launchables[0].id == "i1"


def test_undefined_entity_reference_is_not_well_formed():
    error = refused(BODY.replace("<title>Lesson</title>", "<title>&nope;</title>"))
    assert "not well-formed" in error.message


def test_manifest_over_the_size_limit_is_refused():
    error = refused(BODY + " " * 2000, limits=CamLimits(max_manifest_bytes=1000))
    assert "over the limit" in error.message


def _wide(count: int) -> str:
    items = "".join(f'<item identifier="i{k}" identifierref="r1"><title>T{k}</title>'
                    '<imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing></item>'
                    for k in range(count))
    return scorm2004(f'<organizations><organization identifier="o"><title>C</title>{items}</organization>'
                     '</organizations>', R1)


def test_200k_item_manifest_is_refused_by_a_limit_quickly():
    items = "".join(f'<item identifier="i{k}" identifierref="r1"/>' for k in range(200_000))
    manifest = scorm2004(f'<organizations><organization identifier="o"><title>C</title>{items}</organization>'
                         '</organizations>', R1)
    started = time.monotonic()
    error = refused(manifest)
    assert time.monotonic() - started < 10
    assert error.rule == "SCORM CAM 3.4.1.9" and "more than 50000 items" in error.message
    assert time.monotonic() - started < 5


def test_oversized_200k_item_manifest_is_refused_by_its_size():
    started = time.monotonic()
    error = refused(_wide(200_000))
    assert time.monotonic() - started < 10
    assert "over the limit" in error.message


def test_element_limit_is_a_setting():
    error = refused(_wide(50), limits=CamLimits(max_elements=100))
    assert error.rule == "SCORM CAM 3.2" and "more than 100 elements" in error.message


def test_item_limit_is_a_setting():
    error = refused(_wide(50), limits=CamLimits(max_items=20))
    assert error.rule == "SCORM CAM 3.4.1.9" and "more than 20 items" in error.message


def _cpu_seconds(manifest: str) -> float:
    """Best of three CPU times (process time is far steadier than wall time on a shared machine)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        parse_package(MemoryPackage(manifest, "index.html"))
        best = min(best, time.process_time() - started)
    return best


def test_parsing_is_linear_in_the_number_of_items():
    # Twenty times the items may cost at most ~50 times the CPU time (linear, with room for noise).
    small, large = _wide(150), _wide(3_000)
    parse_package(MemoryPackage(small, "index.html"))  # warm caches
    assert _cpu_seconds(large) < max(50 * _cpu_seconds(small), 0.5)


def _deep(depth: int) -> str:
    opening = "".join(f'<item identifier="d{k}"><title>D</title>' for k in range(depth))
    return scorm2004('<organizations><organization identifier="o"><title>C</title>' + opening
                     + '<item identifier="leaf" identifierref="r1"/>' + "</item>" * depth
                     + "</organization></organizations>", R1)


def test_items_nested_past_the_depth_limit_are_refused():
    error = refused(_deep(100))
    assert error.rule == "SCORM CAM 3.4.1.9" and "nested more than 64" in error.message


def test_document_nesting_past_libxml2_depth_is_refused_quickly():
    started = time.monotonic()
    error = refused(_deep(20_000))
    assert time.monotonic() - started < 2
    assert error.rule == "SCORM CAM 3.2"


def test_deep_but_allowed_nesting_parses():
    course = parse_package(MemoryPackage(_deep(60), "index.html"))
    assert [launchable.id for launchable in course.launchables] == ["leaf"]
