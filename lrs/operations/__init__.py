"""Operations: health and readiness, Prometheus metrics, request logs with request ids, backup and
restore (docs/operations.md). `install(app)` is the one call create_app makes.

Nothing is imported here at import time: gunicorn imports lrs.operations.gunicorn_hooks, which must set
PROMETHEUS_MULTIPROC_DIR before prometheus_client is first imported."""
from __future__ import annotations


def install(app, operations_settings=None):
    from lrs.operations.installation import install as install_operations
    return install_operations(app, operations_settings)
