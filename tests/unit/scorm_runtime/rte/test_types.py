"""The value types: CMITimespan (1.2) and timeinterval (2004) arithmetic and formats, time,
real, language, localized strings and identifiers (1.2 RTE 3.4.1; 2004 RTE 4.1.1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorm_runtime.rte.errors import DataModelError, Fault
from scorm_runtime.rte.types import (
    DEFAULT_LIMITS,
    check_language,
    check_localized_string,
    check_long_identifier,
    check_real,
    check_time_12,
    check_time_2004,
    format_duration,
    format_timespan_12,
    parse_duration,
    parse_timespan_12,
    split_language,
)

CENTISECONDS = st.integers(min_value=0, max_value=10**11)


@pytest.mark.parametrize(
    "text, centiseconds",
    [
        ("00:00:00", 0),
        ("0000:00:00.00", 0),
        ("00:00:01.5", 150),
        ("01:02:03.04", 372304),
        ("9999:59:59.99", 3599999999),
        ("1:00:00", 360000),  # scorm-again writes 1-digit hours
    ],
)
def test_timespan_12_parses(text, centiseconds):  # 1.2 RTE 3.4.1 CMITimespan HHHH:MM:SS.SS
    assert parse_timespan_12(text) == centiseconds


@pytest.mark.parametrize(
    "text", ["", "00:00", "00:60:00", "00:00:60", "PT1S", "00:00:00.123", "-01:00:00", "aa:bb:cc"]
)
def test_timespan_12_rejects(text):
    with pytest.raises(DataModelError) as error:
        parse_timespan_12(text)
    assert error.value.fault is Fault.TYPE_MISMATCH


@pytest.mark.parametrize(
    "text, centiseconds",
    [
        ("PT0S", 0),
        ("PT0H0M0S", 0),
        ("PT1.5S", 150),
        ("PT1H30M", 540000),
        ("P1D", 8640000),
        ("P1DT1S", 8640100),
        ("PT100H", 36000000),
        ("P1Y", 365 * 8640000),  # a year counts 365 days
        ("P1M", 30 * 8640000),  # a month counts 30 days
    ],
)
def test_duration_parses(text, centiseconds):  # 2004 RTE 4.1.1 timeinterval (second,10,2)
    assert parse_duration(text) == centiseconds


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "P1DT", "PT1.123S", "PT-1S", "1H", "PT1H2S3M", "P1W", "PT1,5S", "pt1s"]
)
def test_duration_rejects(text):
    with pytest.raises(DataModelError):
        parse_duration(text)


def test_zero_formats():
    assert format_timespan_12(0) == "0000:00:00.00"
    assert format_duration(0) == "PT0H0M0S"
    assert format_duration(150) == "PT0H0M1.5S"
    assert format_duration(372304) == "PT1H2M3.04S"


@given(CENTISECONDS)
def test_timespan_12_format_round_trips(centiseconds):
    assert parse_timespan_12(format_timespan_12(centiseconds)) == centiseconds


@given(CENTISECONDS)
def test_duration_format_round_trips(centiseconds):
    assert parse_duration(format_duration(centiseconds)) == centiseconds


@given(CENTISECONDS, CENTISECONDS, CENTISECONDS)
def test_sums_through_the_formats_are_associative(a, b, c):  # total_time += session_time, any order
    def add_12(x: str, y: str) -> str:
        return format_timespan_12(parse_timespan_12(x) + parse_timespan_12(y))

    def add_2004(x: str, y: str) -> str:
        return format_duration(parse_duration(x) + parse_duration(y))

    fa, fb, fc = (format_timespan_12(v) for v in (a, b, c))
    assert add_12(add_12(fa, fb), fc) == add_12(fa, add_12(fb, fc))
    da, db, dc = (format_duration(v) for v in (a, b, c))
    assert add_2004(add_2004(da, db), dc) == add_2004(da, add_2004(db, dc))
    assert parse_duration(add_2004(da, db)) == a + b


@given(
    st.tuples(*[st.one_of(st.none(), st.integers(0, 9999)) for _ in range(5)]),
    st.one_of(st.none(), st.tuples(st.integers(0, 9999), st.one_of(st.none(), st.integers(0, 99)))),
)
def test_any_well_formed_duration_parses_and_normalises(components, seconds):
    years, months, days, hours, minutes = components
    date = "".join(
        f"{v}{d}" for v, d in ((years, "Y"), (months, "M"), (days, "D")) if v is not None
    )
    time = "".join(f"{v}{d}" for v, d in ((hours, "H"), (minutes, "M")) if v is not None)
    if seconds is not None:
        whole, fraction = seconds
        time += f"{whole}" + (f".{fraction:02d}" if fraction is not None else "") + "S"
    text = "P" + date + ("T" + time if time else "")
    if text == "P":
        return
    value = parse_duration(text)
    assert parse_duration(format_duration(value)) == value


@pytest.mark.parametrize("text", ["09:00:00", "23:59:59", "00:00:00.5", "12:30:45.99"])
def test_time_12_accepts(text):  # 1.2 RTE 3.4.1 CMITime
    check_time_12(text)


@pytest.mark.parametrize(
    "text", ["24:00:00", "9:00:00", "12:60:00", "12:00", "2024-01-01T12:00:00"]
)
def test_time_12_rejects(text):
    with pytest.raises(DataModelError):
        check_time_12(text)


@pytest.mark.parametrize(
    "text",
    [
        "1970",
        "2038-01-19",
        "2024-02-29T23:59:59",
        "2024-05-01T10:20",
        "2024-05-01T10",
        "2024-05-01T10:20:30.12",
        "2024-05-01T10:20:30Z",
        "2024-05-01T10:20:30-05",
        "2024-05-01T10:20:30+05:30",
    ],
)
def test_time_2004_accepts(text):  # 2004 RTE 4.1.1 time (second,10,0)
    check_time_2004(text)


@pytest.mark.parametrize(
    "text",
    [
        "1969-12-31",
        "2039-01-01",
        "2023-02-29",
        "2024-04-31",
        "2024-5-1",
        "2024-05-01 10:20",
        "2024-05-01T24:00",
        "2024-05-01T10:20:30+25:00",
        "2024Z",
        "now",
    ],
)
def test_time_2004_rejects(text):
    with pytest.raises(DataModelError):
        check_time_2004(text)


@pytest.mark.parametrize("text", ["0", "-1", "3.14159", "0.0000001", "1234567890.1234567"])
def test_real_accepts(text):  # 2004 RTE 4.1.1 real(10,7)
    check_real(text)


@pytest.mark.parametrize("text", ["", "1e5", "+1", ".5", "1.", "NaN", "Infinity", "1,5", "1" * 41])
def test_real_rejects(text):
    with pytest.raises(DataModelError):
        check_real(text)


@pytest.mark.parametrize(
    "text", ["en", "en-US", "fr-CA", "zh-Hant-TW", "i-klingon", "x-private", "deu"]
)
def test_language_accepts(text):  # 2004 RTE 4.1.1 language_type (RFC 3066)
    check_language(text)


@pytest.mark.parametrize("text", ["", "e", "english", "en_US", "en-", "12"])
def test_language_rejects(text):
    with pytest.raises(DataModelError):
        check_language(text)


def test_localized_string_splits_its_language():  # 2004 RTE 4.1.1 localized_string_type
    assert split_language("{lang=fr}Bonjour") == ("fr", "Bonjour")
    assert split_language("Hello") == (None, "Hello")
    assert split_language("{lang=en}") == ("en", "")
    for bad in ("{lang=}x", "{lang=en", "{lang=toolonglanguage}x"):
        with pytest.raises(DataModelError):
            check_localized_string(bad, DEFAULT_LIMITS)


def test_long_identifier():  # 2004 RTE 4.1.1 long_identifier_type
    for good in ("urn:ADL:interaction-1", "http://example.com/q/1", "Question 1", "q"):
        check_long_identifier(good, DEFAULT_LIMITS)
    for bad in ("", "  ", "urn:", "urn:bad nid:x"):
        with pytest.raises(DataModelError):
            check_long_identifier(bad, DEFAULT_LIMITS)
