"""Which xAPI versions this LRS speaks, and how a request's X-Experience-API-Version is read."""
from __future__ import annotations

from lrs.xapi.errors import BadRequest

V1_0_3 = "1.0.3"
V2_0_0 = "2.0.0"
SUPPORTED_VERSIONS = (V1_0_3, V2_0_0)
VERSION_HEADER = "X-Experience-API-Version"
# The About resource lists every version a client may send (xAPI-Communication 2.8.s5.b1).
ABOUT_VERSIONS = ("1.0.0", "1.0.1", "1.0.2", V1_0_3, V2_0_0)


def negotiate(header_value: str | None) -> str:
    """The version whose rules apply to a request (xAPI-Communication 1.2 and 3.3)."""
    if header_value is None or header_value == "":
        raise BadRequest(f"the {VERSION_HEADER} header is required", path=VERSION_HEADER,
                         section="xAPI-Communication 3.3")
    value = header_value.strip()
    parts = value.split(".")
    # ASCII digits: str.isdigit() alone also takes '²' and other scripts' digits.
    if len(parts) in (2, 3) and all(part.isascii() and part.isdigit() for part in parts):
        major_minor = tuple(parts[:2])
        if major_minor == ("1", "0"):
            return V1_0_3
        if major_minor == ("2", "0"):
            return V2_0_0
    raise BadRequest(f"unsupported {VERSION_HEADER} '{value}'; supported: "
                     + ", ".join(SUPPORTED_VERSIONS), path=VERSION_HEADER, section="xAPI-Communication 3.3")


def statement_version_default(request_version: str) -> str:
    """The `version` property the LRS writes when a statement has none (xAPI-Data 2.4.10)."""
    return "2.0.0" if request_version == V2_0_0 else "1.0.0"
