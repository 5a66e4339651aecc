"""Use case: counts over a store's statements, with a statements query's filters (issue 14 aggregations).

Group keys come back as what the statements hold: a verb or activity IRI, a registration UUID, or an
Agent (its inverse functional identifier). Time is `stored` (the LRS's clock, as since/until), in
quarter-hour slots that callers bucket into a time zone's hours, days, weeks or months
(docs/adr/007-aggregations.md).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from lrs.auth.principal import Principal
from lrs.services.exports import StatementFilters, require_whole_store_reader
from lrs.storage.aggregations import AggregationStorage
from lrs.storage.rollups import SLOT_MS, AdvanceStep, RollupStorage
from lrs.storage.engines import Engines
from lrs.xapi.filter_terms import Role, verb_term

GROUPS = {"verb": Role.VERB, "activity": Role.ACTIVITY, "actor": Role.AGENT, "registration": Role.REGISTRATION}
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
# The ADL verbs cmi5, the SCORM profile and most content use for an outcome (ADL Vocabulary).
COMPLETED_VERBS = (ADL_VERBS + "completed",)
PASSED_VERBS = (ADL_VERBS + "passed",)
FAILED_VERBS = (ADL_VERBS + "failed",)


@dataclass(frozen=True)
class ActivityOutcome:
    activity: str
    learners: int
    completed: int
    passed: int
    failed: int
    passed_or_failed: int


def agent_of_key(key: str) -> dict:
    """The Agent an agent term's key (lrs.xapi.agents.ifi_key) identifies."""
    kind, _, rest = key.partition("|")
    if kind == "account":
        home_page, _, name = rest.partition("|")
        return {"account": {"homePage": home_page, "name": name}}
    if kind == "account~json":
        home_page, _, name = rest.partition("|")
        return {"account": {"homePage": home_page, "name": json.loads(name)}}
    return {kind: rest}


def group_value(group: str, term: str):
    """A term value (kind letter + key) as the statement holds it."""
    return agent_of_key(term[1:]) if group == "actor" else term[1:]


class AggregationService:
    def __init__(self, storage: AggregationStorage):
        self._storage = storage

    @classmethod
    def on(cls, engines: Engines) -> AggregationService:
        return cls(AggregationStorage(engines))

    @staticmethod
    def authorize(principal: Principal) -> int:
        require_whole_store_reader(principal, "read aggregations of the store's statements")
        return principal.store_id

    def counts(self, store_id: int, filters: StatementFilters, *, group: str | None, slotted: bool,
               learners: bool) -> list[tuple]:
        """Rows (slot start in ms if `slotted`, group value if `group`, count). With `slotted` and
        `learners`, rows are (slot start, [group value], learner key), one per learner and slot."""
        rows = self._storage.counts(store_id, filters.selection, role=GROUPS[group] if group else None,
                                    slotted=slotted, learners=learners)
        result = []
        for row in rows:
            row = list(row)
            if slotted:
                row[0] = int(row[0]) * SLOT_MS
            if group:
                row[1 if slotted else 0] = group_value(group, row[1 if slotted else 0])
            if not (slotted and learners):
                row[-1] = int(row[-1])
            result.append(tuple(row))
        return result

    def activity_outcomes(self, store_id: int, filters: StatementFilters) -> list[ActivityOutcome]:
        """Per Object activity: learners with any statement about it, and those with a completed, a passed
        and a failed statement (the ADL verbs)."""
        rows = self._storage.activity_outcomes(
            store_id, filters.selection, completed=tuple(verb_term(verb) for verb in COMPLETED_VERBS),
            passed=tuple(verb_term(verb) for verb in PASSED_VERBS),
            failed=tuple(verb_term(verb) for verb in FAILED_VERBS))
        return [ActivityOutcome(row.activity[1:], row.learners, row.completed, row.passed, row.failed,
                                row.passed_or_failed) for row in rows]

    def stored_range(self, store_id: int, filters: StatementFilters) -> tuple[int, int] | None:
        return self._storage.stored_range(store_id, filters.selection)


class RollupService:
    """Keeps the aggregation rollup counted (lrs/storage/rollups.py): run by the automation runner's
    scheduled job every minute, and by `lrs analytics rollup` (a first count of a large store)."""

    def __init__(self, storage: RollupStorage):
        self._storage = storage

    @classmethod
    def on(cls, engines: Engines) -> RollupService:
        return cls(RollupStorage(engines))

    def catch_up(self, now_ms: int, *, store_ids: list[int] | None = None, max_steps: int | None = None,
                 on_step=None) -> int | None:
        """Counts each store's dirty slots and its closed slots past its watermark, a day of slots a step.
        The stores take turns, one step each a pass, the furthest behind first, so a store with a long
        backlog holds no other up from tick to tick. Stops after `max_steps` steps that counted something;
        returns those steps, or None when another process is counting."""
        with self._storage.exclusive() as alone:
            if not alone:
                return None
            steps = 0
            pending = [store_id for store_id in self._storage.stores() if store_ids is None or store_id in store_ids]
            while pending:
                behind = []
                for store_id in pending:
                    if max_steps is not None and steps >= max_steps:
                        return steps
                    step: AdvanceStep = self._storage.advance(store_id, now_ms)
                    if on_step is not None:
                        on_step(step)
                    if step.recounted or step.advanced:
                        steps += 1
                    if step.recounted or step.counted_to < step.horizon:
                        behind.append(store_id)
                pending = behind
            return steps
