"""Test-only PackageFiles: a fixture zip opened with zipfile (the real intake is delivery/intake.py), and an
in-memory package built from a manifest string and member names."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parents[4] / ".." / "shared" / "fixtures" / "scorm"


class ZipPackage:
    def __init__(self, path: Path):
        self._zip = zipfile.ZipFile(path)
        self._names = frozenset(info.filename for info in self._zip.infolist() if not info.is_dir())

    @property
    def names(self) -> frozenset[str]:
        return self._names

    def read(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return self._zip.read(name)

    def open(self, name: str):
        if name not in self._names:
            raise KeyError(name)
        return self._zip.open(name)


class MemoryPackage:
    def __init__(self, manifest: str | bytes, *members: str):
        self._files = {name: b"" for name in members}
        self._files["imsmanifest.xml"] = manifest.encode() if isinstance(manifest, str) else manifest

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._files)

    def read(self, name: str) -> bytes:
        return self._files[name]

    def open(self, name: str):
        return io.BytesIO(self._files[name])


def fixture(name: str) -> ZipPackage:
    return ZipPackage(FIXTURES / name)


SCORM12_HEAD = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>"""

SCORM2004_HEAD = """<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
          xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
          xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion></metadata>"""


def scorm12(organizations: str, resources: str, tail: str = "") -> str:
    return f"{SCORM12_HEAD}\n{organizations}\n<resources>{resources}</resources>{tail}</manifest>"


def scorm2004(organizations: str, resources: str, tail: str = "", schemaversion: str = "2004 4th Edition") -> str:
    head = SCORM2004_HEAD.format(schemaversion=schemaversion)
    if schemaversion is None:
        head = head.replace("<schemaversion>None</schemaversion>", "")
    return f"{head}\n{organizations}\n<resources>{resources}</resources>{tail}</manifest>"


def one_item_org(item_body: str = "", item_attributes: str = 'identifierref="r1"', org_body: str = "") -> str:
    return (f'<organizations default="o"><organization identifier="o"><title>Course</title>'
            f'<item identifier="i1" {item_attributes}><title>Lesson</title>{item_body}</item>{org_body}'
            f'</organization></organizations>')
