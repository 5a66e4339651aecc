"""Test packages built at test time: the SCOs in content/ zipped with a manifest written here.

SCORM 1.2 CAM 2.3 and SCORM 2004 CAM 3.4: imsmanifest.xml at the root, one organization, items that
point at SCO resources listing their files."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape

CONTENT = Path(__file__).with_name("content")
# The script files each SCO page loads besides scormlog.js.
SCRIPTS = {"calls12.html": "calls12.js", "calls2004.html": "calls2004.js", "learner12.html": "learner.js",
           "learner2004.html": "learner.js"}


@dataclass(frozen=True)
class Item:
    identifier: str
    title: str
    page: str                     # a file of content/
    masteryscore: int | None = None  # SCORM 1.2 adlcp:masteryscore
    prerequisites: str | None = None  # SCORM 1.2 adlcp:prerequisites (aicc_script)


def _resources(items: list[Item], sco_attribute: str) -> str:
    lines = []
    for item in items:
        files = [item.page, "scormlog.js", SCRIPTS[item.page]]
        file_lines = "".join(f'<file href="{name}"/>' for name in files)
        lines.append(f'<resource identifier="res_{item.identifier}" type="webcontent" {sco_attribute}="sco" '
                     f'href="{item.page}">{file_lines}</resource>')
    return "\n    ".join(lines)


def manifest12(title: str, items: list[Item]) -> str:
    entries = []
    for item in items:
        mastery = f"<adlcp:masteryscore>{item.masteryscore}</adlcp:masteryscore>" if item.masteryscore is not None else ""
        if item.prerequisites:
            mastery += f'<adlcp:prerequisites type="aicc_script">{escape(item.prerequisites)}</adlcp:prerequisites>'
        entries.append(f'<item identifier={quoteattr(item.identifier)} identifierref="res_{item.identifier}">'
                       f"<title>{escape(item.title)}</title>{mastery}</item>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test12" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>{escape(title)}</title>
    {"".join(entries)}
    </organization>
  </organizations>
  <resources>
    {_resources(items, "adlcp:scormtype")}
  </resources>
</manifest>
"""


def manifest2004(title: str, items: list[Item]) -> str:
    entries = "".join(f'<item identifier={quoteattr(item.identifier)} identifierref="res_{item.identifier}">'
                      f"<title>{escape(item.title)}</title></item>" for item in items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="test2004" version="1.0" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
    xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 3rd Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>{escape(title)}</title>
    {entries}
    <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    {_resources(items, "adlcp:scormType")}
  </resources>
</manifest>
"""


def build_zip(manifest: str, items: list[Item]) -> bytes:
    names = {"scormlog.js"} | {item.page for item in items} | {SCRIPTS[item.page] for item in items}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        for name in sorted(names):
            archive.write(CONTENT / name, name)
    return buffer.getvalue()


def package12(title: str, items: list[Item]) -> bytes:
    return build_zip(manifest12(title, items), items)


def package2004(title: str, items: list[Item]) -> bytes:
    return build_zip(manifest2004(title, items), items)
