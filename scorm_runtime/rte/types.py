"""The value types of the SCORM 1.2 and SCORM 2004 run-time data models.

Each checker raises `DataModelError` with a `Fault` (type mismatch, out of range, too long)
and returns nothing; the element tables pick the checker for each element.

SPMs are the least an LMS must store, not caps (issue 11): every free-text type accepts up
to `Limits.max_characters` (default 64,000) whatever its SPM, and refuses above it with
`Fault.TOO_LONG` (1.2: 405, 2004: 406).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from scorm_runtime.rte.errors import DataModelError, Fault


@dataclass(frozen=True)
class Limits:
    """Server-side storage limits; settings, not spec values."""

    max_characters: int = 64_000  # every string element, every version (issue 11)
    max_records: int = 1_000  # records per collection (interactions, objectives, ...)


DEFAULT_LIMITS = Limits()


def _mismatch(detail: str) -> DataModelError:
    return DataModelError(Fault.TYPE_MISMATCH, detail)


def check_length(value: str, limits: Limits) -> None:
    if len(value) > limits.max_characters:
        raise DataModelError(
            Fault.TOO_LONG,
            f"{len(value)} characters exceeds the server limit of {limits.max_characters}",
        )


# ---------------------------------------------------------------- numbers

_DECIMAL_12 = re.compile(r"-?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_REAL_2004 = re.compile(r"-?\d+(\.\d+)?", re.ASCII)
_SINTEGER = re.compile(r"-?\d+", re.ASCII)
_MAX_NUMBER_LENGTH = 40  # real(10,7) needs far fewer; stops pathological digit strings


def parse_number(value: str) -> Decimal:
    """A validated decimal string as a Decimal (exact, so ranges compare without float error)."""
    try:
        return Decimal(value)
    except InvalidOperation as error:  # pragma: no cover - callers validate first
        raise _mismatch(f"{value!r} is not a number") from error


def check_decimal_12(value: str) -> None:
    """SCORM 1.2 RTE 3.4.1 CMIDecimal: a signed decimal number."""
    if len(value) > _MAX_NUMBER_LENGTH or not _DECIMAL_12.fullmatch(value):
        raise _mismatch(f"{value!r} is not a CMIDecimal")


def check_sinteger_12(value: str) -> None:
    """SCORM 1.2 RTE 3.4.1 CMISInteger: a signed integer."""
    if len(value) > _MAX_NUMBER_LENGTH or not _SINTEGER.fullmatch(value):
        raise _mismatch(f"{value!r} is not a CMISInteger")


def check_real(value: str) -> None:
    """SCORM 2004 RTE 4.1.1.x real(10,7): a decimal number."""
    if len(value) > _MAX_NUMBER_LENGTH or not _REAL_2004.fullmatch(value):
        raise _mismatch(f"{value!r} is not a real(10,7)")


def check_range(value: str, low: Decimal | None, high: Decimal | None) -> None:
    number = parse_number(value)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{'' if low is None else low}..{'' if high is None else high}"
        raise DataModelError(Fault.OUT_OF_RANGE, f"{value} is outside {bounds}")


# ---------------------------------------------------------------- SCORM 1.2 times

_TIMESPAN_12 = re.compile(r"(\d{1,9}):([0-5]\d):([0-5]\d)(?:\.(\d{1,2}))?", re.ASCII)
_TIME_12 = re.compile(r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?", re.ASCII)


def check_time_12(value: str) -> None:
    """SCORM 1.2 RTE 3.4.1 CMITime: HH:MM:SS[.S[S]], a time of day."""
    if not _TIME_12.fullmatch(value):
        raise _mismatch(f"{value!r} is not a CMITime (HH:MM:SS.SS)")


def parse_timespan_12(value: str) -> int:
    """SCORM 1.2 RTE 3.4.1 CMITimespan HHHH:MM:SS.SS as centiseconds.

    The spec's hours are 2 to 4 digits; 1 to 9 are accepted because scorm-again writes 1-digit
    hours and totals beyond 9999 hours, and nothing is lost by reading them."""
    match = _TIMESPAN_12.fullmatch(value)
    if not match:
        raise _mismatch(f"{value!r} is not a CMITimespan (HHHH:MM:SS.SS)")
    hours, minutes, seconds, fraction = match.groups()
    centis = int((fraction or "0").ljust(2, "0"))
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 100 + centis


def format_timespan_12(centiseconds: int) -> str:
    """Centiseconds as CMITimespan, at least 4 hour digits ("0000:00:00.00" is zero)."""
    seconds, centis = divmod(max(centiseconds, 0), 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:04d}:{minutes:02d}:{seconds:02d}.{centis:02d}"


# ---------------------------------------------------------------- SCORM 2004 times

# RTE 4.1.1.x timeinterval (second,10,2): P[yY][mM][dD][T[hH][nM][s[.s]S]]
_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,2}))?S)?)?",
    re.ASCII,
)
# Years and months have no fixed length; these are the conventions used for summing.
_DAY = 24 * 3600 * 100
_YEAR = 365 * _DAY
_MONTH = 30 * _DAY


def parse_duration(value: str) -> int:
    """An ISO 8601 timeinterval (RTE 4.1.1.x) as centiseconds (a year is 365 days, a month 30)."""
    match = _DURATION.fullmatch(value) if len(value) <= 64 else None
    if not match or value in ("P", "PT") or value.endswith("T"):
        raise _mismatch(f"{value!r} is not an ISO 8601 timeinterval (e.g. PT1H30M5.25S)")
    years, months, days, hours, minutes, seconds, fraction = match.groups()
    if all(group is None for group in (years, months, days, hours, minutes, seconds)):
        raise _mismatch(f"{value!r} has no duration component")
    total = (
        int(years or 0) * _YEAR
        + int(months or 0) * _MONTH
        + int(days or 0) * _DAY
        + int(hours or 0) * 360_000
        + int(minutes or 0) * 6_000
        + int(seconds or 0) * 100
        + int((fraction or "0").ljust(2, "0"))
    )
    return total


def format_duration(centiseconds: int) -> str:
    """Centiseconds as a timeinterval in hours, minutes and seconds (PT0H0M0S is zero)."""
    seconds, centis = divmod(max(centiseconds, 0), 100)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    fraction = f".{centis:02d}".rstrip("0").rstrip(".") if centis else ""
    return f"PT{hours}H{minutes}M{seconds}{fraction}S"


_TIME_2004 = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?",
    re.ASCII,
)


def check_time_2004(value: str) -> None:
    """RTE 4.1.1.x time(second,10,0): YYYY[-MM[-DD[Thh[:mm[:ss[.s[TZD]]]]]]], 1970 to 2038."""
    match = _TIME_2004.fullmatch(value) if len(value) <= 40 else None
    if not match:
        raise _mismatch(f"{value!r} is not an ISO 8601 time (YYYY-MM-DDThh:mm:ss)")
    year, month, day, hour, minute, second, _fraction, zone = match.groups()
    if zone is not None and second is None and minute is None and hour is None:
        raise _mismatch(f"{value!r} has a time zone without a time")
    if not 1970 <= int(year) <= 2038:
        raise _mismatch(f"{value!r}: the year must be 1970 to 2038")
    try:
        datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
        )
        if zone not in (None, "Z"):
            offset_hours, offset_minutes = int(zone[1:3]), int(zone[-2:]) if len(zone) > 3 else 0
            if offset_hours > 23 or offset_minutes > 59:
                raise ValueError(zone)
            timezone(timedelta(hours=offset_hours, minutes=offset_minutes))
    except ValueError as error:
        raise _mismatch(f"{value!r} is not a real date and time") from error


# ---------------------------------------------------------------- strings and identifiers

_LANGUAGE = re.compile(r"([A-Za-z]{2,3}|[iIxX])(-[A-Za-z0-9]{1,8})*", re.ASCII)
_LANG_DELIMITER = re.compile(r"\{lang=([^}]*)\}")
# RTE 4.1.1.x short_identifier_type: URI characters, at least one word character.
_SHORT_IDENTIFIER = re.compile(r"(?=.*\w)[\w\-()+.:=@;$!*'%/#]+", re.ASCII)
# SCORM 1.2 CMIIdentifier is "alphanumeric, no spaces"; scorm-again accepts printable ASCII
# and white space because real content sends that, so the server accepts the same rather
# than drop what the browser API already reported as stored.
_IDENTIFIER_12 = re.compile(r"[\x21-\x7e\s]*", re.ASCII)


def check_characterstring(value: str, limits: Limits) -> None:
    """CMIString255/4096 (1.2) and characterstring (2004): any text up to the server limit."""
    check_length(value, limits)


def check_language(value: str, empty_ok: bool = False) -> None:
    """RTE 4.1.1.x language_type (RFC 3066): e.g. en, en-US, fr-CA, i-klingon."""
    if value == "" and empty_ok:
        return
    if len(value) > 250 or not _LANGUAGE.fullmatch(value):
        raise _mismatch(f"{value!r} is not a language code (RFC 3066)")


def split_language(value: str) -> tuple[str | None, str]:
    """A localized_string_type's language (or None) and its text."""
    if value.startswith("{lang="):
        match = _LANG_DELIMITER.match(value)
        if not match:
            raise _mismatch(f"{value[:40]!r} has an unterminated {{lang=}} delimiter")
        language = match.group(1)
        check_language(language)
        return language, value[match.end() :]
    return None, value


def check_localized_string(value: str, limits: Limits) -> None:
    """RTE 4.1.1.x localized_string_type: an optional {lang=<language_type>} then text."""
    check_length(value, limits)
    split_language(value)


def check_long_identifier(value: str, limits: Limits) -> None:
    """RTE 4.1.1.x long_identifier_type (SPM 4000): a label, ideally a URI; never empty."""
    check_length(value, limits)
    if value == "" or value.strip() == "":
        raise _mismatch("an identifier cannot be empty")
    if value.startswith("urn:") and not re.fullmatch(
        r"urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+", value
    ):
        raise _mismatch(f"{value[:60]!r} is not a valid URN (RFC 2141)")


def is_short_identifier(value: str) -> bool:
    return len(value) <= 250 and _SHORT_IDENTIFIER.fullmatch(value) is not None


def check_identifier_12(value: str, limits: Limits) -> None:
    """SCORM 1.2 RTE 3.4.1 CMIIdentifier (see the note at _IDENTIFIER_12)."""
    check_length(value, limits)
    if not _IDENTIFIER_12.fullmatch(value):
        raise _mismatch(f"{value[:60]!r} is not a CMIIdentifier")
