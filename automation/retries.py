"""Exponential back-off: the one formula for every retry (dispatcher, embedded runner, workers)."""
from __future__ import annotations


def backoff_ms(attempts: int, *, base_seconds: float, max_delay_seconds: float) -> int:
    """Wait after the `attempts`-th failed try: base * 2^(attempts-1), at most max_delay."""
    exponent = min(max(attempts - 1, 0), 40)
    return int(min(base_seconds * (2 ** exponent), max_delay_seconds) * 1000)
