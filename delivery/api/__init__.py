"""The HTTP surface of delivery: the /api/v1 blueprint, and what a standard's blueprints use to reach
delivery from a request."""
from __future__ import annotations

from flask import current_app


def current_delivery():
    """The app's delivery.services.Delivery (lrs/app.py builds it)."""
    return current_app.extensions["delivery"]


def current_runtime():
    """The app's delivery.runtime.DeliveryRuntime, for a standard's request handlers."""
    return current_app.extensions["delivery"].runtime
