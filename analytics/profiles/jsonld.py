"""JSON-LD processing of profile documents with pyld, offline: the two normative contexts of the xAPI Profiles
specification ship with this package (contexts/, see its NOTICE.md) and are the only remote contexts a document
may name. Any other remote context is refused with a 400 before anything is fetched: the document loader
below never opens a connection."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import orjson
from pyld import jsonld

from analytics.profiles.errors import ProfileInvalid

PROFILE_CONTEXT = "https://w3id.org/xapi/profiles/context"
ACTIVITY_CONTEXT = "https://w3id.org/xapi/profiles/activity-context"
_CONTEXT_FILES = {PROFILE_CONTEXT: "profile-context.jsonld", ACTIVITY_CONTEXT: "activity-context.jsonld"}
_CONTEXTS = Path(__file__).with_name("contexts")
# pyld recurses once per level of nesting; a profile needs a handful of levels.
MAX_DEPTH = 64
SECTION_JSONLD = "xAPI Profiles Part Two §2.0"


class RemoteContextRefused(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


@cache
def shipped_context(url: str) -> dict:
    return orjson.loads((_CONTEXTS / _CONTEXT_FILES[url]).read_bytes())


def _offline_loader(url: str, options=None) -> dict:
    known = url.rstrip("/") if url.rstrip("/") in _CONTEXT_FILES else None
    if known is None:
        raise RemoteContextRefused(url)
    return {"contextUrl": None, "documentUrl": url, "document": shipped_context(known)}


def _options() -> dict:
    return {"documentLoader": _offline_loader}


def check_depth(document, path: str = "") -> None:
    """Iterative, so a hostile nesting cannot exhaust the stack before pyld sees it."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ProfileInvalid(f"the profile nests deeper than {MAX_DEPTH} levels, more than this LRS processes",
                             path=path, section=SECTION_JSONLD)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def expand(document: dict) -> tuple[list, list[str]]:
    """The expanded form and the properties expansion dropped (they do not expand to absolute IRIs)."""
    check_depth(document)
    dropped: list[str] = []
    try:
        expanded = jsonld.expand(document, _options(), on_property_dropped=lambda name: dropped.append(str(name)))
    except jsonld.JsonLdError as error:
        raise _as_bad_request(error) from None
    return expanded, dropped


def compact(document: dict | list, context: str = PROFILE_CONTEXT) -> dict:
    """`document` compacted against a shipped context (by default the profile context)."""
    check_depth(document)
    try:
        return jsonld.compact(document, context, _options())
    except jsonld.JsonLdError as error:
        raise _as_bad_request(error) from None


def _as_bad_request(error: Exception) -> ProfileInvalid:
    refused = _refusal_in(error)
    if refused is not None:
        return ProfileInvalid(f"the remote JSON-LD context {refused.url} is not one this LRS knows; it was not "
                          f"fetched. Profiles may name only {PROFILE_CONTEXT} and {ACTIVITY_CONTEXT} "
                          "(shipped with the LRS) or give their context inline",
                          path="@context", section="xAPI Profiles Part Two §10.0")
    message = getattr(error, "args", [""])[0] or "invalid JSON-LD"
    code = getattr(error, "code", None) or getattr(error, "type", "")
    return ProfileInvalid(f"the profile is not valid JSON-LD: {message} ({code})", path="", section=SECTION_JSONLD)


def _refusal_in(error: BaseException | None) -> RemoteContextRefused | None:
    """pyld wraps the loader's exception, sometimes twice; the refusal is found along the chain."""
    seen = 0
    while error is not None and seen < 16:
        if isinstance(error, RemoteContextRefused):
            return error
        details = getattr(error, "details", None)
        if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
            error = details["cause"]
        else:
            error = error.__cause__ or error.__context__
        seen += 1
    return None
