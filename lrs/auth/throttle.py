"""Failed authentications, counted per key and per client address in a sliding window; past the limit
the LRS answers 429 until the window moves on (xAPI-Communication 3.2.s3.b13).

Counts live in each server process, so with N workers an attacker gets at most N times the limit.
"""
from __future__ import annotations

import threading
import time
from collections import deque

from lrs.xapi.errors import TooManyRequests


class FailureThrottle:
    """Subjects are "address:<ip>" or a key ("key:<key>", "admin:<name>"); an address gets `address_factor`
    times the limit, since many honest users may share one (an office behind NAT)."""

    def __init__(self, limit: int, window_seconds: float, address_factor: int = 5):
        self._limit = limit
        self._address_limit = limit * address_factor
        self._window = window_seconds
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *subjects: str) -> None:
        now = time.monotonic()
        with self._lock:
            for subject in subjects:
                recent = self._recent(subject, now)
                limit = self._address_limit if subject.startswith("address:") else self._limit
                if len(recent) >= limit:
                    retry_after = max(1, int(recent[0] + self._window - now) + 1)
                    raise TooManyRequests("too many failed authentications; try again later",
                                          retry_after=retry_after, section="xAPI-Communication 3.2.s3.b13")

    def failed(self, *subjects: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:
                self._failures.clear()
            for subject in subjects:
                self._recent(subject, now).append(now)

    def _recent(self, subject: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(subject, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        return recent
