"""Course uploads bypass the LRS's request body limit (lrs.api.body_limit, which holds a chunked body in
memory up to LRS_MAX_REQUEST_BYTES): the import route streams the body to disk under its own limit,
LRS_PACKAGE_MAX_BYTES (delivery/intake.py)."""
from __future__ import annotations


class PackageUploads:
    def __init__(self, limited_app, unlimited_app, *, path: str):
        self.limited_app = limited_app
        self.unlimited_app = unlimited_app
        self.path = path

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO") == self.path:
            return self.unlimited_app(environ, start_response)
        return self.limited_app(environ, start_response)
