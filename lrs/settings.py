"""Every setting comes from an LRS_* environment variable; the defaults run on SQLite with no set-up."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("var") / "lrs.sqlite3"


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: f"sqlite:///{DEFAULT_SQLITE_PATH}")
    host: str = "127.0.0.1"
    port: int = 8080
    # Secret that signs `more` cursors; set LRS_SECRET_KEY in production so cursors survive restarts.
    secret_key: str = "dev-only-secret-change-me"
    statement_page_max: int = 500
    max_request_bytes: int = 20 * 1024 * 1024
    db_pool_size: int = 5
    # How long a request waits for a pooled connection, or for a lock another writer holds, before the
    # LRS answers 503 with Retry-After instead of hanging (issue 5: overload).
    db_wait_seconds: float = 10.0
    auth_cache_seconds: float = 30.0
    # How long a server process may reuse a credential it read: revoking a key, rotating its secret or
    # disabling its store takes effect on every server within this time (0: read on every request).
    credential_recheck_seconds: float = 1.0
    # Base URL clients use to reach this LRS; credential authorities use it as their account homePage.
    public_url: str = "http://127.0.0.1:8080"
    # Origins whose browser content may call the LRS; "*" allows any.
    cors_origins: tuple[str, ...] = ("*",)
    # OAuth 2.0 access tokens: "kid:secret" pairs, the first signs and all verify (rotation);
    # empty means one key derived from secret_key.
    token_keys: tuple[tuple[str, str], ...] = ()
    token_seconds: int = 3600
    # Failed authentications allowed per key (and five times as many per client address) in
    # auth_failure_window seconds.
    auth_failure_limit: int = 10
    auth_failure_window: float = 60.0

    @classmethod
    def from_env(cls) -> "Settings":
        defaults = cls()
        return cls(
            database_url=_env("LRS_DATABASE_URL", defaults.database_url),
            host=_env("LRS_HOST", defaults.host),
            port=int(_env("LRS_PORT", str(defaults.port))),
            secret_key=_env("LRS_SECRET_KEY", defaults.secret_key),
            statement_page_max=int(_env("LRS_STATEMENT_PAGE_MAX", str(defaults.statement_page_max))),
            max_request_bytes=int(_env("LRS_MAX_REQUEST_BYTES", str(defaults.max_request_bytes))),
            db_pool_size=int(_env("LRS_DB_POOL_SIZE", str(defaults.db_pool_size))),
            db_wait_seconds=float(_env("LRS_DB_WAIT_SECONDS", str(defaults.db_wait_seconds))),
            auth_cache_seconds=float(_env("LRS_AUTH_CACHE_SECONDS", str(defaults.auth_cache_seconds))),
            credential_recheck_seconds=float(_env("LRS_CREDENTIAL_RECHECK_SECONDS",
                                                  str(defaults.credential_recheck_seconds))),
            public_url=_env("LRS_PUBLIC_URL", defaults.public_url),
            cors_origins=tuple(origin.strip() for origin in
                               _env("LRS_CORS_ORIGINS", ",".join(defaults.cors_origins)).split(",")
                               if origin.strip()),
            token_keys=_token_keys(_env("LRS_TOKEN_KEYS", "")),
            token_seconds=int(_env("LRS_TOKEN_SECONDS", str(defaults.token_seconds))),
            auth_failure_limit=int(_env("LRS_AUTH_FAILURE_LIMIT", str(defaults.auth_failure_limit))),
            auth_failure_window=float(_env("LRS_AUTH_FAILURE_WINDOW", str(defaults.auth_failure_window))),
        )

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)


def _token_keys(text: str) -> tuple[tuple[str, str], ...]:
    """'kid1:secret1,kid2:secret2' -> ((kid1, secret1), (kid2, secret2))."""
    pairs = []
    for item in text.split(","):
        kid, separator, secret = item.strip().partition(":")
        if separator and kid and secret:
            pairs.append((kid, secret))
    return tuple(pairs)
