"""Attachments (xAPI-Data 2.4.11, xAPI-Communication 1.5.2): multipart/mixed requests and responses."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from lrs.xapi.errors import BadRequest
from lrs.xapi.validation_formats import MAX_CONTENT_TYPE_LENGTH, storable_content_type

SECTION = "xAPI-Communication 1.5.2"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
# RFC 2046 section 5.1.1: 1 to 70 bchars, not ending in a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_HASHES_BY_HEX_LENGTH = {56: hashlib.sha224, 64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


@dataclass(frozen=True)
class AttachmentPart:
    sha2: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class MultipartStatements:
    statements_json: bytes
    parts: list[AttachmentPart]


def _boundary(content_type_header: str) -> str:
    for parameter in content_type_header.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "boundary":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if _BOUNDARY.fullmatch(value):
                return value
            raise BadRequest("the multipart boundary is not an RFC 2046 boundary", path="Content-Type",
                             section=SECTION)
    raise BadRequest("multipart/mixed needs a boundary parameter", path="Content-Type", section=SECTION)


# RFC 822 3.1.2: a field name is printable ASCII but space and ":"; a header line holds no control
# character but HTAB, so no bare CR or LF can smuggle a line into a response that replays it.
_FIELD_NAME = re.compile(rb"[!-9;-~]+").fullmatch
_NOT_HEADER_TEXT = re.compile(rb"[^\t -~]").search


def _headers(block: bytes, part: int) -> dict[str, str]:
    """The header lines of one part (RFC 2046 5.1.1, RFC 822 3.1), names lower-cased; folded lines are
    unfolded (RFC 822 3.1.1)."""
    path = f"[part {part}]"
    if _NOT_HEADER_TEXT(block.replace(b"\r\n", b"")):
        raise BadRequest("a multipart part header holds a bare CR or LF, a control or a non-ASCII "
                         "character (RFC 822 3.1)", path=path, section=SECTION)
    # Folded lines gathered in lists and joined once: appending to a string per line is quadratic.
    fields: dict[str, list[bytes]] = {}
    name = None
    for line in block.split(b"\r\n") if block else ():
        if line[:1] in (b" ", b"\t"):
            if name is None:
                raise BadRequest("a multipart part header begins with a continuation line", path=path,
                                 section=SECTION)
            fields[name].append(line.strip())
            continue
        raw_name, separator, value = line.partition(b":")
        raw_name = raw_name.rstrip(b" \t")  # obsolete but harmless space before the colon (RFC 5322 4.5.8)
        if not separator or not _FIELD_NAME(raw_name):
            raise BadRequest("a multipart part has a malformed header line (RFC 822 3.1.2)", path=path,
                             section=SECTION)
        name = raw_name.decode("ascii").lower()
        if name in fields:
            raise BadRequest(f"a multipart part repeats the {name} header", path=path, section=SECTION)
        fields[name] = [value.strip()]
    return {name: b" ".join(piece for piece in pieces if piece).decode("ascii")
            for name, pieces in fields.items()}


def split_multipart(body: bytes, content_type_header: str) -> list[tuple[dict[str, str], bytes]]:
    """The parts of an RFC 2046 multipart body as (lower-cased headers, raw bytes)."""
    delimiter = b"--" + _boundary(content_type_header).encode("latin-1")
    if body.startswith(delimiter):
        body = b"\r\n" + body
    sections = body.split(b"\r\n" + delimiter)
    if len(sections) < 3 and not (len(sections) == 2 and sections[1].startswith(b"--")):
        raise BadRequest("the body does not use the boundary declared in Content-Type", path="body",
                         section=SECTION)
    parts = []
    for number, section in enumerate(sections[1:]):
        if section.startswith(b"--"):
            break
        if not section.startswith(b"\r\n") and not section.lstrip(b" \t").startswith(b"\r\n"):
            raise BadRequest("malformed multipart delimiter line", path="body", section=SECTION)
        section = section[section.index(b"\r\n") + 2:]
        if section.startswith(b"\r\n"):  # a part without headers: its content follows at once
            head, separator, content = b"", b"\r\n", section[2:]
        else:
            head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            raise BadRequest("a multipart part has no blank line after its headers", path="body",
                             section=SECTION)
        parts.append((_headers(head, number), content))
    else:
        raise BadRequest("the multipart body has no closing boundary", path="body", section=SECTION)
    return parts


def parse_statement_request(body: bytes, content_type_header: str) -> MultipartStatements:
    """First part: the statements as application/json; then one part per attachment payload."""
    parts = split_multipart(body, content_type_header)
    if not parts:
        raise BadRequest("the multipart body has no parts", path="body", section=SECTION)
    first_headers, statements_json = parts[0]
    if first_headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadRequest("the first part must be the statements as application/json", path="[part 0]",
                         section="xAPI-Communication 1.5.2.s2.b2.b1")
    attachments = []
    for number, (headers, content) in enumerate(parts[1:], start=1):
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise BadRequest("every attachment part needs an X-Experience-API-Hash header",
                             path=f"[part {number}]", section="xAPI-Communication 1.5.2.s2.b2.b3")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise BadRequest("every attachment part needs Content-Transfer-Encoding: binary",
                             path=f"[part {number}]", section="xAPI-Communication 1.5.2.s2.b2.b4")
        algorithm = _HASHES_BY_HEX_LENGTH.get(len(sha2))
        if algorithm is None or algorithm(content).hexdigest() != sha2.lower():
            raise BadRequest("an attachment part's content does not match its X-Experience-API-Hash",
                             path=f"[part {number}]", section="xAPI-Communication 1.5.2.s1.b4")
        content_type = headers.get("content-type", "application/octet-stream")
        if not storable_content_type(content_type):
            raise BadRequest(f"an attachment part's Content-Type must be a media type (RFC 9110 8.3.1) of at "
                             f"most {MAX_CONTENT_TYPE_LENGTH} characters", path=f"[part {number}]",
                             section="xAPI-Communication 3.2.s3.b12")
        attachments.append(AttachmentPart(sha2.lower(), content_type, content))
    return MultipartStatements(statements_json, attachments)


def declared_attachments(statements: list[dict]) -> list[dict]:
    """Attachment objects of the statements (SubStatement attachments included)."""
    found = []
    for statement in statements:
        found.extend(statement.get("attachments") or ())
        obj = statement.get("object") or {}
        if obj.get("objectType") == "SubStatement":
            found.extend(obj.get("attachments") or ())
    return found


def match_parts(statements: list[dict], parts: list[AttachmentPart]) -> dict[str, AttachmentPart]:
    """Every attachment without fileUrl has a part with its sha2, and every part belongs to an attachment
    (xAPI-Communication 1.5.2.s3.b5)."""
    by_hash = {part.sha2: part for part in parts}
    declared = {attachment["sha2"].lower() for attachment in declared_attachments(statements)}
    for position, statement in enumerate(statements):
        for attachment in declared_attachments([statement]):
            if "fileUrl" not in attachment and attachment["sha2"].lower() not in by_hash:
                raise BadRequest(f"attachment {attachment['sha2']} has no fileUrl and no part with its hash",
                                 path=f"[{position}].attachments", section="xAPI-Communication 1.5.2.s3.b5")
    extra = set(by_hash) - declared
    if extra:
        raise BadRequest(f"a part with hash {sorted(extra)[0]} belongs to no attachment", path="body",
                         section="xAPI-Communication 1.5.2.s2.b2.b2")
    return by_hash


def require_parts_or_file_urls(statements: list[dict]) -> None:
    """An application/json request carries attachments only by fileUrl (xAPI-Communication 1.5.2.s2.b1)."""
    for position, statement in enumerate(statements):
        for attachment in declared_attachments([statement]):
            if "fileUrl" not in attachment:
                raise BadRequest("attachments without fileUrl must be sent as multipart/mixed",
                                 path=f"[{position}].attachments", section="xAPI-Communication 1.5.2.s2.b1")


def build_multipart(first_json: bytes, parts: list[AttachmentPart]) -> tuple[bytes, str]:
    """A multipart/mixed response: the JSON first, then each attachment (xAPI-Communication 1.5.2.s3.b1)."""
    boundary = "xapi-" + secrets.token_hex(16)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first_json]
    for part in parts:
        chunks.append((f"\r\n--{boundary}\r\nContent-Type: {part.content_type}\r\n"
                       f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {part.sha2}\r\n\r\n").encode())
        chunks.append(part.content)
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    # Unquoted: the boundary needs no quoting (RFC 2046 5.1.1), and TinCanJS reads it verbatim.
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"
