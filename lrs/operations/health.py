"""GET /health/live: the process serves. GET /health/ready: it can reach its database within
ready_timeout_seconds (503 otherwise), with a body naming each check and whether it is up. Neither needs
a credential, and neither says more than up or down: no version, setting or error text."""
from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, current_app

from lrs.api.responses import json_response

blueprint = Blueprint("health", __name__, url_prefix="/health")
_NO_STORE = {"Cache-Control": "no-store"}


class Readiness:
    """Probes the database on a thread of its own, so a database that neither answers nor refuses (a
    dropped network, a stuck server) costs the probe its timeout, not the worker. While a probe is still
    out, the next check waits for that one rather than start another."""

    def __init__(self, engines, timeout_seconds: float):
        self.engines = engines
        self.timeout_seconds = timeout_seconds
        self._pending: Future | None = None
        self._lock = threading.Lock()

    def checks(self) -> dict[str, str]:
        return {"database": self._database()}

    def _database(self) -> str:
        with self._lock:
            if self._pending is None or self._pending.done():
                self._pending = self._start_probe()
            pending = self._pending
        try:
            pending.result(timeout=self.timeout_seconds)
        except FutureTimeout:
            return "timeout"
        except Exception:  # noqa: BLE001 - any failure means down; its text is not for anonymous callers
            return "unreachable"
        return "up"

    def _start_probe(self) -> Future:
        # A daemon thread, not an executor's: a probe stuck on a dead network must not hold up the
        # worker's exit.
        probe: Future = Future()

        def run() -> None:
            try:
                self._probe_database()
            except BaseException as error:  # noqa: BLE001 - handed to the waiting check
                probe.set_exception(error)
            else:
                probe.set_result(None)

        threading.Thread(target=run, name="lrs-readiness", daemon=True).start()
        return probe

    def _probe_database(self) -> None:
        # The app's own pool: a probe that finds the database gone also retires the dead connections.
        with self.engines.driver() as connection:
            connection.execute("SELECT 1").fetchall()


@blueprint.get("/live")
def live():
    return json_response({"status": "up"}, headers=_NO_STORE)


@blueprint.get("/ready")
def ready():
    checks = current_app.extensions["lrs_operations"].readiness.checks()
    up = all(state == "up" for state in checks.values())
    return json_response({"status": "up" if up else "down", "checks": checks}, status=200 if up else 503,
                         headers=_NO_STORE)
