"""Headers that keep whatever the LRS serves inert in a browser on the LRS origin (docs/security.md).

Documents and attachments are returned with the Content-Type their writer chose (xAPI-Communication
2.2.s2: a document's contents are "the HTTP document itself"), so a writer can store HTML. No response
of this API needs to run anything: every one forbids sniffing, script, plugins, forms and framing, and
stored content of any type but JSON or plain text is a download, never a page on our origin.
"""
from __future__ import annotations

from flask import request

from lrs.api.xapi import XAPI_PREFIX
from lrs.xapi.validation_formats import storable_content_type

# sandbox: an opaque origin with scripts, forms and popups disabled, even for types a browser renders.
API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
# Types a browser shows as text: safe to display inline, and readers opening them in a tab expect to.
INLINE_MIMETYPES = frozenset({"application/json", "text/plain"})


def _shown_as_text(response) -> bool:
    """JSON or plain text by a strict reading of the whole header: browsers read `text/plain;x=, text/html`
    as HTML (Fetch's MIME type extraction takes the last of a comma list), so anything unclear is a download."""
    return response.mimetype in INLINE_MIMETYPES and storable_content_type(response.headers.get("Content-Type", ""))


def add_inert_content_headers(response):
    """nosniff and the sandboxing CSP on every response (a page that needs more sets its own CSP);
    `attachment` on xAPI responses of any other type: documents, and statements with attachments."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Content-Security-Policy", API_CONTENT_SECURITY_POLICY)
    if request.path.startswith(XAPI_PREFIX) and response.status_code != 204 and not _shown_as_text(response):
        response.headers["Content-Disposition"] = "attachment"
    return response
