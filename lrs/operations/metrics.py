"""Prometheus metrics through prometheus-client. Under gunicorn each worker writes its values to files in
PROMETHEUS_MULTIPROC_DIR (set up by lrs/operations/gunicorn_hooks.py before any worker starts) and a scrape
adds up every worker's; without that directory the values are this process's own, in a registry of the
app's. What is counted comes from the HTTP layer (route template, status, error body) and SQLAlchemy's
pool, so no service needs to know it is measured."""
from __future__ import annotations

import logging
import os
import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event, func, select

from lrs.operations.exchange import Exchange

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DOCUMENT_ROUTES = {"/xapi/activities/state": "state", "/xapi/activities/profile": "activity_profile",
                   "/xapi/agents/profile": "agent_profile"}
LAUNCH_ROUTE = "/api/v1/registrations/<registration_id>/launch"
RUNTIME_COMMIT_ROUTES = {"/player/api/sessions/<session_id>/commit": "scorm"}
# RFC 9110 §9: methods are open-ended tokens a client may make up; a label of each would let anyone add
# series without bound (memory of every worker, size of every scrape), so the rest are counted as "other".
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"
_POOL_WAIT_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0)


def multiprocess_directory() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    def __init__(self):
        # Multiprocess values live in files and belong to no registry: a scrape gathers them (exposition).
        self.multiprocess = multiprocess_directory() is not None
        registry = None if self.multiprocess else CollectorRegistry()
        self.registry = registry
        self._extra_collectors: list = []
        self.requests = Counter("lrs_http_requests", "HTTP requests answered, by method, route template and "
                                "status.", ["method", "route", "status"], registry=registry)
        self.duration = Histogram("lrs_http_request_duration_seconds", "Time from a request's arrival until its "
                                  "answer is ready to send.", ["method", "route", "status"], registry=registry)
        self.rejections = Counter("lrs_http_rejections", "Requests refused (4xx/5xx), by the error family of "
                                  "the answer's body (xAPI: BadRequest, Conflict, ...).", ["family", "status"],
                                  registry=registry)
        self.unavailable = Counter("lrs_http_unavailable", "503 answers: the database was busy or unreachable.",
                                   ["route"], registry=registry)
        self.throttled = Counter("lrs_http_throttled", "429 answers: too many failed authentications.",
                                 ["route"], registry=registry)
        self.statements_stored = Counter("lrs_xapi_statements_stored", "Statements stored through the "
                                         "Statement Resource.", registry=registry)
        self.documents_written = Counter("lrs_xapi_documents_written", "Document writes (PUT, POST, DELETE) "
                                         "that succeeded, by resource.", ["resource", "method"], registry=registry)
        self.launches = Counter("lrs_runtime_launches", "Launches the course API handed out.", registry=registry)
        self.commits = Counter("lrs_runtime_commits", "Runtime commits accepted, by runtime.", ["runtime"],
                               registry=registry)
        self.pool_in_use = Gauge("lrs_db_pool_connections_in_use", "Pooled database connections checked out, "
                                 "by engine.", ["engine"], multiprocess_mode="livesum", registry=registry)
        self.pool_size = Gauge("lrs_db_pool_size", "Pooled database connections each process keeps, by "
                               "engine (overflow may add as many).", ["engine"], multiprocess_mode="livesum",
                               registry=registry)
        self.pool_wait = Histogram("lrs_db_pool_wait_seconds", "Time a request waited for a pooled database "
                                   "connection.", ["engine"], buckets=_POOL_WAIT_BUCKETS, registry=registry)

    def observe(self, exchange: Exchange) -> None:
        status = str(exchange.status)
        method = exchange.method if exchange.method in KNOWN_METHODS else OTHER_METHOD
        self.requests.labels(method, exchange.route, status).inc()
        self.duration.labels(method, exchange.route, status).observe(exchange.duration_seconds)
        if exchange.status >= 400:
            self.rejections.labels(exchange.error or "none", status).inc()
        if exchange.status == 503:
            self.unavailable.labels(exchange.route).inc()
        elif exchange.status == 429:
            self.throttled.labels(exchange.route).inc()
        if not 200 <= exchange.status < 300:
            return
        if exchange.statements_stored:
            self.statements_stored.inc(exchange.statements_stored)
        if exchange.route in DOCUMENT_ROUTES and exchange.method in ("PUT", "POST", "DELETE"):
            self.documents_written.labels(DOCUMENT_ROUTES[exchange.route], exchange.method).inc()
        elif exchange.route == LAUNCH_ROUTE:
            self.launches.inc()
        elif exchange.route in RUNTIME_COMMIT_ROUTES:
            self.commits.labels(RUNTIME_COMMIT_ROUTES[exchange.route]).inc()

    def watch_engines(self, engines) -> None:
        """Pool use and wait time of the app's two engines (lrs.storage.engines.Engines)."""
        for role, engine in (("read", engines.read), ("write", engines.write)):
            self._watch_pool(role, engine)

    def _watch_pool(self, role: str, engine) -> None:
        in_use, wait = self.pool_in_use.labels(role), self.pool_wait.labels(role)
        size = getattr(engine.pool, "size", None)
        if callable(size):
            self.pool_size.labels(role).set(size())
        event.listen(engine, "checkout", lambda *_: in_use.inc())
        event.listen(engine, "checkin", lambda *_: in_use.dec())
        # Every checkout goes through Engine.raw_connection (Connection() calls it too); the pool has no
        # event before a checkout, and the engine outlives the pools a dispose replaces.
        raw_connection = engine.raw_connection

        def timed_raw_connection(*args, **kwargs):
            started = time.perf_counter()
            try:
                return raw_connection(*args, **kwargs)
            finally:
                wait.observe(time.perf_counter() - started)

        engine.raw_connection = timed_raw_connection

    def count_active_sessions(self, engines) -> None:
        self._extra_collectors.append(ActiveSessions(engines))
        if self.registry is not None:
            self.registry.register(self._extra_collectors[-1])

    def exposition(self) -> bytes:
        """The text format a scrape gets: every worker's values in multiprocess mode."""
        if not self.multiprocess:
            return generate_latest(self.registry)
        return generate_latest(scrape_registry(self._extra_collectors))


def scrape_registry(extra_collectors=()) -> CollectorRegistry:
    """A registry gathering every process's values from PROMETHEUS_MULTIPROC_DIR (built per scrape, as
    prometheus-client's multiprocess mode asks)."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    for collector in extra_collectors:
        registry.register(collector)
    return registry


class ActiveSessions:
    """lrs_runtime_sessions_active: open launch sessions, counted in the database at scrape time (every
    worker and server sees the same number, so it is not summed across processes)."""

    def __init__(self, engines):
        self.engines = engines

    def describe(self):
        return []

    def collect(self):
        from delivery.storage.tables import sessions
        try:
            with self.engines.read.connect() as connection:
                count = connection.execute(select(func.count()).select_from(sessions)
                                           .where(sessions.c.state == "open")).scalar_one()
        except Exception as error:  # noqa: BLE001 - a scrape still answers the other metrics
            log.warning("lrs_runtime_sessions_active not counted: %s", type(error).__name__)
            return
        family = GaugeMetricFamily("lrs_runtime_sessions_active", "Launch sessions open now.")
        family.add_metric([], count)
        yield family
