"""Course packages the `scorm` and `cmi5` workloads import: the golf fixtures, a large SCORM 1.2 package
of incompressible media, a SCORM 2004 tree of many activities, and a one-AU cmi5 course."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

SCORM_FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "scorm"
GOLF_12 = SCORM_FIXTURES / "golf_ContentPackagingSingleSCO_SCORM12.zip"
GOLF_2004 = SCORM_FIXTURES / "golf_RuntimeBasicCalls_SCORM20043rdEdition.zip"
SCO_PAGE = b"<!doctype html><title>bench SCO</title><p>A SCO the bench never renders.</p>"
MEDIA_FILE_BYTES = 1024 * 1024


def large_scorm12(path: Path, megabytes: int) -> Path:
    """A SCORM 1.2 package of one SCO and `megabytes` files of 1 MB random bytes (media that deflate cannot
    shrink), each listed as a <file> of the resource, stored uncompressed as such media usually is."""
    names = [f"media/clip-{number:04d}.mp4" for number in range(megabytes)]
    files = "".join(f'<file href="{name}"/>' for name in names)
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench.large" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Large bench course</title>
    <item identifier="item" identifierref="res"><title>Video lesson</title></item>
  </organization></organizations>
  <resources><resource identifier="res" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/>{files}</resource></resources>
</manifest>"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("index.html", SCO_PAGE)
        for name in names:
            archive.writestr(name, os.urandom(MEDIA_FILE_BYTES))
    return path


def scorm2004_tree(activities: int, branching: int = 25) -> bytes:
    """A SCORM 2004 3rd Edition zip whose organization holds `activities` leaf SCOs under clusters of
    `branching`, flow navigation allowed everywhere, so `continue` walks the whole tree (SN 4.2)."""
    clusters = []
    for first in range(0, activities, branching):
        leaves = "".join(f'<item identifier="leaf-{n}" identifierref="res"><title>Page {n}</title></item>'
                         for n in range(first, min(first + branching, activities)))
        clusters.append(f'<item identifier="cluster-{first // branching}"><title>Module {first // branching}</title>'
                        f'{leaves}<imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing></item>')
    manifest = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench.tree" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Tree of {activities} activities</title>
    {"".join(clusters)}<imsss:sequencing><imsss:controlMode flow="true"/></imsss:sequencing>
  </organization></organizations>
  <resources><resource identifier="res" type="webcontent" adlcp:scormType="sco" href="sco.html">
    <file href="sco.html"/></resource></resources>
</manifest>"""
    return _zip({"imsmanifest.xml": manifest.encode(), "sco.html": SCO_PAGE})


def cmi5_course(au_url: str = "https://au.example.com/bench/quiz.html") -> bytes:
    """A bare cmi5.xml: one AU (moveOn CompletedAndPassed, masteryScore 0.8) in one block, so the
    AU's passed satisfies the block and then the course (cmi5 9.3.9)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/bench/cmi5-course">
    <title><langstring lang="en-US">Bench cmi5 course</langstring></title>
    <description><langstring lang="en-US">One judged AU.</langstring></description>
  </course>
  <block id="https://example.com/bench/cmi5-block">
    <title><langstring lang="en-US">Judged block</langstring></title>
    <description><langstring lang="en-US">The quiz.</langstring></description>
    <au id="https://example.com/bench/cmi5-quiz" moveOn="CompletedAndPassed" masteryScore="0.8">
      <title><langstring lang="en-US">Quiz</langstring></title>
      <description><langstring lang="en-US">A quiz the bench answers.</langstring></description>
      <url>{escape(au_url)}</url>
    </au>
  </block>
</courseStructure>""".encode()


def cmi5_large_course(aus: int = 1000) -> bytes:
    """A bare cmi5.xml of `aus` AUs (moveOn Completed) in one block: CATAPULT's 101-one-thousand-aus shape
    (cmi5 6.1), for the import and launch figures of a large course."""
    units = "".join(f"""
    <au id="https://example.com/bench/large/au/{n}" moveOn="Completed">
      <title><langstring lang="en-US">AU {n}</langstring></title>
      <description><langstring lang="en-US">One of {aus}.</langstring></description>
      <url>https://au.example.com/bench/large/{n}.html</url>
    </au>""" for n in range(aus))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.com/bench/large-course">
    <title><langstring lang="en-US">Bench course of {aus} AUs</langstring></title>
    <description><langstring lang="en-US">Many AUs.</langstring></description>
  </course>
  <block id="https://example.com/bench/large-block">
    <title><langstring lang="en-US">All AUs</langstring></title>
    <description><langstring lang="en-US">Every AU.</langstring></description>{units}
  </block>
</courseStructure>""".encode()


def _zip(files: dict[str, bytes]) -> bytes:
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
