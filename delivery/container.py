"""Builds delivery's services from the settings and the LRS's services: the one place its backends
(database tables, local content directory) are chosen."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from delivery.content import LocalContentStorage
from delivery.intake import IntakeLimits
from delivery.runtime import DeliveryRuntime
from delivery.services import Delivery
from delivery.standard import Standard, StandardRegistry
from delivery.storage.store import DeliveryStorage


def build_delivery(settings, services, standards: Sequence[Standard] = ()) -> Delivery:
    """`services` is lrs.services.container.Services; nothing touches the disk or database here."""
    content_dir = Path(settings.content_dir)
    runtime = DeliveryRuntime(DeliveryStorage(services.engines), services.statements, services.documents,
                              public_url=settings.public_url, content_url=settings.content_url,
                              launch_token_seconds=settings.launch_token_seconds)
    return Delivery(DeliveryStorage(services.engines), LocalContentStorage(content_dir),
                    StandardRegistry([_configured(standard, settings) for standard in standards]),
                    runtime, IntakeLimits.from_settings(settings), work_dir=content_dir / ".uploads")


def _configured(standard: Standard, settings) -> Standard:
    """The standard with the server's settings, when it takes any (Standard.with_settings)."""
    with_settings = getattr(standard, "with_settings", None)
    return with_settings(settings) if with_settings is not None else standard
