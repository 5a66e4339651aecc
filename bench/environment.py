"""What the benchmarks run against: a fresh database, the real server under gunicorn, a credential."""
from __future__ import annotations

import base64
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from lrs.settings import Settings
from lrs.storage.migrate import upgrade

POSTGRES_ADMIN_URL = os.environ.get("LRS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
KEY, SECRET = "bench-key", "bench-secret-" + secrets.token_urlsafe(24)
# Servers sign cursors with a secret nobody else knows, made per benchmark run.
SERVER_SECRET = secrets.token_urlsafe(48)
SERVER_PIDS: dict[str, int] = {}  # base URL -> gunicorn master process id
# The servers' gunicorn worker class (`python -m bench --worker-class`): "sync", or "gthread" with 4 threads.
WORKER_CLASS = "sync"
WORKERS = 2  # gunicorn worker processes of a server started without a count (`python -m bench --workers`)


def servers() -> str:
    """The servers under test, for a table's title: "2 gunicorn sync workers"."""
    return f"{WORKERS} gunicorn {WORKER_CLASS} workers" + (" of 4 threads" if WORKER_CLASS == "gthread" else "")


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                             if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration):
        memory_kb = 0
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gib": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform()}


@contextmanager
def fresh_database(dialect: str):
    """A migrated, empty database URL, removed afterwards."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="lrs-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            upgrade(url)
            yield url
        return
    name = f"lrs_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def database_version(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            version = connection.execute(text("SHOW server_version")).scalar()
        else:
            version = "SQLite " + connection.execute(text("select sqlite_version()")).scalar()
    engine.dispose()
    return version


def create_credential(url: str):
    from lrs.services.container import build_services
    services = build_services(Settings(database_url=url))
    try:
        return services.administration.create_credential_in("bench", "bench", name="bench", key=KEY, secret=SECRET)
    finally:
        services.close()


def auth_headers() -> dict:
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(url: str, workers: int | None = None, *, application: str = "lrs.wsgi:app", settings: dict | None = None):
    """gunicorn serving the LRS (or another WSGI `application`, given the URL as FLOOR_DATABASE_URL too)
    on a free loopback port, with extra LRS_* `settings`; yields its base URL."""
    port = _free_port()
    settings = {key: value.format(port=port) for key, value in (settings or {}).items()}
    environment = {**os.environ, "LRS_DATABASE_URL": url, "FLOOR_DATABASE_URL": url, "LRS_SECRET_KEY": SERVER_SECRET,
                   **settings}
    # The server's request log (one line per request) goes to a file, not through this process's terminal;
    # it is removed when the run goes well, and kept (its path in the error) when it does not.
    log_path = Path(tempfile.gettempdir()) / f"bench-server-{port}.log"
    log_file = log_path.open("wb")
    workers = WORKERS if workers is None else workers
    threads = ["--worker-class", "gthread", "--threads", "4"] if WORKER_CLASS == "gthread" else []
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), *threads,
                                "-b", f"127.0.0.1:{port}", "--log-level", "warning", application], env=environment,
                               stdout=log_file, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    SERVER_PIDS[base] = process.pid
    try:
        deadline = time.monotonic() + 120  # a busy shared machine can take a minute to import the app
        while True:
            try:
                requests.get(f"{base}/xapi/about", timeout=1)
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start (its log: {log_path})") from None
                time.sleep(0.1)
        yield base
    except BaseException:
        log_path = None  # kept: what the server said is what explains a failed run
        raise
    finally:
        SERVER_PIDS.pop(base, None)
        process.terminate()
        process.wait(timeout=60)
        log_file.close()
        if log_path is not None:
            log_path.unlink(missing_ok=True)


def _server_processes(base: str):
    """(pid, stat fields after the name) of the gunicorn master serving `base` and of its workers."""
    master = SERVER_PIDS[base]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended while we looked
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == master or parent == master:
            yield pid, fields


def worker_rss_bytes(base: str) -> dict[int, int]:
    """Resident set size of each gunicorn worker serving `base` (not the master), from /proc/PID/statm."""
    page = os.sysconf("SC_PAGE_SIZE")
    sizes = {}
    for pid, _ in _server_processes(base):
        if pid == SERVER_PIDS[base]:
            continue
        try:
            sizes[pid] = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
        except OSError:
            continue
    return sizes


def server_cpu_seconds(base: str) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master serving `base` and its workers,
    read from /proc: on a shared machine CPU per request is steadier than requests per second."""
    total = sum(int(fields[11]) + int(fields[12]) for _, fields in _server_processes(base))  # utime, stime ticks
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(dialect: str, *, courses: bool = False):
    """A fresh database holding the bench credential, served by gunicorn; yields (database URL, base URL).
    With `courses`, package files go to a temporary content folder removed afterwards."""
    with fresh_database(dialect) as url:
        create_credential(url)
        if not courses:
            with running_server(url) as base:
                yield url, base
            return
        with tempfile.TemporaryDirectory(prefix="lrs-bench-data-") as folder:
            # Launch URLs must name this server's port: "{port}" is filled in by running_server.
            settings = {"LRS_DATA_DIR": folder, "LRS_PUBLIC_URL": "http://127.0.0.1:{port}"}
            with running_server(url, settings=settings) as base:
                yield url, base


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]
