"""gunicorn server hooks: `gunicorn -c python:lrs.operations.gunicorn_hooks -w 4 -b ... lrs.wsgi:app`.

- Metrics (LRS_METRICS not off): every worker writes its values to files in one directory
  (prometheus-client's multiprocess mode), made fresh here, in the master, before any worker starts, and
  removed when the server stops; a dead worker's live gauges are dropped. With LRS_METRICS=open the
  master serves them on LRS_METRICS_BIND, away from the API's address.
- Logs: gunicorn's own lines, and the application's that lrs.wsgi sends through them, in LRS_LOG_FORMAT.
"""
from __future__ import annotations

import os
import shutil
import tempfile

from lrs.operations.settings import OperationsSettings, metrics_bind_address

_settings = OperationsSettings.from_env()
_owned_directory: str | None = None
_master_engines = None  # the metrics server's, for lrs_runtime_sessions_active (LRS_METRICS=open)
if _settings.metrics != "off" and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Set before prometheus_client is first imported: it picks multiprocess mode at import time.
    _owned_directory = tempfile.mkdtemp(prefix="lrs-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _owned_directory

# gunicorn's logging configuration (it replaces these keys of gunicorn's defaults): every line in
# LRS_LOG_FORMAT, each once (gunicorn's loggers do not also pass their lines to the root logger's handler).
# gunicorn's access log is off: the request log (lrs.requests) replaces it, and gunicorn's would write
# query strings, which carry agents (personal data) and one-time keys.
_FORMATTER = ("lrs.operations.log_format.JsonFormatter" if _settings.log_format == "json"
              else "lrs.operations.log_format.TextFormatter")
logconfig_dict = {
    "formatters": {"generic": {"()": _FORMATTER}},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
                "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False}},
}


def on_starting(server) -> None:
    # logconfig_dict set gunicorn.error's level; --log-level decides it.
    server.log.error_log.setLevel(server.log.loglevel)
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory and directory != _owned_directory:
        # A directory the operator named: values of an earlier run would be added to this one's.
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def when_ready(server) -> None:
    if _settings.metrics != "open":
        return
    from prometheus_client import start_http_server

    from lrs.operations.metrics import ActiveSessions, scrape_registry
    from lrs.operations.settings import database_url_from_env
    from lrs.storage.engines import create_engines
    host, port = metrics_bind_address(_settings.metrics_bind)
    global _master_engines
    _master_engines = create_engines(database_url_from_env(), pool_size=1)
    start_http_server(port, addr=host, registry=scrape_registry([ActiveSessions(_master_engines)]))
    server.log.info("metrics served on %s:%s", host, port)


def post_fork(server, worker) -> None:
    if _master_engines is not None:
        # The worker must never close the master's database connections it inherited (SQLAlchemy: pools
        # and os.fork); it does not use them.
        _master_engines.read.dispose(close=False)
        _master_engines.write.dispose(close=False)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    if _owned_directory:
        shutil.rmtree(_owned_directory, ignore_errors=True)
