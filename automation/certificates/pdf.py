"""The certificate as a one-page landscape A4 PDF (ReportLab), text only, so pdftotext reads it back."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from automation.certificates.store import Certificate

# DejaVu Sans (Debian's fonts-dejavu-core) covers Latin, Greek and Cyrillic names, which the PDF standard
# fonts (Latin-1 only) would print as boxes; without it, Helvetica.
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    regular, bold = _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        registerFont(TTFont("CertificateSans", str(regular)))
        registerFont(TTFont("CertificateSans-Bold", str(bold)))
        return "CertificateSans", "CertificateSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def completed_on(certificate: Certificate) -> str:
    return datetime.fromtimestamp(certificate.completed_ms / 1000, tz=timezone.utc).strftime("%d %B %Y")


def _fitted(text: str, font: str, size: float, width: float) -> float:
    """The font size at which the text fits the width (long names and titles shrink, never overflow)."""
    while size > 8 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def render_pdf(certificate: Certificate, verification_url: str, issuer: str) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1)  # invariant: same input, same bytes
    canvas.setTitle(f"Certificate: {certificate.course_title}")
    canvas.setAuthor(issuer)
    canvas.setSubject(f"Certificate {certificate.id}")
    canvas.setLineWidth(2)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    usable = width - 50 * mm
    _FONT, _BOLD = _fonts()  # noqa: N806 (constants for this page)
    lines = [(_BOLD, 30, "Certificate of Completion", 160 * mm),
             (_FONT, 14, "This certifies that", 140 * mm),
             (_BOLD, 26, certificate.learner_name, 125 * mm),
             (_FONT, 14, "has completed the course", 108 * mm),
             (_BOLD, 22, certificate.course_title, 93 * mm),
             (_FONT, 14, f"on {completed_on(certificate)}", 78 * mm),
             (_FONT, 10, f"Issued by {issuer}", 50 * mm),
             (_FONT, 10, f"Verify this certificate at {verification_url}", 42 * mm),
             (_FONT, 8, f"Certificate id {certificate.id}", 34 * mm)]
    for font, size, text, y in lines:
        canvas.setFont(font, _fitted(text, font, size, usable))
        canvas.drawCentredString(width / 2, y, text)
    canvas.linkURL(verification_url, (25 * mm, 40 * mm, width - 25 * mm, 46 * mm), relative=0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
