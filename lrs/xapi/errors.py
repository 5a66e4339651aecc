"""One error type per xAPI error family; the HTTP layer maps each to its status code."""
from __future__ import annotations


class XapiError(Exception):
    """Base of every error the LRS reports to a client."""

    status = 500

    def __init__(self, message: str, *, path: str | None = None, section: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.section = section

    def to_dict(self) -> dict:
        body = {"error": type(self).__name__, "message": self.message}
        if self.path is not None:
            body["path"] = self.path
        if self.section is not None:
            body["section"] = self.section
        return body


class BadRequest(XapiError):
    """400: the request or its content breaks a rule of the specification."""

    status = 400


class InvalidStatement(BadRequest):
    """400: a statement breaks a rule of xAPI-Data; `path` names the offending property."""


class Unauthorized(XapiError):
    status = 401


class Forbidden(XapiError):
    status = 403


class NotFound(XapiError):
    status = 404


class Conflict(XapiError):
    status = 409


class PreconditionFailed(XapiError):
    status = 412


class PreconditionRequired(XapiError):
    status = 428


class PayloadTooLarge(XapiError):
    status = 413


class UnsupportedMediaType(XapiError):
    status = 415


class ServiceUnavailable(XapiError):
    """503: the database is overloaded or unreachable; `retry_after` seconds go in Retry-After."""

    status = 503

    def __init__(self, message: str, *, retry_after: int = 2, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class TooManyRequests(XapiError):
    """429 (xAPI-Communication 3.2.s3.b13); `retry_after` seconds go in the Retry-After header."""

    status = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
