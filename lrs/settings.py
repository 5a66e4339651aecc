"""Every setting comes from an LRS_* environment variable, its name in capitals (package_max_items:
LRS_PACKAGE_MAX_ITEMS, scorm_max_characters: LRS_SCORM_MAX_CHARACTERS); the defaults run on SQLite with
no set-up."""
from __future__ import annotations

import logging
import os
import secrets
import socket
from dataclasses import dataclass, replace
from pathlib import Path

from lrs.auth.server_secret import UnsafeSecret, checked_secret, load_or_create_secret

log = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path("var")


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    # Where the server keeps its files: the default SQLite database and the generated server secret.
    data_dir: Path = DEFAULT_DATA_DIR
    # Empty: the SQLite file lrs.sqlite3 in data_dir.
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    # Signs `more` cursors and (without token_keys) access tokens. from_env never leaves it to chance
    # (lrs/auth/server_secret.py); built in code without one, it is random for this process only.
    secret_key: str = ""
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
    # Empty: http://host:port, where the server listens.
    public_url: str = ""
    # Origins whose browser content may call the LRS; "*" allows any.
    cors_origins: tuple[str, ...] = ("*",)
    # OAuth 2.0 access tokens: "kid:secret" pairs, the first signs and all verify (rotation);
    # empty means one key derived from secret_key.
    token_keys: tuple[tuple[str, str], ...] = ()
    token_seconds: int = 3600
    # Failed authentications allowed per client address and account (key or admin) together, and five
    # times as many per client address, in auth_failure_window seconds (lrs/auth/throttle.py).
    auth_failure_limit: int = 10
    auth_failure_window: float = 60.0
    # Reverse proxies in front of the server whose X-Forwarded-For is believed (0: none, the peer address
    # is the client's). Behind a TLS proxy set it to 1, or every client shares the proxy's failure counts.
    trusted_proxies: int = 0
    # Distinct filter terms (agents, activities, verbs, registrations) one statement request may name:
    # each new one is a dictionary insert, and past this a request outlives the worker (413).
    max_terms_per_request: int = 50_000
    # Course packages (delivery/, launch-api.md). Package files live under content_dir (empty: data_dir/content).
    content_dir: Path | str = ""
    # The origin package files are served from; empty: this server's own, {public_url}/content.
    content_url: str = ""
    # How long a launch URL's one-time token may wait to be opened.
    launch_token_seconds: int = 3600
    # Limits on an uploaded package (delivery/intake.py), each refused with 413: the upload itself, its
    # member count, one member and all members inflated, and a member's inflated/compressed ratio (only
    # for members over package_ratio_floor_bytes inflated, since small text files compress well).
    package_max_bytes: int = 1024 * 1024 * 1024
    package_max_files: int = 20_000
    package_max_file_bytes: int = 1024 * 1024 * 1024
    package_max_total_bytes: int = 4 * 1024 * 1024 * 1024
    package_max_ratio: int = 200
    package_ratio_floor_bytes: int = 1024 * 1024
    # A bare XML course structure (a cmi5.xml body) or a package's root manifest is read whole: this caps it.
    package_max_xml_bytes: int = 16 * 1024 * 1024
    # Bounds that keep parsing a SCORM manifest linear (scorm_runtime.cam.CamLimits), each refused with 400:
    # every XML element in it, its <item> elements, and how deep items nest.
    package_max_xml_elements: int = 400_000
    package_max_items: int = 50_000
    package_max_item_depth: int = 64
    # SCORM run time: every CMI string is kept up to this many characters (the SPMs are minimums; above
    # it SetValue fails with the data model's error, 1.2: 405, 2004: 406), and how often the player
    # commits on its own between the SCO's Commit calls.
    scorm_max_characters: int = 64_000
    scorm_commit_interval_seconds: int = 30

    def __post_init__(self) -> None:
        if not self.secret_key:
            object.__setattr__(self, "secret_key", secrets.token_urlsafe(48))
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{Path(self.data_dir) / 'lrs.sqlite3'}")
        if not self.public_url:
            object.__setattr__(self, "public_url", _served_url(self.host, self.port))
        if not self.content_dir:
            object.__setattr__(self, "content_dir", Path(self.data_dir) / "content")
        object.__setattr__(self, "content_dir", Path(self.content_dir))
        if not self.content_url:
            object.__setattr__(self, "content_url", self.public_url.rstrip("/") + "/content")

    @classmethod
    def from_env(cls) -> "Settings":
        defaults = cls()
        data_dir = Path(_env("LRS_DATA_DIR", str(defaults.data_dir)))
        return cls(
            data_dir=data_dir,
            database_url=_env("LRS_DATABASE_URL", ""),
            host=_env("LRS_HOST", defaults.host),
            port=int(_env("LRS_PORT", str(defaults.port))),
            secret_key=_server_secret(data_dir),
            statement_page_max=int(_env("LRS_STATEMENT_PAGE_MAX", str(defaults.statement_page_max))),
            max_request_bytes=int(_env("LRS_MAX_REQUEST_BYTES", str(defaults.max_request_bytes))),
            db_pool_size=int(_env("LRS_DB_POOL_SIZE", str(defaults.db_pool_size))),
            db_wait_seconds=float(_env("LRS_DB_WAIT_SECONDS", str(defaults.db_wait_seconds))),
            auth_cache_seconds=float(_env("LRS_AUTH_CACHE_SECONDS", str(defaults.auth_cache_seconds))),
            credential_recheck_seconds=float(_env("LRS_CREDENTIAL_RECHECK_SECONDS",
                                                  str(defaults.credential_recheck_seconds))),
            public_url=_env("LRS_PUBLIC_URL", ""),
            cors_origins=tuple(origin.strip() for origin in
                               _env("LRS_CORS_ORIGINS", ",".join(defaults.cors_origins)).split(",")
                               if origin.strip()),
            token_keys=_token_keys(_env("LRS_TOKEN_KEYS", "")),
            token_seconds=int(_env("LRS_TOKEN_SECONDS", str(defaults.token_seconds))),
            auth_failure_limit=int(_env("LRS_AUTH_FAILURE_LIMIT", str(defaults.auth_failure_limit))),
            auth_failure_window=float(_env("LRS_AUTH_FAILURE_WINDOW", str(defaults.auth_failure_window))),
            trusted_proxies=int(_env("LRS_TRUSTED_PROXIES", str(defaults.trusted_proxies))),
            max_terms_per_request=int(_env("LRS_MAX_TERMS_PER_REQUEST", str(defaults.max_terms_per_request))),
            content_dir=_env("LRS_CONTENT_DIR", ""),
            content_url=_env("LRS_CONTENT_URL", ""),
            launch_token_seconds=int(_env("LRS_LAUNCH_TOKEN_SECONDS", str(defaults.launch_token_seconds))),
            **{name: int(_env("LRS_" + name.upper(), str(getattr(defaults, name))))
               for name in (*_PACKAGE_LIMITS, *_SCORM_SETTINGS)},
        )

    def with_overrides(self, **changes) -> "Settings":
        return replace(self, **changes)


_PACKAGE_LIMITS = ("package_max_bytes", "package_max_files", "package_max_file_bytes", "package_max_total_bytes",
                   "package_max_ratio", "package_ratio_floor_bytes", "package_max_xml_bytes",
                   "package_max_xml_elements", "package_max_items", "package_max_item_depth")
_SCORM_SETTINGS = ("scorm_max_characters", "scorm_commit_interval_seconds")


def _server_secret(data_dir: Path) -> str:
    """LRS_SECRET_KEY if set (and fit to sign with), else the one kept in (or first made in) data_dir."""
    configured = os.environ.get("LRS_SECRET_KEY", "")
    if configured:
        secret, source = checked_secret(configured, "LRS_SECRET_KEY"), "from LRS_SECRET_KEY"
    else:
        secret, source = load_or_create_secret(data_dir)
    log.info("server secret: %s", source)
    return secret


def _token_keys(text: str) -> tuple[tuple[str, str], ...]:
    """'kid1:secret1,kid2:secret2' -> ((kid1, secret1), (kid2, secret2)); a malformed or weak pair stops
    the server rather than fall back to another key."""
    pairs = []
    for item in filter(None, (item.strip() for item in text.split(","))):
        kid, separator, secret = item.partition(":")
        if not (separator and kid and secret):
            raise UnsafeSecret("LRS_TOKEN_KEYS holds an entry that is not kid:secret")
        pairs.append((kid, checked_secret(secret, f"LRS_TOKEN_KEYS (key '{kid}')")))
    return tuple(pairs)


def _served_url(host: str, port: int) -> str:
    """The URL of host:port; a wildcard address names this machine instead."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
