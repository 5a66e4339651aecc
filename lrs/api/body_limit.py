"""Request bodies over LRS_MAX_REQUEST_BYTES are refused with 413 before they are read into memory
(xAPI-Communication 3.2.s3.b11). A Content-Length over the limit is refused unread; a chunked body,
which declares no length, is read up to one byte past the limit and then refused. The app raises the
413 (`refuse_oversized_body`), so it carries the usual xAPI headers and JSON error body."""
from __future__ import annotations

import io

from flask import request

from lrs.xapi.errors import BadRequest, PayloadTooLarge

TOO_LARGE = "lrs.body_too_large"
BAD_LENGTH = "lrs.content_length_malformed"


class BodyLimit:
    def __init__(self, wsgi_app, *, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        if length and not (length.isascii() and length.isdigit()):
            # RFC 9110 8.6: Content-Length = 1*DIGIT; str.isdigit() alone also takes '²'.
            self._drop_body(environ, BAD_LENGTH)
        elif length:
            digits = length.lstrip("0")
            if len(digits) > len(str(self.max_bytes)) or int(digits or "0") > self.max_bytes:
                self._drop_body(environ, TOO_LARGE)
        elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                self._drop_body(environ, TOO_LARGE)
            else:
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _drop_body(environ, reason: str) -> None:
        environ[reason] = True
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"


def refuse_oversized_body() -> None:
    if request.environ.get(BAD_LENGTH):
        raise BadRequest("the Content-Length header must be decimal digits", path="Content-Length",
                         section="xAPI-Communication 3.2.s3.b6")
    if request.environ.get(TOO_LARGE):
        raise PayloadTooLarge("the request body is larger than this LRS accepts (LRS_MAX_REQUEST_BYTES)",
                              section="xAPI-Communication 3.2.s3.b11")
