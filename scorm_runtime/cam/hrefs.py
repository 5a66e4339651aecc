"""Resource and file hrefs: xml:base applied (CAM 3.4.3.1), item parameters joined (CAM 3.4.3.3), and the
package member a relative href names (launch-api.md, SCORM specifics: percent-decoded, query and fragment
dropped, matched case-sensitively)."""
from __future__ import annotations

import re
from urllib.parse import unquote

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
EXTERNAL_SCHEMES = ("http", "https")


class BadHref(ValueError):
    """An href that names nothing inside the package and no http(s) URL."""


def scheme(href: str) -> str | None:
    match = _SCHEME.match(href)
    return match.group(0)[:-1].lower() if match else None


def is_external(href: str) -> bool:
    return scheme(href) in EXTERNAL_SCHEMES


def apply_bases(bases: list[str], href: str) -> str:
    """href against the xml:base values in scope, outermost first; an absolute URL stops the chain."""
    result = href.strip()
    for base in reversed(bases):
        if scheme(result) or result.startswith("/"):
            break
        base = base.strip()
        if not base:
            continue
        # A base is a directory offset ("resources/"); one written without its trailing slash still is.
        result = (base if base.endswith("/") else base + "/") + result
    return result


def package_path(href: str) -> str:
    """The package member a relative href names; BadHref when it leaves the package or is not relative."""
    if scheme(href):
        raise BadHref(f"{href[:200]!r} is an absolute URL with a scheme other than http or https")
    path = href.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        raise BadHref(f"{href[:200]!r} is an absolute path; package hrefs are relative to the package root")
    if "%" in path:
        try:
            path = unquote(path, errors="strict")
        except UnicodeDecodeError:
            raise BadHref(f"{href[:200]!r} percent-encodes bytes that are not UTF-8") from None
    if "\x00" in path:
        raise BadHref(f"{href[:200]!r} holds a NUL character")
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if not parts:
                raise BadHref(f"{href[:200]!r} climbs out of the package root")
            parts.pop()
            continue
        parts.append(segment)
    if not parts:
        raise BadHref(f"{href[:200]!r} names no file")
    return "/".join(parts)


def launch_url(href: str, parameters: str | None) -> str:
    """The resource href with the item's parameters joined as CAM 3.4.3.3 describes."""
    if not parameters:
        return href
    parameters = parameters.strip()
    while parameters[:1] in ("?", "&"):
        parameters = parameters[1:]
    if not parameters:
        return href
    if parameters.startswith("#"):
        return href if ("#" in href or "?" in href) else href + parameters
    return href + ("&" if "?" in href else "?") + parameters
