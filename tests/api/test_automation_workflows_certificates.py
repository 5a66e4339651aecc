"""Certificates (issue 15, Workflows: Certificates), on SQLite and PostgreSQL: issued at course completion
(SCORM passed through the real player API, cmi5 satisfied, or an explicit rule), rendered as PDF and emailed once; the
PDF's text read back with pdftotext; its verification URL confirms it and reports revocation."""
from __future__ import annotations

import re
import shutil
import subprocess
import uuid

import pytest

from tests.api.automation_workflows_world import PUBLIC_URL, make_world
from tests.factories import new_id

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")


@pytest.fixture(scope="module")
def world(database_url, tmp_path_factory):
    world = make_world(database_url, tmp_path_factory)
    yield world
    # the SMTP server is shared by every world of this process (automation_workflows_world.shared_smtp)
    world.app.extensions["lrs"].close()


def pdf_text(message, tmp_path) -> str:
    [attachment] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == "certificate.pdf"
    path = tmp_path / f"{uuid.uuid4().hex}.pdf"
    path.write_bytes(attachment.get_content())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def certificate_mail(world, email: str) -> list:
    """The certificate messages (a completed statement also earns the re-engagement congratulations)."""
    return [message for message in world.mail_to(email) if message["Subject"].startswith("Your certificate")]


def verification_path(text: str) -> str:
    url = re.search(re.escape(PUBLIC_URL) + r"/certificates/[A-Za-z0-9_-]{43}", text).group(0)
    return url[len(PUBLIC_URL):]


def explicit_rule(world, activity: str, title: str) -> None:
    response = world.admin("PUT", "/rules/certificates", json={
        "on_course_completion": True, "rules": [{"verb": COMPLETED, "activity": activity, "title": title}]})
    assert response.status_code == 200, response.get_json()


def completion(email: str, name: str, activity: str) -> dict:
    return {"id": new_id(), "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"},
            "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": activity}}


def test_an_explicit_rule_issues_one_certificate_whose_pdf_and_url_verify_it(world, tmp_path):
    email = f"amara-{uuid.uuid4().hex[:8]}@example.com"
    activity = f"https://example.com/programmes/{uuid.uuid4().hex}"
    explicit_rule(world, activity, "Fire Warden Programme")
    world.post_statement(completion(email, "Amara Okafor", activity))
    world.run()
    [message] = certificate_mail(world, email)
    assert message["Subject"] == "Your certificate for Fire Warden Programme"
    text = pdf_text(message, tmp_path)
    for expected in ("Certificate of Completion", "Amara Okafor", "has completed the course", "Fire Warden Programme",
                     "Issued by Learning Record Store", "Verify this certificate at " + PUBLIC_URL + "/certificates/"):
        assert expected in text, (expected, text)
    path = verification_path(text)
    assert path in message.get_body(("plain",)).get_content()
    page = world.http.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "This certificate is valid" in html and "Amara Okafor" in html and "Fire Warden Programme" in html
    # Inert on our origin: no script source at all, forms only to ourselves, never framed, no sniffing.
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff" and "<script" not in html
    # Issuing is idempotent: completing again issues and sends nothing new.
    world.post_statement(completion(email, "Amara Okafor", activity))
    world.run()
    assert len(certificate_mail(world, email)) == 1
    listed = [item for item in world.admin("GET", "/certificates").get_json()["certificates"]
              if item["courseId"] == activity]
    assert len(listed) == 1 and listed[0]["verificationUrl"] == PUBLIC_URL + path


def test_a_revoked_certificate_says_so_on_its_verification_page(world, tmp_path):
    email = f"revoke-{uuid.uuid4().hex[:8]}@example.com"
    activity = f"https://example.com/programmes/{uuid.uuid4().hex}"
    explicit_rule(world, activity, "Ladder Safety")
    world.post_statement(completion(email, "Jonas Berg", activity))
    world.run()
    path = verification_path(pdf_text(certificate_mail(world, email)[0], tmp_path))
    certificate_id = path.rsplit("/", 1)[1]
    refused = world.admin("POST", f"/certificates/{certificate_id}/revoke", json={"reason": ""})
    assert refused.status_code == 400 and refused.get_json()["path"] == "reason"
    revoked = world.admin("POST", f"/certificates/{certificate_id}/revoke", json={"reason": "issued in error"})
    assert revoked.status_code == 200 and revoked.get_json()["revokedMs"] is not None
    html = world.http.get(path).get_data(as_text=True)
    assert "This certificate was revoked" in html and "issued in error" in html and "Jonas Berg" in html
    assert "This certificate is valid" not in html


def test_unknown_or_altered_certificate_ids_are_not_found(world):
    for path in ("/certificates/" + "A" * 43, "/certificates/x", "/certificates/" + "a" * 300):
        page = world.http.get(path)
        assert page.status_code == 404 and "No certificate has this address" in page.get_data(as_text=True)
    assert world.admin("POST", "/certificates/nope/revoke", json={"reason": "r"}).status_code == 404


def test_passing_every_sco_of_a_scorm_course_issues_the_course_certificate(world, tmp_path):
    # issue 15: "at course completion (from the LRS: ... SCORM completed/passed ...)", through the real
    # launch API and SCORM player protocol; delivery's progress decides the course is done.
    email = f"scorm-{uuid.uuid4().hex[:8]}@example.com"
    enrolled = world.api("POST", "/api/v1/enrolments", json={
        "learner": {"account": {"homePage": "https://school.example.com", "name": email}, "name": "Lena Fischer"},
        "email": email, "course": world.course_id})
    assert enrolled.status_code == 200, enrolled.get_json()
    registration = enrolled.get_json()["grants"][0]["registration"]
    for index in (0, 1):
        launch = world.api("POST", f"/api/v1/registrations/{registration}/launch", json={"index": index}).get_json()
        token = launch["url"].split("#launch=")[1]
        started = world.http.post(f"/player/api/sessions/{launch['session']}/start", json={"launchToken": token})
        assert started.status_code == 200, started.get_data()[:300]
        finished = world.http.post(f"/player/api/sessions/{launch['session']}/terminate", json={
            "sessionToken": started.get_json()["sessionToken"], "cmi": {"cmi.core.lesson_status": "passed"}})
        assert finished.status_code in (200, 204), finished.get_data()[:300]
    world.run()
    assert world.mail_to(email)[0]["Subject"] == "Welcome to Fire Safety"
    [message] = certificate_mail(world, email)
    assert message["Subject"] == "Your certificate for Fire Safety"
    text = pdf_text(message, tmp_path)
    assert "Lena Fischer" in text and "Fire Safety" in text
    assert "This certificate is valid" in world.http.get(verification_path(text)).get_data(as_text=True)


def test_a_cmi5_course_satisfied_issues_the_course_certificate(world, tmp_path):
    # issue 15: "cmi5 satisfied": the LMS's satisfied statement about the course (cmi5 9.6.2.2), here
    # decided by waivers (cmi5 9.3.9: a waived AU has met moveOn).
    from tests.unit.delivery.support import cmi5_xml
    imported = world.api("POST", "/api/v1/courses", data=cmi5_xml("https://example.com/au/a", "https://example.com/au/b",
                                                                  title="Hazard Awareness"),
                         content_type="application/xml")
    assert imported.status_code == 201, imported.get_json()
    email = f"cmi5-{uuid.uuid4().hex[:8]}@example.com"
    enrolled = world.api("POST", "/api/v1/enrolments", json={
        "learner": {"account": {"homePage": "https://school.example.com", "name": email}, "name": "Kofi Mensah"},
        "email": email, "course": imported.get_json()["id"]})
    registration = enrolled.get_json()["grants"][0]["registration"]
    world.run()
    assert certificate_mail(world, email) == []  # enrolled, not yet satisfied
    for au in ("https://example.com/au/a", "https://example.com/au/b"):
        waived = world.api("POST", f"/api/v1/registrations/{registration}/waive",
                           json={"launchable": au, "reason": "Tested Out"})
        assert waived.status_code == 204, waived.get_json()
    world.run()
    [message] = certificate_mail(world, email)
    text = pdf_text(message, tmp_path)
    assert "Kofi Mensah" in text and "Hazard Awareness" in text
