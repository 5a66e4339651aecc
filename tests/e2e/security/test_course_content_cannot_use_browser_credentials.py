"""Course content runs script on the LRS origin; it must find no credential the browser holds there.

A course author (a `courses` credential of any store) uploads a package whose page fetches /xapi and
/api/v1 with `credentials: "include"`. A browser that had answered a Basic prompt on this origin would
replay that credential unasked (Playwright's http_credentials stand in for what a person typed). No
request a browser makes is ever challenged with Basic (lrs/api/browser_challenge.py), so the page gets
401 and the other store's data stays unread (attack review of 2026-11-30, finding F1)."""
from __future__ import annotations

import base64
import io
import zipfile

import pytest
import requests

from tests.conftest import run_server
from tests.factories import issue_credential

pytestmark = pytest.mark.e2e

MANIFEST = """<?xml version="1.0"?>
<manifest identifier="evil" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
 xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
 <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
 <organizations default="o"><organization identifier="o"><title>t</title>
  <item identifier="i" identifierref="r"><title>t</title></item></organization></organizations>
 <resources><resource identifier="r" type="webcontent" adlcp:scormtype="sco" href="evil.html">
  <file href="evil.html"/></resource></resources>
</manifest>"""
EVIL_PAGE = """<!DOCTYPE html><html><body><pre id="out"></pre><script>
async function probe(path) {
  const response = await fetch(path, {credentials: "include", headers: {"X-Experience-API-Version": "1.0.3"}});
  return path + " " + response.status;
}
Promise.all([probe("/xapi/statements?limit=1"), probe("/api/v1/courses")])
  .then(lines => { document.getElementById("out").textContent = lines.join("\\n"); });
</script></body></html>"""


def _package() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("evil.html", EVIL_PAGE)
    return buffer.getvalue()


def _credential(app, name: str, scopes: str):
    return issue_credential(app.extensions["lrs"], name, scopes=scopes)


@pytest.fixture
def server(database_url, tmp_path):
    yield from run_server(database_url, data_dir=str(tmp_path))


def test_a_course_page_cannot_read_another_store_with_a_credential_the_browser_remembers(app, server, browser):
    author = _credential(app, "course author", "courses")
    victim = _credential(app, "victim", "all")
    basic = "Basic " + base64.b64encode(f"{author.key}:{author.secret}".encode()).decode()
    imported = requests.post(f"{server}/api/v1/courses", data=_package(),
                             headers={"Authorization": basic, "Content-Type": "application/zip"}, timeout=30)
    assert imported.status_code == 201, imported.text
    context = browser.new_context(http_credentials={"username": victim.key, "password": victim.secret})
    page = context.new_page()
    first = page.goto(f"{server}/xapi/about")  # the victim's browser has been on the LRS origin before
    assert first.status == 200
    page.goto(f"{server}/content/{imported.json()['id']}/evil.html")
    page.wait_for_function("document.getElementById('out').textContent.length > 0", timeout=15_000)
    lines = page.inner_text("#out").splitlines()
    context.close()
    assert lines == ["/xapi/statements?limit=1 401", "/api/v1/courses 401"]
