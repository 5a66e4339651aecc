"""Document Resources (xAPI-Communication 2.2-2.7, 3.1): addresses, ETags, preconditions and JSON merge.

No Flask and no SQL: the service feeds these rules what the request said and what is stored.
"""
from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

import orjson

from lrs.xapi.errors import BadRequest, Conflict, PreconditionFailed
from lrs.xapi.json_nesting import storable_json
from lrs.xapi.validation_formats import MAX_CONTENT_TYPE_LENGTH, storable_content_type
from lrs.xapi.versions import V2_0_0

JSON_MEDIA_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class DocumentKind(enum.IntEnum):
    STATE = 1
    ACTIVITY_PROFILE = 2
    AGENT_PROFILE = 3

    @property
    def section(self) -> str:
        return {DocumentKind.STATE: "xAPI-Communication 2.3",
                DocumentKind.ACTIVITY_PROFILE: "xAPI-Communication 2.7",
                DocumentKind.AGENT_PROFILE: "xAPI-Communication 2.6"}[self]


@dataclass(frozen=True)
class DocumentScope:
    """What a set of documents belongs to: an Activity and/or an Agent (by its IFI), and for State a
    registration. `registration` None means "any registration" when listing or deleting many."""
    kind: DocumentKind
    activity_id: str = ""
    agent_key: str = ""
    registration: str | None = None

    @property
    def scope_hash(self) -> str:
        """A fixed-size key for the (kind, activity, agent) triple, so indexes stay small whatever
        the IRIs' length."""
        return _digest(f"{int(self.kind)}\x00{self.activity_id}\x00{self.agent_key}")


@dataclass(frozen=True)
class DocumentAddress:
    scope: DocumentScope
    document_id: str

    def __post_init__(self):
        if "\x00" in self.document_id:
            # The LRS keeps ids as text, which on PostgreSQL cannot hold U+0000: refused on every database.
            name = "stateId" if self.scope.kind is DocumentKind.STATE else "profileId"
            raise BadRequest(f"'{name}' must not contain U+0000, which this LRS cannot store", path=name,
                             section=self.scope.kind.section)

    @property
    def document_hash(self) -> str:
        return _digest(self.document_id)


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str
    updated_ms: int

    @property
    def etag(self) -> str:
        return etag_of(self.content)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def etag_of(content: bytes) -> str:
    """The SHA-1 hex digest of the contents, lowercase (xAPI-Communication 3.1.s4.b2)."""
    return hashlib.sha1(content).hexdigest()


def quoted(etag: str) -> str:
    """The ETag header value: enclosed in quotes (xAPI-Communication 3.1.s4.b4)."""
    return f'"{etag}"'


@dataclass(frozen=True)
class Preconditions:
    """If-Match / If-None-Match as sent. None means the header was absent; '*' matches any entity."""
    if_match: tuple[str, ...] | None = None
    if_none_match: tuple[str, ...] | None = None

    @classmethod
    def from_headers(cls, if_match: str | None, if_none_match: str | None) -> "Preconditions":
        return cls(if_match=_entity_tags(if_match), if_none_match=_entity_tags(if_none_match))

    @property
    def present(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def _entity_tags(header: str | None) -> tuple[str, ...] | None:
    """The entity tags of an If-Match/If-None-Match header (RFC 7232 3.1), unquoted; weak tags are
    compared by their opaque value, which is all a SHA-1 ETag carries."""
    if header is None:
        return None
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if tag:
            tags.append(tag.lower() if tag != "*" else tag)
    return tuple(tags)


def check_preconditions(method: str, kind: DocumentKind, version: str, preconditions: Preconditions,
                        existing: Document | None) -> None:
    """Raises when the request must not change the document (xAPI-Communication 3.1.s4; in 2.0 the
    State Resource joins the profile resources in requiring a precondition on PUT)."""
    section = "xAPI-Communication 3.1.s4"
    if preconditions.if_match is not None:
        if existing is None or ("*" not in preconditions.if_match
                                and existing.etag not in preconditions.if_match):
            raise PreconditionFailed(
                "If-Match does not match the current document: fetch it again and use its ETag",
                path="If-Match", section=f"{section}.b9" if method == "PUT" else f"{section}.b11")
    if preconditions.if_none_match is not None and existing is not None:
        if "*" in preconditions.if_none_match or existing.etag in preconditions.if_none_match:
            raise PreconditionFailed("If-None-Match: the document already exists",
                                     path="If-None-Match", section=f"{section}.b6")
    if method == "PUT" and not preconditions.present and (kind is not DocumentKind.STATE
                                                          or version == V2_0_0):
        if existing is None and kind is not DocumentKind.STATE:
            raise BadRequest("a PUT to a profile document must carry If-Match or If-None-Match "
                             "(If-None-Match: * to create it)", path="If-None-Match",
                             section="xAPI-Communication 3.1.s3.b1")
        if existing is not None:
            raise Conflict(
                "the document already exists and the PUT carried neither If-Match nor If-None-Match: "
                "check the current state of the document, then PUT again with If-Match set to its ETag",
                path="If-Match", section=f"{section}.b13")


def require_storable_content_type(content_type: str) -> None:
    """A Content-Type the LRS can keep and send back unchanged with the document."""
    if not storable_content_type(content_type):
        raise BadRequest(f"the Content-Type must be one media type (type/subtype with ;name=value parameters, "
                         f"RFC 9110 8.3.1) in printable ASCII, at most {MAX_CONTENT_TYPE_LENGTH} characters",
                         path="Content-Type", section="xAPI-Communication 3.2.s3.b12")


def is_json(content_type: str) -> bool:
    return media_type(content_type) == JSON_MEDIA_TYPE


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def require_valid_json(content: bytes, content_type: str) -> None:
    """A document sent as application/json must parse as JSON (xAPI-Communication 1.5.1), nested no
    deeper than a later merge can write back."""
    if is_json(content_type):
        try:
            value = orjson.loads(content)
        except orjson.JSONDecodeError as error:
            raise BadRequest(f"the document is declared application/json but is not JSON: {error}",
                             path="content", section="xAPI-Communication 1.5.1") from None
        storable_json(value, path="content")


def merged(existing: Document, posted: bytes, posted_type: str) -> bytes:
    """The document after a POST onto `existing`: top-level properties of the posted JSON Object
    replace the stored ones (xAPI-Communication 2.2.s7); anything but two JSON Objects is a 400
    that changes nothing (2.2.s8.b1)."""
    section = "xAPI-Communication 2.2.s8.b1"
    if not is_json(existing.content_type):
        raise BadRequest(f"the stored document is {existing.content_type}, not application/json, "
                         "so it cannot be merged: PUT to replace it", path="Content-Type", section=section)
    if not is_json(posted_type):
        raise BadRequest(f"the posted document is {posted_type}, not application/json, so it cannot be "
                         "merged into the stored JSON document", path="Content-Type", section=section)
    target = _json_object(existing.content, "the stored document")
    target.update(_json_object(posted, "the posted document"))
    return storable_json(target, path="content")


def posted_alone(posted: bytes, posted_type: str) -> bytes:
    """A POST with no stored document stores the posted one as a PUT would (xAPI-Communication 2.2.s7);
    JSON must still be a JSON Object, since the next POST merges into it."""
    if is_json(posted_type):
        storable_json(_json_object(posted, "the posted document"), path="content")
    return posted


def _json_object(content: bytes, what: str) -> dict:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"{what} is not valid JSON: {error}", path="content",
                         section="xAPI-Communication 2.2.s8.b1") from None
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is JSON but not a JSON Object", path="content",
                         section="xAPI-Communication 2.2.s8.b1")
    return value
