"""What reacts to the spine's events: handlers (one event at a time) and the registry of those in use.

A handler is idempotent by construction: every external effect goes through `Effects.run_once` with a
deterministic key, so an event delivered twice (a worker died after the effect, before its cursor moved)
has its effect once. A handler that raises is retried with exponential back-off (automation/retries.py),
then its delivery goes to the dead-letter list."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from automation.effects import Effects
from lrs.events import Event


class Handler(Protocol):
    name: str  # unique and stable: it names the handler's cursor and its dead letters
    kinds: frozenset[str]

    def handle(self, event: Event, effects: Effects) -> None: ...


class Consumer(Protocol):
    """What the dispatcher runs: a Handler (wrapped by HandlerConsumer) or a consumer that takes a batch
    at once (a forwarding subscription sends one request for many statements). `ordered` consumers wait at
    a failing event (back-off) so nothing passes it; the others set it aside for retry and go on."""
    name: str
    kinds: frozenset[str]
    ordered: bool

    def handle_batch(self, events: list[Event], effects: Effects) -> None: ...


@dataclass
class HandlerConsumer:
    handler: Handler
    ordered: bool = False

    @property
    def name(self) -> str:
        return self.handler.name

    @property
    def kinds(self) -> frozenset[str]:
        return self.handler.kinds

    def handle_batch(self, events: list[Event], effects: Effects) -> None:
        for event in events:
            self.handler.handle(event, effects)

    def prepare(self, events: list[Event]) -> None:
        """Before an unordered consumer's events are handled one by one: the handler's `prepare`, if it has
        one, reads at once what it will need of them (the statements of a handler that reads every one)."""
        prepare = getattr(self.handler, "prepare", None)
        if prepare is not None:
            prepare(events)


@dataclass(frozen=True)
class ScheduledJob:
    """A job run on a schedule (a re-engagement sweep...): `cron` in five fields (minute hour day month
    weekday), `run(effects, tick_ms)` with the scheduled tick's time; effects keyed by tick stay once."""
    name: str
    cron: str
    run: Callable[[Effects, int], None]


class HandlerRegistry:
    def __init__(self, handlers: Iterable[Handler] = ()):
        self._handlers: dict[str, Handler] = {}
        self._jobs: dict[str, ScheduledJob] = {}
        for handler in handlers:
            self.register(handler)

    def register(self, handler: Handler) -> Handler:
        if handler.name in self._handlers or handler.name.startswith("forward:"):
            raise ValueError(f"a handler named {handler.name!r} is already registered (or reserved)")
        self._handlers[handler.name] = handler
        return handler

    def schedule(self, job: ScheduledJob) -> ScheduledJob:
        if job.name in self._jobs:
            raise ValueError(f"a scheduled job named {job.name!r} is already registered")
        self._jobs[job.name] = job
        return job

    @property
    def handlers(self) -> list[Handler]:
        return list(self._handlers.values())

    @property
    def jobs(self) -> list[ScheduledJob]:
        return list(self._jobs.values())

    def consumers(self) -> list[Consumer]:
        return [HandlerConsumer(handler) for handler in self._handlers.values()]
