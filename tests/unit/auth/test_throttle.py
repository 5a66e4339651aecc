"""The failure throttle counts the guesser: address and account together, and the address alone
(xAPI-Communication 3.2.s3.b13: 429 when a client sends too many requests)."""
from __future__ import annotations

import time
import tracemalloc

import pytest

from lrs.auth.throttle import FailureThrottle
from lrs.xapi.errors import TooManyRequests


def _fail(throttle: FailureThrottle, times: int, *subjects: str) -> None:
    for _ in range(times):
        throttle.check(*subjects)
        throttle.failed(*subjects)


def test_an_account_is_throttled_only_at_the_address_that_failed():
    throttle = FailureThrottle(limit=3, window_seconds=60)
    _fail(throttle, 3, "key:k", "address:192.0.2.1")
    with pytest.raises(TooManyRequests) as refused:
        throttle.check("key:k", "address:192.0.2.1")
    assert refused.value.retry_after >= 1
    throttle.check("key:k", "address:192.0.2.2")
    throttle.check("key:other", "address:192.0.2.1")


def test_an_address_trying_many_accounts_is_throttled_at_five_times_the_limit():
    throttle = FailureThrottle(limit=3, window_seconds=60)
    for number in range(15):
        _fail(throttle, 1, f"key:k{number}", "address:192.0.2.1")
    with pytest.raises(TooManyRequests):
        throttle.check("key:fresh", "address:192.0.2.1")
    throttle.check("key:fresh", "address:192.0.2.9")


def test_ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4():
    throttle = FailureThrottle(limit=2, window_seconds=60)
    _fail(throttle, 1, "key:k", "address:2001:db8:1:2::1")
    _fail(throttle, 1, "key:k", "address:2001:db8:1:2:ffff::7")  # same /64, another host part
    with pytest.raises(TooManyRequests):
        throttle.check("key:k", "address:2001:db8:1:2::99")
    throttle.check("key:k", "address:2001:db8:1:3::1")
    _fail(throttle, 2, "key:k", "address:::ffff:192.0.2.5")
    with pytest.raises(TooManyRequests):
        throttle.check("key:k", "address:192.0.2.5")


def test_failures_expire_with_the_window():
    throttle = FailureThrottle(limit=1, window_seconds=0.2)
    _fail(throttle, 1, "admin:alice", "address:192.0.2.1")
    with pytest.raises(TooManyRequests):
        throttle.check("admin:alice", "address:192.0.2.1")
    time.sleep(0.25)
    throttle.check("admin:alice", "address:192.0.2.1")


def test_long_presented_keys_do_not_cost_their_length_in_memory():
    throttle = FailureThrottle(limit=1, window_seconds=60)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for number in range(500):
        _fail(throttle, 1, f"key:{number}" + "x" * 20_000, f"address:10.0.{number // 250}.{number % 250}")
    kept = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert kept < 1_000_000  # the keys alone are 10 MB
