"""What create_app's one call installs: health routes, metrics and the request log."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from lrs.operations.health import Readiness
from lrs.operations.health import blueprint as health_blueprint
from lrs.operations.metrics import Metrics
from lrs.operations.observation import ObservedRequests, note_response
from lrs.operations.request_log import RequestLog
from lrs.operations.settings import OperationsSettings

log = logging.getLogger(__name__)


@dataclass
class Operations:
    settings: OperationsSettings
    readiness: Readiness
    metrics: Metrics | None


def install(app: Flask, operations_settings: OperationsSettings | None = None) -> Operations:
    """Health routes, metrics (unless LRS_METRICS=off) and the request log. Call it last in create_app:
    its WSGI layer must be the outermost, to see the requests inner layers refuse."""
    settings = operations_settings or OperationsSettings.from_env()
    engines = app.extensions["lrs"].engines
    metrics = None
    if settings.metrics != "off":
        metrics = Metrics()
        metrics.watch_engines(engines)
        metrics.count_active_sessions(engines)
        if not metrics.multiprocess:
            log.warning("LRS_METRICS is on but PROMETHEUS_MULTIPROC_DIR is not set: each gunicorn worker counts "
                        "alone; start gunicorn with -c python:lrs.operations.gunicorn_hooks")
        if settings.metrics == "credential":
            from lrs.operations.metrics_endpoint import blueprint as metrics_blueprint
            app.register_blueprint(metrics_blueprint)
    operations = Operations(settings=settings, readiness=Readiness(engines, settings.ready_timeout_seconds),
                            metrics=metrics)
    app.extensions["lrs_operations"] = operations
    app.register_blueprint(health_blueprint)
    app.after_request(note_response)
    observers = [RequestLog(settings.log_format)]
    if metrics is not None:
        observers.append(metrics.observe)
    app.wsgi_app = ObservedRequests(app.wsgi_app, observers, app.url_map)
    return operations
