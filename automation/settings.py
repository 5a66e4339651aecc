"""The automation core's settings (docs/automation.md, README's settings table), from LRS_AUTOMATION_*
and LRS_FORWARD_* environment variables."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

RUNNERS = ("auto", "embedded", "worker", "off")


@dataclass(frozen=True)
class AutomationSettings:
    # Who runs the handlers: `embedded` (a thread in the web server process, SQLite's default: no other
    # server), `worker` (separate `lrs worker` processes on procrastinate, PostgreSQL), `off`; `auto`
    # picks embedded on SQLite and worker on PostgreSQL.
    runner: str = "auto"
    # Events read per consumer step; a forwarding request carries at most this many statements.
    batch_size: int = 500
    # A failing delivery is tried this many times, waiting base * 2^(attempt-1) seconds (at most
    # max_delay) between tries, then it is a dead letter. The defaults span about 5 hours, so a receiver
    # down for an hour gets everything when it is back.
    max_attempts: int = 35
    retry_base_seconds: float = 1.0
    retry_max_delay_seconds: float = 600.0
    # How often a worker looks for new events (a query of the outbox's head).
    poll_seconds: float = 0.2
    # procrastinate worker concurrency per `lrs worker` process.
    worker_concurrency: int = 4
    # A forwarding request waits this long for the receiver's answer.
    forward_timeout_seconds: float = 10.0
    # A signed forward older than this should be refused by receivers (stated in the signature header's
    # documentation; the sender uses it only to document, the receiver enforces it).
    forward_tolerance_seconds: int = 300
    # Events every consumer is past are deleted from the outbox once they are this old (a job every 10 minutes,
    # either runner): a few days of history stay for looking into what the handlers were given.
    outbox_retention_days: float = 7.0
    # More handlers to register, as "module:function" names, each called with (registry, settings,
    # services): a deployment's own handlers, or a test's, without editing automation/container.py.
    plugins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.runner not in RUNNERS:
            raise ValueError(f"LRS_AUTOMATION_RUNNER must be one of {', '.join(RUNNERS)}, not {self.runner!r}")
        if self.max_attempts < 1 or self.batch_size < 1:
            raise ValueError("LRS_AUTOMATION_MAX_ATTEMPTS and LRS_AUTOMATION_BATCH_SIZE are at least 1")
        if not 0 <= self.outbox_retention_days < 1e6:  # NaN and infinity too
            raise ValueError("LRS_AUTOMATION_OUTBOX_RETENTION_DAYS is a number of days, from 0 to 999,999")

    def runner_for(self, dialect: str) -> str:
        if self.runner != "auto":
            return self.runner
        return "worker" if dialect == "postgresql" else "embedded"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "AutomationSettings":
        environ = os.environ if environ is None else environ
        defaults = cls()

        def get(name: str, default):
            return type(default)(environ.get(name, str(default)))

        return cls(runner=get("LRS_AUTOMATION_RUNNER", defaults.runner),
                   batch_size=get("LRS_AUTOMATION_BATCH_SIZE", defaults.batch_size),
                   max_attempts=get("LRS_AUTOMATION_MAX_ATTEMPTS", defaults.max_attempts),
                   retry_base_seconds=get("LRS_AUTOMATION_RETRY_BASE_SECONDS", defaults.retry_base_seconds),
                   retry_max_delay_seconds=get("LRS_AUTOMATION_RETRY_MAX_DELAY_SECONDS",
                                               defaults.retry_max_delay_seconds),
                   poll_seconds=get("LRS_AUTOMATION_POLL_SECONDS", defaults.poll_seconds),
                   worker_concurrency=get("LRS_AUTOMATION_WORKER_CONCURRENCY", defaults.worker_concurrency),
                   forward_timeout_seconds=get("LRS_FORWARD_TIMEOUT_SECONDS", defaults.forward_timeout_seconds),
                   forward_tolerance_seconds=get("LRS_FORWARD_TOLERANCE_SECONDS",
                                                 defaults.forward_tolerance_seconds),
                   outbox_retention_days=get("LRS_AUTOMATION_OUTBOX_RETENTION_DAYS", defaults.outbox_retention_days),
                   plugins=tuple(name.strip() for name in environ.get("LRS_AUTOMATION_PLUGINS", "").split(",")
                                 if name.strip()))
