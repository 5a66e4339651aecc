"""Failed authentications in a sliding window; past the limit the LRS answers 429 until the window moves
on (xAPI-Communication 3.2.s3.b13).

It throttles the guesser, not the account: keys and admin names are public, so a count per account would
let anyone lock its owner out. An account's failures count together with the client address they came
from, so the owner presenting the right secret from any other address is still served; an address also
has its own count, `address_factor` times higher (an office behind one NAT address shares it), against
one address trying many accounts. IPv6 clients are counted per /64, which one host can usually fill.

Counts live in each server process, so with N workers a guesser gets at most N times the limit.
"""
from __future__ import annotations

import hashlib
import ipaddress
import threading
import time
from collections import deque

from lrs.xapi.errors import TooManyRequests

_MAX_TRACKED = 100_000


class FailureThrottle:
    """Subjects are "address:<ip>" and accounts ("key:<key>", "admin:<name>"). An account is only ever
    counted together with the address given beside it ("unknown" when none is)."""

    def __init__(self, limit: int, window_seconds: float, address_factor: int = 5):
        self._limit = limit
        self._address_limit = limit * address_factor
        self._window = window_seconds
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, *subjects: str) -> None:
        now = time.monotonic()
        with self._lock:
            for counter, limit in self._counters(subjects):
                recent = self._recent(counter, now)
                if len(recent) >= limit:
                    retry_after = max(1, int(recent[0] + self._window - now) + 1)
                    raise TooManyRequests("too many failed authentications; try again later",
                                          retry_after=retry_after, section="xAPI-Communication 3.2.s3.b13")

    def failed(self, *subjects: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > _MAX_TRACKED:
                self._forget_expired(now)
            for counter, _ in self._counters(subjects):
                self._recent(counter, now).append(now)

    def _counters(self, subjects: tuple[str, ...]) -> list[tuple[tuple[str, ...], int]]:
        addresses = [_address_group(subject[8:]) for subject in subjects if subject.startswith("address:")]
        accounts = [subject for subject in subjects if not subject.startswith("address:")]
        counters = [(("address", address), self._address_limit) for address in addresses]
        for account in accounts:
            # A digest bounds the memory an arbitrarily long presented key can take.
            digest = hashlib.blake2b(account.encode(), digest_size=16).hexdigest()
            counters += [(("account", address, digest), self._limit) for address in addresses or ["unknown"]]
        return counters

    def _recent(self, counter: tuple[str, ...], now: float) -> deque[float]:
        recent = self._failures.setdefault(counter, deque())
        while recent and recent[0] <= now - self._window:
            recent.popleft()
        return recent

    def _forget_expired(self, now: float) -> None:
        """Drops counts whose window has passed; if that is not enough, starts afresh (memory stays bounded)."""
        for counter in [counter for counter, recent in self._failures.items()
                        if not recent or recent[-1] <= now - self._window]:
            del self._failures[counter]
        if len(self._failures) > _MAX_TRACKED:
            self._failures.clear()


def _address_group(address: str) -> str:
    """The address a limit applies to: an IPv4 address, or the /64 network of an IPv6 one."""
    if ":" not in address:
        return address
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
