"""Request bodies over LRS_MAX_REQUEST_BYTES are refused with 413 before they are read into memory
(xAPI-Communication 3.2.s3.b11). A Content-Length over the limit is refused unread; a chunked body,
which declares no length, is read up to one byte past the limit and then refused. The app raises the
413 (`refuse_oversized_body`), so it carries the usual xAPI headers and JSON error body."""
from __future__ import annotations

import io

from flask import request

from lrs.xapi.errors import PayloadTooLarge

TOO_LARGE = "lrs.body_too_large"


class BodyLimit:
    def __init__(self, wsgi_app, *, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        if length.isdigit():
            if int(length) > self.max_bytes:
                self._drop_body(environ)
        elif environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
            body = environ["wsgi.input"].read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                self._drop_body(environ)
            else:
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _drop_body(environ) -> None:
        environ[TOO_LARGE] = True
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["CONTENT_LENGTH"] = "0"


def refuse_oversized_body() -> None:
    if request.environ.get(TOO_LARGE):
        raise PayloadTooLarge("the request body is larger than this LRS accepts (LRS_MAX_REQUEST_BYTES)",
                              section="xAPI-Communication 3.2.s3.b11")
