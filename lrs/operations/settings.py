"""The operations settings (health, metrics, request logs), each from an LRS_* environment variable like
lrs/settings.py: LRS_METRICS, LRS_METRICS_BIND, LRS_METRICS_TOKEN, LRS_LOG_FORMAT, LRS_READY_TIMEOUT_SECONDS."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lrs.auth.server_secret import UnsafeSecret, checked_secret

METRICS_MODES = ("off", "open", "credential")
LOG_FORMATS = ("json", "text")


class InvalidOperationsSetting(ValueError):
    """A setting the server must not start with; the message names the variable, never a secret."""


@dataclass(frozen=True)
class OperationsSettings:
    # GET /metrics: "off"; "open", served without a credential but only on metrics_bind by gunicorn's
    # master (lrs/operations/gunicorn_hooks.py), never on the API's own address; or "credential", served on
    # the API's address to `Authorization: Bearer <metrics_token>` only.
    metrics: str = "off"
    metrics_bind: str = "127.0.0.1:9108"
    metrics_token: str = ""
    # The request and error log lines: "json" (one object a line, for log collectors) or "text" (a
    # developer's terminal).
    log_format: str = "json"
    # How long GET /health/ready waits for the database before it answers 503.
    ready_timeout_seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.metrics not in METRICS_MODES:
            raise InvalidOperationsSetting(f"LRS_METRICS is {self.metrics!r}; it must be one of "
                                           + ", ".join(METRICS_MODES))
        if self.log_format not in LOG_FORMATS:
            raise InvalidOperationsSetting(f"LRS_LOG_FORMAT is {self.log_format!r}; it must be one of "
                                           + ", ".join(LOG_FORMATS))
        if self.metrics == "credential":
            if not self.metrics_token:
                raise InvalidOperationsSetting("LRS_METRICS=credential needs LRS_METRICS_TOKEN, the bearer "
                                               "token scrapers send")
            try:
                checked_secret(self.metrics_token, "LRS_METRICS_TOKEN")
            except UnsafeSecret as error:
                raise InvalidOperationsSetting(str(error)) from None
        if self.metrics == "open":
            metrics_bind_address(self.metrics_bind)
        if not self.ready_timeout_seconds > 0:
            raise InvalidOperationsSetting("LRS_READY_TIMEOUT_SECONDS must be more than 0")

    @classmethod
    def from_env(cls) -> "OperationsSettings":
        defaults = cls()
        return cls(
            metrics=os.environ.get("LRS_METRICS", defaults.metrics).strip().lower(),
            metrics_bind=os.environ.get("LRS_METRICS_BIND", defaults.metrics_bind),
            metrics_token=os.environ.get("LRS_METRICS_TOKEN", ""),
            log_format=os.environ.get("LRS_LOG_FORMAT", defaults.log_format).strip().lower(),
            ready_timeout_seconds=float(os.environ.get("LRS_READY_TIMEOUT_SECONDS",
                                                       str(defaults.ready_timeout_seconds))),
        )


def metrics_bind_address(bind: str) -> tuple[str, int]:
    """'host:port' (or '[v6]:port') -> (host, port)."""
    host, separator, port = bind.rpartition(":")
    if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise InvalidOperationsSetting(f"LRS_METRICS_BIND is {bind!r}; it must be host:port")
    return host.strip("[]"), int(port)


def database_url_from_env(database_url: str | None = None) -> str:
    """The database the server uses (LRS_DATABASE_URL, else the SQLite file in LRS_DATA_DIR), found without
    Settings.from_env: backups and the metrics server have no business making or reading the server secret."""
    from lrs.settings import DEFAULT_DATA_DIR, Settings
    data_dir = Path(os.environ.get("LRS_DATA_DIR", str(DEFAULT_DATA_DIR)))
    return Settings(data_dir=data_dir, database_url=database_url or os.environ.get("LRS_DATABASE_URL", "")).database_url
