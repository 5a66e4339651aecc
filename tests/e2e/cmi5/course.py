"""The browser tests' cmi5 course: a zip whose cmi5.xml has two AUs at its root (cmi5 13, 14.1)."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from pathlib import Path

from tests.e2e.conftest import NODE_MODULES

CONTENT = Path(__file__).with_name("content")
CMI5_LIBRARY = NODE_MODULES / "@xapi" / "cmi5" / "dist" / "Cmi5.umd.js"  # `make npm`

COURSE_ID = "https://example.com/e2e/cmi5/course"
# Packaged in the zip (a relative url, 14.1), moveOn CompletedAndPassed with a mastery score (13.1.4).
CONFORMANT_AU = "https://example.com/e2e/cmi5/au/conformant"
# On another origin (a fully qualified url); moveOn NotApplicable (the default), so it is satisfied from the
# registration on (9.6.1) and the course waits on the conformant AU alone.
RULE_BREAKING_AU = "https://example.com/e2e/cmi5/au/rule-breaking"
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"


def _texts(title: str) -> str:
    return (f'<title><langstring lang="en-US">{escape(title)}</langstring></title>'
            f'<description><langstring lang="en-US">{escape(title)}, for the browser test</langstring></description>')


def cmi5_xml(au_origin: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<courseStructure xmlns="{NAMESPACE}">'
            f'<course id="{COURSE_ID}">{_texts("Browser test course")}</course>'
            f'<au id="{CONFORMANT_AU}" moveOn="CompletedAndPassed" masteryScore="0.8">'
            f'{_texts("A conformant AU")}<url>au/index.html</url></au>'
            f'<au id="{RULE_BREAKING_AU}">{_texts("An AU that breaks the rules")}'
            f'<url>{escape(au_origin)}/rules.html</url></au>'
            f'</courseStructure>').encode()


def course_zip(au_origin: str) -> bytes:
    """cmi5.xml at the root (14.1), the conformant AU's page and script, and the library beside them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("cmi5.xml", cmi5_xml(au_origin))
        for page in sorted((CONTENT / "conformant").iterdir()):
            package.write(page, f"au/{page.name}")
        package.write(CMI5_LIBRARY, "au/Cmi5.umd.js")
    return buffer.getvalue()
