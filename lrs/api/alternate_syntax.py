"""Alternate Request Syntax (xAPI-Communication 1.3): `POST ...?method=PUT` with headers and parameters
as form fields. A WSGI middleware turns such a request into the request it stands for before Flask
routes it; problems are left in the environ for the xAPI error handling to report.

xAPI 2.0 removed this syntax: a request that asks for version 2.x this way is rejected.
"""
from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qsl, urlencode

ERROR_KEY = "lrs.alternate_syntax_error"
_HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
# No HEAD: the POST carrying it would be answered with a length and no body, which breaks HTTP framing.
_METHODS = {"GET", "PUT", "POST", "DELETE"}


class AlternateRequestSyntax:
    def __init__(self, wsgi_app, *, prefix: str, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.prefix = prefix
        self.max_bytes = max_bytes

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.prefix):
            query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if any(name == "method" for name, _ in query):
                self._rewrite(environ, query)
        return self.wsgi_app(environ, start_response)

    def _rewrite(self, environ, query) -> None:
        def fail(message: str) -> None:
            environ[ERROR_KEY] = message

        if environ.get("REQUEST_METHOD") != "POST":
            return fail("the alternate request syntax must be sent as POST (xAPI-Communication 1.3.s3.b1)")
        if len(query) != 1:
            return fail("the alternate request syntax allows no query parameter but 'method' "
                        "(xAPI-Communication 1.3.s3.b3)")
        method = query[0][1].upper()
        if method not in _METHODS:
            return fail(f"'{query[0][1]}' is not an xAPI method")
        content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return fail("the alternate request syntax sends form parameters as "
                        "application/x-www-form-urlencoded (xAPI-Communication 1.3.s3.b4)")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_bytes:
            return fail("the request body is too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            form = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw))
        except (UnicodeDecodeError, ValueError):
            return fail("the form body is not valid application/x-www-form-urlencoded UTF-8")
        parameters, content, content_type_field = [], None, None
        for name, value in form:
            lowered = name.lower()
            if lowered == "content":
                content = value
            elif lowered in _HEADER_FIELDS:
                if lowered == "content-type":
                    content_type_field = value
                elif lowered != "content-length":
                    environ[_HEADER_FIELDS[lowered]] = value
            else:
                parameters.append((name, value))
        if environ.get("HTTP_X_EXPERIENCE_API_VERSION", "").strip().startswith("2."):
            return fail("xAPI 2.0 has no alternate request syntax")
        if method in ("PUT", "POST") and content is None:
            return fail("the alternate request syntax needs the 'content' form parameter "
                        "(xAPI-Communication 1.3.s3.b4)")
        body = (content or "").encode("utf-8")
        environ["REQUEST_METHOD"] = method
        environ["QUERY_STRING"] = urlencode(parameters)
        environ["CONTENT_TYPE"] = content_type_field or ("application/json" if content is not None else "")
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = BytesIO(body)
