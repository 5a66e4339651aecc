"""Progress of long CLI work: a bar with counts, rate and ETA on a terminal, plain lines otherwise."""
from __future__ import annotations

import sys
import time

import click


class Progress:
    """`advance(count)` as work is done; `done()` at the end. `total` may be None (no ETA then)."""

    def __init__(self, what: str, total: int | None, *, stream=None, interval_seconds: float = 2.0,
                 terminal: bool | None = None, unit: str = "statements"):
        self._what = what
        self._unit = unit
        self.total = total
        self._stream = stream or sys.stderr
        self._terminal = self._stream.isatty() if terminal is None else terminal
        self._interval = 0.2 if self._terminal else interval_seconds
        self._started = time.monotonic()
        self._shown_at = 0.0
        self.count = 0

    def advance(self, count: int) -> None:
        self.count += count
        now = time.monotonic()
        if now - self._shown_at >= self._interval:
            self._shown_at = now
            self._show(now)

    def set(self, count: int) -> None:
        self.advance(count - self.count)

    def done(self) -> None:
        self._show(time.monotonic(), final=True)

    def _show(self, now: float, final: bool = False) -> None:
        elapsed = max(now - self._started, 1e-9)
        rate = self.count / elapsed
        total = self.total
        if total and not final and rate > 0:
            eta = f"ETA {_duration(max(total - self.count, 0) / rate)}"
        else:
            eta = f"in {_duration(elapsed)}" if final else "ETA ?"
        counted = f"{self.count:,}/{total:,}" if total is not None else f"{self.count:,}"
        if self._terminal:
            width = 30
            filled = width if final else (int(width * self.count / total) if total else 0)
            bar = "#" * filled + "-" * (width - filled)
            click.echo(f"\r{self._what} [{bar}] {counted} {self._unit}, {rate:,.0f}/s, {eta}  ",
                       file=self._stream, nl=final)
        else:
            click.echo(f"{self._what}: {counted} {self._unit}, {rate:,.0f}/s, {eta}", file=self._stream)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
