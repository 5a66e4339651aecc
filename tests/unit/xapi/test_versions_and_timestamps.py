"""X-Experience-API-Version negotiation (xAPI-Communication 3.3) and timestamp parameters (xAPI-Data 4.5)."""
from __future__ import annotations

import pytest

from lrs.xapi.errors import BadRequest
from lrs.xapi.timestamps import format_ms, in_utc, parse_timestamp_ms
from lrs.xapi.versions import negotiate


@pytest.mark.parametrize("header, version", [("1.0", "1.0.3"), ("1.0.0", "1.0.3"), ("1.0.3", "1.0.3"),
                                             ("2.0.0", "2.0.0")])
def test_accepted_versions(header, version):
    assert negotiate(header) == version


@pytest.mark.parametrize("header", [None, "", "0.9", "0.95", "1.1.0", "1", "1.0.x", "2.1.0"])
def test_rejected_versions(header):
    with pytest.raises(BadRequest, match="X-Experience-API-Version") as refused:
        negotiate(header)
    assert refused.value.path == "X-Experience-API-Version"


@pytest.mark.parametrize("text, expected", [
    ("1970-01-01T00:00:01Z", 1000), ("1970-01-01T01:00:01+01:00", 1000), ("1970-01-01T00:00:01.5Z", 1500),
    ("1970-01-01T00:00:01", 1000)])
def test_timestamps_parse_to_utc_milliseconds(text, expected):
    assert parse_timestamp_ms(text, parameter="since") == expected


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-01-01"])
def test_bad_timestamps_are_rejected(text):
    with pytest.raises(BadRequest):
        parse_timestamp_ms(text, parameter="since")


def test_stored_is_formatted_with_milliseconds_in_utc():
    assert format_ms(1500) == "1970-01-01T00:00:01.500Z"


@pytest.mark.parametrize("milliseconds, expected", [
    (0, "1970-01-01T00:00:00.000Z"), (999, "1970-01-01T00:00:00.999Z"), (1000, "1970-01-01T00:00:01.000Z"),
    (-1, "1969-12-31T23:59:59.999Z"), (-1000, "1969-12-31T23:59:59.000Z"),
    (1764500000999, "2025-11-30T10:53:20.999Z"), (1764500001000, "2025-11-30T10:53:21.000Z"),
    (253402300799999, "9999-12-31T23:59:59.999Z"),
])
def test_stored_formatting_at_second_boundaries(milliseconds, expected):
    # xAPI-Data 2.4.8 (stored) and 4.5: the second's text is cached, the milliseconds are not
    assert format_ms(milliseconds) == expected


@pytest.mark.parametrize("sent,expected", [
    ("2023-05-04T12:00:00-05:00", "2023-05-04T17:00:00Z"),
    ("2023-05-04T12:00:00.123+0530", "2023-05-04T06:30:00.123Z"),
    ("2023-12-31T23:30:00.5-01:00", "2024-01-01T00:30:00.5Z"),
    ("2023-05-04T12:00:00.1234567+01:00", "2023-05-04T11:00:00.123456Z"),
    ("2023-05-04T12:00:00.120Z", "2023-05-04T12:00:00.120Z"),
    ("2023-05-04T12:00:00+00:00", "2023-05-04T12:00:00+00:00"),
])
def test_timestamps_with_an_offset_are_rewritten_as_the_same_instant_in_utc(sent, expected):
    # xAPI-Data 4.5.s1.b5, 4.5.s1.b6; xAPI-2.0 s22
    assert in_utc(sent) == expected
