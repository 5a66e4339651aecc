"""Test fixtures: every API test runs on SQLite and on a real PostgreSQL server.

PostgreSQL comes from LRS_TEST_POSTGRES_URL (an admin URL; each test session makes and drops its own
database). Without it the PostgreSQL half is skipped loudly, and under CI=true it is a failure.
"""
from __future__ import annotations

import base64
import contextlib
import fcntl
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lrs.app import create_app
from lrs.settings import Settings

# Apps built in this process (Flask test clients) start no background automation thread: it would outlive
# the test's database and poll it from another thread. Tests of the handlers run them explicitly, and
# servers started by run_server (gunicorn) run automation as deployed (LRS_AUTOMATION_RUNNER=auto).
os.environ.setdefault("LRS_AUTOMATION_RUNNER", "off")
from lrs.storage.migrate import upgrade
from tests.factories import issue_credential

POSTGRES_ADMIN_URL = os.environ.get("LRS_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
# The servers tests start sign with a secret nobody else knows (lrs/auth/server_secret.py refuses published ones).
SERVER_SECRET = secrets.token_urlsafe(48)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
_skipped_groups: set[str] = set()


def postgres_available() -> str | None:
    """None when PostgreSQL can be used, else why not."""
    if not POSTGRES_ADMIN_URL:
        return "LRS_TEST_POSTGRES_URL is not set"
    try:
        engine = create_engine(_psycopg(POSTGRES_ADMIN_URL))
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"cannot reach {POSTGRES_ADMIN_URL}: {error}"
    return None


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


GROUP_SKIP = "skipped group: "  # the skip reason carries the group to the controller under `pytest -n`


def skip_group(group: str, reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{group} is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"{GROUP_SKIP}{group}: {reason}")


def pytest_runtest_logreport(report):
    """Runs where the reports arrive: in the one process, or in the xdist controller for every worker."""
    if report.skipped and isinstance(report.longrepr, tuple):
        message = report.longrepr[2]
        if GROUP_SKIP in message:
            _skipped_groups.add(message.split(GROUP_SKIP, 1)[1])


def pytest_collection_modifyitems(items):
    # `-m postgres` selects every test that runs on PostgreSQL: the database_url half and direct users.
    for item in items:
        callspec = getattr(item, "callspec", None)
        if "postgresql_database_url" in item.fixturenames or (
                callspec is not None and callspec.params.get("database_url") == "postgresql"):
            item.add_marker(pytest.mark.postgres)


def pytest_terminal_summary(terminalreporter):
    if _skipped_groups:
        terminalreporter.write_sep("!", "SKIPPED TEST GROUPS", red=True, bold=True)
        for line in sorted(_skipped_groups):
            terminalreporter.write_line(f"!!! {line}", red=True, bold=True)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# Every session that uses PostgreSQL holds a shared lock on this file; a test that restarts the server
# must first turn its own into an exclusive one, which it gets only when no other session is running.
_POSTGRES_LOCK = Path(tempfile.gettempdir()) / "lrs-tests-postgresql.lock"
_postgres_lock_file = None


def _hold_postgres_shared() -> None:
    global _postgres_lock_file
    if _postgres_lock_file is None:
        _postgres_lock_file = open(_POSTGRES_LOCK, "a+")  # noqa: SIM115 - held for the whole session
        fcntl.flock(_postgres_lock_file, fcntl.LOCK_SH)


@contextlib.contextmanager
def postgres_to_myself(wait_seconds: float = 60.0):
    """For tests that stop or restart the shared PostgreSQL: skips (fails under CI) unless no other
    pytest process uses it, under xdist or beside this session, and keeps it that way meanwhile."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        skip_group("PostgreSQL restart", f"runs only alone, not beside {workers - 1} other xdist workers "
                                         "(`pytest -m serial`, as `make test` does)")
    _hold_postgres_shared()
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(_postgres_lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                skip_group("PostgreSQL restart", f"other test sessions use PostgreSQL ({_POSTGRES_LOCK} is held)")
            time.sleep(0.5)
    try:
        yield
    finally:
        fcntl.flock(_postgres_lock_file, fcntl.LOCK_SH)


@contextlib.contextmanager
def throwaway_postgres_database(label: str):
    """A new, empty PostgreSQL database (its URL), dropped afterwards; the PostgreSQL group is skipped (a
    failure under CI=true) when no server answers."""
    reason = postgres_available()
    if reason:
        skip_group("PostgreSQL", reason)
    name = f"lrs_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_psycopg(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(_psycopg(POSTGRES_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgresql_database_url():
    reason = postgres_available()
    if reason:
        skip_group("PostgreSQL", reason)
    _hold_postgres_shared()
    name = f"lrs_test_{_worker()}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    # pool_pre_ping: a serial test restarts PostgreSQL, and the drop at the end needs a live connection.
    admin = create_engine(_psycopg(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(_psycopg(POSTGRES_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_database_url(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'lrs.sqlite3'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request):
    url = request.getfixturevalue(f"{request.param}_database_url")
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url) -> Settings:
    # The app lives for the whole session: failed logins of unrelated tests must not add up to a 429
    # (throttling is tested against its own server in tests/api/test_oauth.py).
    return Settings(database_url=database_url, secret_key=SERVER_SECRET, auth_cache_seconds=30.0,
                    statement_page_max=100, auth_failure_limit=100_000)


@pytest.fixture(scope="session")
def app(settings):
    application = create_app(settings)
    yield application
    application.extensions["lrs"].close()


class XapiClient:
    """Flask's test client with the xAPI version header and a credential on every request."""

    def __init__(self, flask_client, key: str, secret: str, version: str = "1.0.3"):
        self.http = flask_client
        self.version = version
        self.key = key
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": version}

    def request(self, method: str, path: str, *, headers: dict | None = None, **kwargs):
        merged = {**self.headers, **(headers or {})}
        return self.http.open(path, method=method, headers=merged, **kwargs)

    def post_statements(self, payload, **kwargs):
        return self.request("POST", "/xapi/statements", json=payload, **kwargs)

    def put_statement(self, statement_id: str, statement, **kwargs):
        return self.request("PUT", "/xapi/statements", query_string={"statementId": statement_id},
                            json=statement, **kwargs)

    def get_statements(self, headers: dict | None = None, **parameters):
        return self.request("GET", "/xapi/statements", query_string=parameters, headers=headers)

    def all_statement_ids(self, **parameters) -> list[str]:
        """The ids of every statement a query returns, following `more` to the last page, in order."""
        ids, page = [], self.get_statements(**parameters).get_json()
        while True:
            ids += [found["id"] for found in page["statements"]]
            if not page["more"]:
                return ids
            page = self.request("GET", page["more"]).get_json()


def rejected(response, path: str | None, status: int = 400) -> dict:
    """The xAPI error body of a refused request, checked to name `path` (None: the body has no path)
    and to say what is wrong."""
    assert response.status_code == status, (response.status_code, response.data[:500])
    error = response.get_json()
    assert error.get("path") == path and error["message"], error
    return error


@pytest.fixture
def store_credential(app):
    """A fresh store and a credential for it: tests never see each other's statements."""
    issued = issue_credential(app.extensions["lrs"], "test client")
    return issued


@pytest.fixture
def xapi(app, store_credential) -> XapiClient:
    return XapiClient(app.test_client(), store_credential.key, store_credential.secret)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(database_url):
    """The real server under gunicorn (2 workers) on a free loopback port."""
    yield from run_server(database_url)


def run_server(database_url: str, workers: int = 2, *, public_url: bool = False, **settings: str):
    """Starts gunicorn on the database with LRS_* settings; yields its base URL, then stops it.

    public_url: the server's public URL is the address it listens on, so the launch URLs it hands out
    open as given (course and launch API tests)."""
    port = _free_port()
    listening = {"public_url": f"http://127.0.0.1:{port}", "port": str(port)} if public_url else {}
    environment = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_SECRET_KEY": SERVER_SECRET,
                   "LRS_AUTOMATION_RUNNER": "auto",
                   **{f"LRS_{name.upper()}": value for name, value in {**listening, **settings}.items()}}
    # Browsers open idle sockets (preconnects, spare pool sockets) that block a sync worker until its
    # timeout; threaded workers hand them back (found by CATAPULT, conformance/README-catapult.md).
    worker_class = ["--worker-class", "gthread", "--threads", "4"] if public_url else []
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), *worker_class, "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "lrs.wsgi:app"], env=environment)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base_url}/xapi/about", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("the server did not start")
    yield base_url
    process.terminate()
    process.wait(timeout=10)


def request_log_lines(text: str) -> list[dict]:
    """The request log's JSON lines (logger lrs.requests) in captured output; other lines are skipped."""
    import orjson
    lines = []
    for line in text.splitlines():
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(parsed, dict) and parsed.get("logger") == "lrs.requests":
            lines.append(parsed)
    return lines
