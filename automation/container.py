"""Builds the automation core from the settings and the LRS's services: the one place that lists the
handlers in use and chooses how they run (docs/adr/006-task-engine.md)."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from automation.admin import AutomationAdmin
from automation.dispatcher import Dispatcher
from automation.effects import Effects
from automation.embedded import EmbeddedRunner, RunnerLock, lock_path
from automation.forwarding.sender import Forwarding
from automation.forwarding.subscriptions import SubscriptionStore
from automation.handlers import HandlerRegistry, ScheduledJob
from automation.progress import Progress
from automation.settings import AutomationSettings


OUTBOX_PRUNE_JOB = "automation.outbox_prune"


@dataclass
class Automation:
    settings: AutomationSettings
    registry: HandlerRegistry
    effects: Effects
    progress: Progress
    forwarding: Forwarding
    dispatcher: Dispatcher
    admin: AutomationAdmin
    runner: str  # embedded | worker | off (AutomationSettings.runner_for)
    embedded: EmbeddedRunner | None = None

    def start_embedded(self) -> None:
        """Starts the in-process runner when this deployment uses it (SQLite); at once if it runs. Returns
        None: it is also a Flask before_request hook, where a value would be taken for the response."""
        if self.embedded is not None:
            self.embedded.start()

    def close(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()


def register_workflows(registry: HandlerRegistry, settings, services) -> None:
    """The workflow handlers and scheduled jobs in use, one line each (automation/workflows/...)."""
    from automation.workflows.container import build_workflows, nudge_job, workflow_handlers
    workflows = build_workflows(settings, services)  # issue 15: email, enrolment, payments, certificates...
    for handler in workflow_handlers(workflows):  # the list, one line each: automation/workflows/container.py
        registry.register(handler)
    registry.schedule(nudge_job(workflows))  # the re-engagement sweep


def build_automation(settings, services, *, automation_settings: AutomationSettings | None = None,
                     registry: HandlerRegistry | None = None) -> Automation:
    """`settings` is lrs.settings.Settings, `services` lrs.services.container.Services; nothing touches the
    database here. `registry` replaces the workflow handlers (tests of the machinery)."""
    automation_settings = automation_settings or AutomationSettings.from_env()
    if registry is None:
        registry = HandlerRegistry()
        register_workflows(registry, settings, services)
        from analytics.rollup import rollup_job
        registry.schedule(rollup_job(services.engines))  # the aggregation rollup (analytics/rollup.py)
        for plugin in automation_settings.plugins:
            module, _, function = plugin.partition(":")
            getattr(importlib.import_module(module), function)(registry, settings, services)
    engines = services.engines
    effects = Effects(engines)
    progress = Progress(engines)
    forwarding = Forwarding(SubscriptionStore(engines), progress,
                            timeout_seconds=automation_settings.forward_timeout_seconds)
    sqlite = engines.dialect == "sqlite"
    dispatcher = Dispatcher(services.events, progress, effects, automation_settings,
                            lambda: [*registry.consumers(), *forwarding.consumers()],
                            lock=RunnerLock(lock_path(str(engines.write.url))) if sqlite else None)
    # The outbox's pruning, every 10 minutes, whichever runner runs the handlers (both run
    # scheduled jobs); once per registry, which a test may build automation with twice.
    if not any(job.name == OUTBOX_PRUNE_JOB for job in registry.jobs):
        registry.schedule(ScheduledJob(OUTBOX_PRUNE_JOB, "*/10 * * * *",
                                       lambda _effects, tick_ms: dispatcher.prune_outbox(now=tick_ms)))
    runner = automation_settings.runner_for(engines.dialect)
    automation = Automation(settings=automation_settings, registry=registry, effects=effects, progress=progress,
                            forwarding=forwarding, dispatcher=dispatcher,
                            admin=AutomationAdmin(engines, dispatcher, forwarding, services.administration),
                            runner=runner)
    if runner == "embedded":
        automation.embedded = EmbeddedRunner(automation, engines, poll_seconds=automation_settings.poll_seconds,
                                             supervisor_lock=lock_path(str(engines.write.url), "supervisor"))
    return automation
