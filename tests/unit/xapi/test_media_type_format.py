"""Media types the LRS keeps and sends back in a header (RFC 9110 8.3.1), parsed in linear time."""
from __future__ import annotations

import time

from lrs.xapi.validation_formats import is_media_type


def test_a_long_near_miss_is_refused_in_linear_time():  # xAPI-Data 2.4.11 (contentType has no length bound)
    for near_miss in ("a/b" + " ;" * 200_000 + "\u20ac", "a/b; x=\"" + "\\\"" * 200_000, "a/b" + "; x=y" * 100_000 + ","):
        started = time.perf_counter()
        assert is_media_type(near_miss) is None
        assert time.perf_counter() - started < 1.0
