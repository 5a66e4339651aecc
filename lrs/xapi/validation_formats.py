"""String formats of xAPI-Data 4.x: IRIs, mailto IRIs, UUIDs, language tags, timestamps, durations.

Each format is one regular expression, written once and used twice: by the Python checks (`fullmatch`) and,
anchored, by the compiled JSON Schema (`schema_pattern`). The expressions therefore keep to the syntax that
Python `re` and the Rust `regex` crate read the same way: explicit `[0-9]` and `[A-Za-z]` classes (both
engines give `\\d` and case-insensitivity a Unicode meaning), no look-around, no back-references.
"""
from __future__ import annotations

import re

# --- IRIs (RFC 3987) -------------------------------------------------------------------------

# RFC 3987 excludes controls, space and <>"{}|\^` from IRIs; every other character, ASCII or not, may appear.
_IRI_CHARACTER = r'(?:[^\x00-\x20<>"{}|\\^`\x7f-\x9f%]|%[0-9A-Fa-f]{2})'
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*"
# Absolute IRI: a scheme, a colon and something after it ("urn:uuid:...", "tag:...", "http://...").
IRI = rf"{_SCHEME}:{_IRI_CHARACTER}+"

# mailto IRI of one e-mail address (xAPI-Data 2.4.2.3): "mailto:" local part "@" domain.
_EMAIL_LOCAL = r'(?:[^\x00-\x20<>"{}|\\^`\x7f-\x9f%@]|%[0-9A-Fa-f]{2})+'
_EMAIL_DOMAIN = r'[^\x00-\x20<>"{}|\\^`\x7f-\x9f%@/?#]+'
MAILTO_IRI = rf"mailto:{_EMAIL_LOCAL}@{_EMAIL_DOMAIN}"

# --- identifiers and hashes ------------------------------------------------------------------

_HEX = "[0-9A-Fa-f]"
UUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
SHA1_HEX = rf"{_HEX}{{40}}"
# SHA-224, SHA-256, SHA-384 or SHA-512, hex encoded (xAPI-Communication 1.5.2).
SHA2_HEX = rf"(?:{_HEX}{{56}}|{_HEX}{{64}}|{_HEX}{{96}}|{_HEX}{{128}})"

# Internet Media Type (RFC 9110 8.3.1): type "/" subtype *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] ),
# printable ASCII only, so no comma list and nothing a header cannot carry. Each repetition starts at a ";"
# and a parameter at a token character, so the expression never backtracks more than one step.
_MEDIA_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~\-]+"
_QUOTED_STRING = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
MEDIA_TYPE = (rf"{_MEDIA_TOKEN}/{_MEDIA_TOKEN}"
              rf"(?:[ \t]*;(?:[ \t]*{_MEDIA_TOKEN}=(?:{_MEDIA_TOKEN}|{_QUOTED_STRING}))?)*")
# The longest Content-Type the LRS keeps with a document or attachment payload (its storage column).
MAX_CONTENT_TYPE_LENGTH = 255


def storable_content_type(content_type: str) -> bool:
    """Short enough to keep, and a media type the LRS can send back in a header unchanged."""
    return len(content_type) <= MAX_CONTENT_TYPE_LENGTH and is_media_type(content_type) is not None

# --- language tags (RFC 5646 section 2.1) ----------------------------------------------------


def _caseless(text: str) -> str:
    """'en-GB-oed' -> '[Ee][Nn]-[Gg][Bb]-[Oo][Ee][Dd]' (no (?i): the two engines fold case differently)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in text)


_ALPHA = "[A-Za-z]"
_ALNUM = "[A-Za-z0-9]"
_LANGUAGE = rf"(?:{_ALPHA}{{2,3}}(?:-{_ALPHA}{{3}}){{0,3}}|{_ALPHA}{{4,8}})"
_SCRIPT = rf"(?:-{_ALPHA}{{4}})"
_REGION = rf"(?:-(?:{_ALPHA}{{2}}|[0-9]{{3}}))"
_VARIANT = rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))"
_EXTENSION = rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)"
_PRIVATE_USE = rf"(?:[Xx](?:-{_ALNUM}{{1,8}})+)"
_IRREGULAR = ("en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
              "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-BE-FR", "sgn-BE-NL",
              "sgn-CH-DE")
# The "regular" grandfathered tags ("zh-min-nan", "art-lojban", ...) already match the langtag production.
LANGUAGE_TAG = (rf"(?:{_LANGUAGE}{_SCRIPT}?{_REGION}?{_VARIANT}*{_EXTENSION}*(?:-{_PRIVATE_USE})?"
                rf"|{_PRIVATE_USE}|{'|'.join(_caseless(tag) for tag in _IRREGULAR)})")

# --- timestamps (4.5) and durations (4.6) ----------------------------------------------------

# ISO 8601 extended format with a full date and a time of at least hours and minutes. The zone is optional
# (4.5.s1.b4 is a SHOULD); a negative zero offset is not ISO 8601 (it means "unknown" in RFC 3339).
_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
_OFFSET = (r"(?:Z|\+(?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?"
           r"|-(?:0[1-9]|1[0-9]|2[0-3])(?::?[0-5][0-9])?|-00:?(?:0[1-9]|[1-5][0-9]))")
TIMESTAMP = rf"{_DATE}T{_TIME}{_OFFSET}?"


def _duration_pattern() -> str:
    """ISO 8601:2004 4.4.3.2: PnYnMnDTnHnMnS or PnW; only the last component present may have a fraction.

    One alternative per "last component", so the expression needs no look-ahead.
    """
    whole, decimal = "[0-9]+", "[0-9]+(?:[.,][0-9]+)?"
    date_units, time_units = ("Y", "M", "D"), ("H", "M", "S")
    alternatives = [f"{decimal}W"]
    for last, unit in enumerate(date_units):
        leading = "".join(f"(?:{whole}{earlier})?" for earlier in date_units[:last])
        alternatives.append(f"{leading}{decimal}{unit}")
    all_dates = "".join(f"(?:{whole}{unit})?" for unit in date_units)
    for last, unit in enumerate(time_units):
        leading = "".join(f"(?:{whole}{earlier})?" for earlier in time_units[:last])
        alternatives.append(f"{all_dates}T{leading}{decimal}{unit}")
    return "P(?:" + "|".join(alternatives) + ")"


DURATION = _duration_pattern()

# --- statement version (2.4.10) ----------------------------------------------------------------

VERSION_1_0 = r"1\.0(?:\.[0-9]+)?"
VERSION_1_0_OR_2_0 = r"[12]\.0(?:\.[0-9]+)?"


def schema_pattern(expression: str) -> str:
    """The expression anchored at both ends, for a JSON Schema "pattern" (which otherwise searches)."""
    return f"^(?:{expression})$"


def matcher(expression: str):
    """A predicate: does a string match the whole expression?"""
    return re.compile(expression).fullmatch


is_iri = matcher(IRI)
is_mailto_iri = matcher(MAILTO_IRI)
is_uuid = matcher(UUID)
is_sha1_hex = matcher(SHA1_HEX)
is_sha2_hex = matcher(SHA2_HEX)
is_media_type = matcher(MEDIA_TYPE)
is_language_tag = matcher(LANGUAGE_TAG)
is_duration = matcher(DURATION)
_timestamp_shape = matcher(TIMESTAMP)

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def date_exists(timestamp: str) -> bool:
    """Does the date part of a well-shaped timestamp name a real day (no 30 February, no year 0)?"""
    if timestamp[8:10] < "29" and not timestamp.startswith("0000"):
        return True  # every month has these days
    year, month, day = int(timestamp[0:4]), int(timestamp[5:7]), int(timestamp[8:10])
    if year == 0 or day > _DAYS_IN_MONTH[month - 1]:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return not (month == 2 and day == 29 and not leap)


def utc_year_exists(timestamp: str) -> bool:
    """Does a well-shaped timestamp, moved to UTC by its offset, stay within years 0001-9999? Only the
    first and last day of that range can leave it (the LRS returns timestamps in UTC, 4.5.s1.b6)."""
    if timestamp[:10] not in ("0001-01-01", "9999-12-31") or timestamp[-1] in "Zz" or len(timestamp) < 17:
        return True
    sign_at = max(timestamp.rfind("+"), timestamp.rfind("-"))
    if sign_at < 16:  # no offset: the time is taken as UTC
        return True
    offset = timestamp[sign_at + 1:].replace(":", "")
    offset_minutes = int(offset[:2]) * 60 + int(offset[2:] or "0")
    local_minutes = int(timestamp[11:13]) * 60 + int(timestamp[14:16])
    if timestamp[sign_at] == "+":
        return not (timestamp.startswith("0001") and local_minutes - offset_minutes < 0)
    return not (timestamp.startswith("9999") and local_minutes + offset_minutes >= 24 * 60)


def timestamp_exists(timestamp: str) -> bool:
    """A well-shaped timestamp names a real day whose UTC instant has a year."""
    return date_exists(timestamp) and utc_year_exists(timestamp)


def is_timestamp(text: str) -> bool:
    return _timestamp_shape(text) is not None and date_exists(text)
