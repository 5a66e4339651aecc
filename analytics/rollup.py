"""The aggregation rollup's upkeep as an automation scheduled job (docs/adr/008-aggregation-rollups.md):
every minute, the closed quarter-hours of each store are counted, a few days of them at most per tick so
the embedded runner's event handlers are not held up; `lrs analytics rollup` counts a large store at once."""
from __future__ import annotations

from automation.handlers import ScheduledJob
from lrs.services.aggregations import RollupService

STEPS_PER_TICK = 4  # each step counts at most a day of one store's slots


def rollup_job(engines) -> ScheduledJob:
    service = RollupService.on(engines)
    return ScheduledJob(name="analytics.rollup", cron="* * * * *",
                        run=lambda effects, tick_ms: service.catch_up(tick_ms, max_steps=STEPS_PER_TICK))
