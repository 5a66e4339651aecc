"""Re-engagement (issue 15): a learner with no statements for N days (the store's rule, default 7) gets a
nudge, once per quiet spell; finishing a module (a completed or passed statement, by default) gets
congratulations, once per module and registration. Both are non-transactional mail: they carry the
unsubscribe link, and an address that unsubscribed gets neither. Thresholds and texts are the store's
"reengagement" rules, changed through the admin API."""
from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

import orjson
from sqlalchemy import select

from automation.workflows.keys import effect_key
from automation.workflows.storage.rows import insert_if_absent
from automation.workflows.storage.tables import learner_activity
from lrs.events import STATEMENT_STORED, names_verb, preload_statements
from lrs.xapi.agents import ifi_key

DAY_MS = 24 * 3600 * 1000
# Learners looked at per query of the sweep.
_SWEEP_PAGE = 500


def _stored_ms(payload: dict, fallback_ms: int) -> int:
    stored = payload.get("stored")
    if isinstance(stored, str):
        try:
            return int(datetime.fromisoformat(stored.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            pass
    return fallback_ms


def _display_name(definition: dict | None) -> str | None:
    names = (definition or {}).get("name")
    if isinstance(names, dict) and names:
        return names.get("en-US") or names.get("en") or next(iter(names.values()))
    return None


class ActivityHandler:
    """Keeps each learner's last statement time (for the sweep) and congratulates finished modules."""
    name = "workflows.reengagement"
    kinds = frozenset({STATEMENT_STORED})

    def __init__(self, workflows):
        self._workflows = workflows

    def prepare(self, events) -> None:
        """Nudges need every statement's actor: where a store has them on, its statements are read at once."""
        nudging = {store_id for store_id in {event.store_id for event in events} if store_id is not None
                   and self._workflows.rules.get(store_id, "reengagement")["nudge"]["enabled"]}
        if nudging:
            preload_statements([event for event in events if event.store_id in nudging])

    def handle(self, event, effects) -> None:
        if event.store_id is None:
            return
        payload = event.payload
        rules = self._workflows.rules.get(event.store_id, "reengagement")
        nudging, message = rules["nudge"]["enabled"], rules["congratulations"]
        # Both off (the default) or not a module verb: nothing to do, and no statement to read.
        if not nudging and not (message["enabled"] and names_verb(payload, rules.get("module_verbs", ()))):
            return
        if payload.get("erased"):
            return
        statement = payload.get("statement") or {}
        actor = statement.get("actor") or {}
        learner_key = ifi_key(actor)
        if learner_key is None or actor.get("objectType") == "Group":
            return
        if nudging:  # the sweep's only input; nothing to keep while nudges are off
            self._workflows.activity.seen(event.store_id, learner_key, actor, _stored_ms(payload, event.created_ms))
        if not message["enabled"] or payload.get("verb_id") not in rules.get("module_verbs", ()):
            return
        email, name = self._workflows.contact(event.store_id, learner_key, actor)
        if email is None:
            return
        obj = statement.get("object") or {}
        module_title = _display_name(obj.get("definition")) or payload.get("object_id") or "a module"
        key = effect_key("module-congratulations", event.store_id, learner_key,
                         str(payload.get("registration") or ""), str(payload.get("object_id")))
        self._workflows.send_rule_message(effects, key, event.store_id, email, message,
                                          {"learner_name": name, "module_title": module_title})


class LearnerActivity:
    def __init__(self, engines, resolution_ms: int = 3600 * 1000):
        """`resolution_ms`: a learner's time is written again only once it moved on by this much (a nudge
        counts days, and a busy learner's every statement need not be a write); kept per process."""
        self._engines = engines
        self.resolution_ms = resolution_ms
        self._written: OrderedDict[tuple[int, str], int] = OrderedDict()

    def seen(self, store_id: int, learner_key: str, agent: dict, stored_ms: int) -> None:
        """Moves the learner's last statement time forward (never back: events come in any order)."""
        key = (store_id, learner_key)
        written = self._written.get(key)
        if written is not None and stored_ms - written < self.resolution_ms:
            return
        self._written[key] = stored_ms
        self._written.move_to_end(key)
        if len(self._written) > 100_000:
            self._written.popitem(last=False)
        with self._engines.write.begin() as connection:
            if not insert_if_absent(connection, learner_activity, {
                    "store_id": store_id, "learner_key": learner_key, "agent": orjson.dumps(agent).decode(),
                    "last_statement_ms": stored_ms}):
                connection.execute(learner_activity.update().where(
                    learner_activity.c.store_id == store_id, learner_activity.c.learner_key == learner_key,
                    learner_activity.c.last_statement_ms < stored_ms).values(last_statement_ms=stored_ms))

    def quiet_since(self, store_id: int, before_ms: int):
        """(learner_key, agent, last_statement_ms) of the store's learners quiet since before `before_ms`,
        a page at a time in key order (the sweep reads any number of learners in bounded memory)."""
        after = ""
        while True:
            with self._engines.read.connect() as connection:
                rows = connection.execute(select(learner_activity).where(
                    learner_activity.c.store_id == store_id, learner_activity.c.last_statement_ms < before_ms,
                    learner_activity.c.learner_key > after).order_by(learner_activity.c.learner_key)
                    .limit(_SWEEP_PAGE)).all()
            for row in rows:
                yield row.learner_key, orjson.loads(row.agent), row.last_statement_ms
            if len(rows) < _SWEEP_PAGE:
                return
            after = rows[-1].learner_key

    def stores(self) -> list[int]:
        with self._engines.read.connect() as connection:
            return list(connection.execute(select(learner_activity.c.store_id).distinct()).scalars())


class NudgeSweep:
    """The scheduled job (automation.handlers.ScheduledJob): every quiet learner once per quiet spell,
    the effect keyed by their last statement time, so a re-run of the same tick or a later tick sends
    nothing new until the learner is active and then quiet again."""
    name = "workflows.reengagement_nudges"
    cron = "17 * * * *"  # hourly

    def __init__(self, workflows):
        self._workflows = workflows

    def run(self, effects, tick_ms: int) -> int:
        sent = 0
        for store_id in self._workflows.activity.stores():
            rules = self._workflows.rules.get(store_id, "reengagement")
            message = rules["nudge"]
            if not message["enabled"]:
                continue
            days = rules["inactive_days"]
            for learner_key, agent, last_ms in self._workflows.activity.quiet_since(store_id, tick_ms - days * DAY_MS):
                email, name = self._workflows.contact(store_id, learner_key, agent)
                if email is None:
                    continue
                key = effect_key("reengagement-nudge", store_id, learner_key, str(last_ms))
                if self._workflows.send_rule_message(effects, key, store_id, email, message,
                                                     {"learner_name": name, "days": (tick_ms - last_ms) // DAY_MS}):
                    sent += 1
        return sent
