"""cmi5's `endpoint` launch parameter is the xAPI root without a trailing slash ({public URL}/xapi), and AUs
append "/statements" to it after a slash of their own, so requests arrive as /xapi//statements. The
contract (launch-api.md, Launch) serves that path in place, for every method, and never redirects
(werkzeug's merge_slashes would answer 308, which a POST from an AU may not follow)."""
from __future__ import annotations


class DoubledSlashAfterXapiRoot:
    def __init__(self, wsgi_app, *, prefix: str = "/xapi"):
        self.wsgi_app = wsgi_app
        self.doubled = prefix + "//"
        self.single = prefix + "/"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.doubled):
            environ["PATH_INFO"] = self.single + path[len(self.doubled):].lstrip("/")
        return self.wsgi_app(environ, start_response)
