"""What delivery's tests share: zips built in memory (hostile ones too), a tiny cmi5-like Standard (a test
double of an interface we own, for the mechanics SCORM does not exercise: accounts, waive, abandon
writing a state), and an app on a test database with its own content directory."""
from __future__ import annotations

import base64
import io
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from delivery.course import Launchable, ParsedCourse
from delivery.errors import NotAllowed
from delivery.package import InvalidPackage
from delivery.standard import CourseProgress, Launch
from lrs.app import create_app
from lrs.settings import Settings
from tests.factories import issue_credential

SCORM_FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "scorm"
GOLF_12 = SCORM_FIXTURES / "golf_ContentPackagingOneFilePerSCO_SCORM12.zip"
GOLF_2004 = SCORM_FIXTURES / "golf_ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip"
SERVER_SECRET = "delivery tests sign with this secret, which is long enough"

MANIFEST_12 = b"""<?xml version="1.0"?>
<manifest identifier="m" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="o"><organization identifier="o"><title>Tiny</title>
    <item identifier="i1" identifierref="r1"><title>One</title></item>
    <item identifier="i2" identifierref="r2"><title>Two</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="one.html"><file href="one.html"/></resource>
    <resource identifier="r2" type="webcontent" adlcp:scormtype="sco" href="two.html"><file href="two.html"/></resource>
  </resources>
</manifest>"""


def cmi5_xml(*au_ids: str, title: str = "Tiny cmi5") -> bytes:
    aus = "".join(f'<au id="{au_id}" moveOn="Completed"><title><langstring lang="en">AU {number}</langstring></title>'
                  f'<description><langstring lang="en">d</langstring></description><url>https://au.example.com/{number}'
                  f'</url></au>' for number, au_id in enumerate(au_ids))
    return (f'<?xml version="1.0"?><courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
            f'<course id="https://example.com/course"><title><langstring lang="en">{title}</langstring></title>'
            f'<description><langstring lang="en">d</langstring></description></course>{aus}</courseStructure>').encode()


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tiny_scorm_zip(**extra: bytes) -> bytes:
    return zip_bytes({"imsmanifest.xml": MANIFEST_12, "one.html": b"<p>one</p>", "two.html": b"<p>two</p>", **extra})


def zip_with_raw_entries(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """Members written as given, names and attributes unchecked (zipfile itself would refuse nothing)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in entries:
            archive.writestr(info, content)
    return buffer.getvalue()


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


class TinyCmi5:
    """A cmi5-like standard for delivery's mechanics: AUs from cmi5.xml, launch URL outside, waive once."""

    root_file = "cmi5.xml"
    course_standards = ("cmi5",)
    ends: list[tuple[str, str]] = []

    def parse(self, files, *, manifest_only: bool) -> ParsedCourse:
        try:
            root = etree.fromstring(files.read("cmi5.xml"), etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as error:
            raise InvalidPackage(str(error), rule="cmi5 13.1", file="cmi5.xml") from None
        aus = [element for element in root.iter() if etree.QName(element).localname == "au"]
        if not aus:
            raise InvalidPackage("no AU", rule="cmi5 13.1.4", file="cmi5.xml")
        launchables = tuple(Launchable(au.get("id"), index, f"AU {index}", "AnyWindow") for index, au in enumerate(aus))
        return ParsedCourse("cmi5", None, "Tiny cmi5", launchables, {"aus": [item.id for item in launchables]})

    def registration_created(self, state, runtime):
        """Saves a registration record (cmi5 9.6.1 evaluates moveOn here); refuses one learner, to prove undo."""
        if state.registration.learner.get("account", {}).get("name") == "refused":
            raise NotAllowed("this test standard refuses this learner")
        runtime.save_records([], replace(state.record, data={"evaluated": True}))
        return state

    def choose(self, state, request, runtime) -> str:
        if request.launchable_id == "https://example.com/au/locked":
            raise NotAllowed("that AU is locked")
        return request.launchable_id or state.course.launchables[0].id

    def launch(self, state, session, launch_token, request, runtime) -> Launch:
        record = state.item(session.launchable_id)
        runtime.save_records([replace(record, attempts=record.attempts + 1, last_launched_ms=session.launched_ms)])
        return Launch(f"https://au.example.com/au?endpoint={runtime.public_url}/xapi&token={launch_token}",
                      "AnyWindow")

    def progress(self, state) -> CourseProgress:
        satisfied = all(state.item(item.id).satisfied for item in state.course.launchables)
        return CourseProgress(completion="unknown", success="unknown", score=None, satisfied=satisfied,
                              blocks=({"id": "https://example.com/block", "title": "Block", "satisfied": satisfied},))

    def waive(self, state, launchable_id, reason, runtime) -> None:
        record = state.item(launchable_id)
        if record.waived:
            raise NotAllowed("already waived (cmi5 9.3.7)")
        runtime.save_records([replace(record, waived=True, satisfied=True)])

    def end_session(self, state, session, reason, runtime) -> str:
        self.ends.append((session.id, reason))
        return "abandoned"

    def blueprints(self):
        return []


def make_app(database_url: str, content_dir: Path, **overrides):
    from scorm_runtime.standard import ScormStandard
    settings = Settings(database_url=database_url, secret_key=SERVER_SECRET, auth_failure_limit=100_000,
                        content_dir=content_dir, public_url="https://lrs.example.com", **overrides)
    return create_app(settings, standards=[ScormStandard(), TinyCmi5()])


def basic(key: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


class CourseClient:
    """Flask's test client with one store's credential on every request."""

    def __init__(self, app, scopes: str = "all"):
        self.app = app
        self.credential = issue_credential(app.extensions["lrs"], "delivery tests", scopes=scopes)
        self.store_id = self.credential.store_id
        self.http = app.test_client()
        self.headers = basic(self.credential.key, self.credential.secret)

    def open(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.open(path, method=method, headers=headers, **kwargs)

    def import_zip(self, data: bytes, **kwargs):
        return self.open("POST", "/api/v1/courses", data=data, content_type="application/zip", **kwargs)

    def course(self, data: bytes) -> dict:
        response = self.import_zip(data)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def register(self, course_id: str, learner: dict | None = None, **extra):
        body = {"course": course_id, "learner": learner or {"mbox": "mailto:kim@example.com", "name": "Kim"}, **extra}
        return self.open("POST", "/api/v1/registrations", json=body)

    def registration(self, course_id: str, learner: dict | None = None) -> str:
        response = self.register(course_id, learner)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    def launch(self, registration_id: str, **body):
        return self.open("POST", f"/api/v1/registrations/{registration_id}/launch", json=body)


def refused(response, status: int, error: str) -> dict:
    """The contract's error body (launch-api.md, Conventions)."""
    assert response.status_code == status, (response.status_code, response.get_data()[:500])
    body = response.get_json()
    assert body["error"] == error and body["message"], body
    return body


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in Path(folder).rglob("*") if path.is_file()) if Path(folder).exists() else []
