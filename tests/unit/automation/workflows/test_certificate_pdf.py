"""The certificate PDF (issue 15, Certificates: "the certificate PDF's text is checked with pdftotext")."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from automation.certificates.pdf import render_pdf
from automation.certificates.store import Certificate

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")


def certificate(**changes) -> Certificate:
    values = dict(id="Zx9" * 14 + "A", store_id=1, learner_key="mbox|mailto:a@example.com",
                  learner_name="Zoë Ångström", learner_email="a@example.com", course_id="c",
                  course_title="Safety", completed_ms=1_767_225_600_000, issued_ms=1_767_225_600_000,
                  revoked_ms=None, revoke_reason=None)
    return Certificate(**{**values, **changes})


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("name", ["Zoë Ångström", "Łukasz Żółć", "Αλέξης Παπαδόπουλος", "Дмитрий Иванов"])
def test_names_in_any_european_script_come_out_as_written(name, tmp_path):
    text = text_of(render_pdf(certificate(learner_name=name), "https://lrs.example.com/certificates/x", "Us"),
                   tmp_path)
    assert name in text and "01 January 2026" in text


def test_a_long_title_shrinks_to_fit_and_stays_whole(tmp_path):
    title = "Advanced Occupational Health and Safety Management for Multi-Site Construction Projects, Part II"
    text = text_of(render_pdf(certificate(course_title=title), "https://lrs.example.com/certificates/x", "Us"),
                   tmp_path)
    assert " ".join(title.split()) in " ".join(text.split())


def test_the_same_certificate_renders_the_same_bytes():
    one = render_pdf(certificate(), "https://lrs.example.com/certificates/x", "Us")
    assert one == render_pdf(certificate(), "https://lrs.example.com/certificates/x", "Us")
