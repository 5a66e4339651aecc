"""The contract's error bodies for everything /api/v1 answers with an error (launch-api.md, Conventions):
`{"error": CODE, "message": TEXT}`, plus `rule` and `file` for invalid_package."""
from __future__ import annotations

import re

from werkzeug.exceptions import HTTPException

from delivery.api.documentation import error_answer, error_headers  # noqa: F401 - re-exported for routes
from delivery.errors import DeliveryError
from delivery.package import InvalidPackage, PackageTooLarge, UnsupportedPackageType
from lrs.api.responses import XAPI_CHALLENGE, json_response
from lrs.xapi.errors import XapiError


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def delivery_error(error: DeliveryError):
    return json_response(error.to_dict(), status=error.status)


def invalid_package(error: InvalidPackage):
    return json_response({"error": "invalid_package", "message": error.message, "rule": error.rule,
                          "file": error.file}, status=400)


def too_large(error: PackageTooLarge):
    return json_response({"error": "too_large", "message": str(error)}, status=413)


def unsupported_type(error: UnsupportedPackageType):
    return json_response({"error": "unsupported_media_type", "message": str(error)}, status=415)


def xapi_error(error: XapiError):
    """Authentication (401, 429) and the database (503) speak the LRS's errors; here in our body."""
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = XAPI_CHALLENGE
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    code = {413: "too_large", 400: "bad_request"}.get(error.status) or _snake(type(error).__name__)
    return json_response({"error": code, "message": error.message}, status=error.status, headers=headers)


def http_error(error: HTTPException):
    """Routing and protocol errors (404 no such path, 405, 413 past the body limit) on /api/v1."""
    status = error.code or 500
    code = {400: "bad_request", 413: "too_large", 415: "unsupported_media_type"}.get(status) \
        or _snake(error.name.replace(" ", ""))
    headers = {name: value for name, value in error.get_headers() if name == "Allow"}
    return json_response({"error": code, "message": error.description or error.name}, status=status,
                         headers=headers)


def register_error_handlers(blueprint) -> None:
    blueprint.register_error_handler(DeliveryError, delivery_error)
    blueprint.register_error_handler(InvalidPackage, invalid_package)
    blueprint.register_error_handler(PackageTooLarge, too_large)
    blueprint.register_error_handler(UnsupportedPackageType, unsupported_type)
    blueprint.register_error_handler(XapiError, xapi_error)
    blueprint.register_error_handler(HTTPException, http_error)
