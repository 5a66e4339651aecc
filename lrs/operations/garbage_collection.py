"""The collector's settings for a long-running process of the LRS (a gunicorn worker, the embedded
automation runner), applied once its long-lived objects are built."""
from __future__ import annotations

import gc


def settle_long_lived_objects() -> None:
    """The app's ~115,000 long-lived objects (modules, schemas, routes) leave the collector's view, so a
    full collection no longer walks them (~70 ms each); and a young collection waits for 20,000 net new
    container objects instead of 700: a batch of 100 statements alone holds over 1,000 dicts at once (a
    runner's batch of 500 events more), so the default collected two or three times per batch, each time
    walking every dict still alive. Request garbage is freed by reference counting; only cycles wait a
    little longer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
