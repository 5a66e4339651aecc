"""Enrolment: creates the learner if new, grants the course (or every course of a tier) as a delivery
registration, and records the grant; each grant, re-grant or ending appends `enrolment.changed` in the
same transaction (the spine's outbox). The welcome email follows from that event (WelcomeEmailHandler)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson
from sqlalchemy import select, update

from automation.workflows.rules import Rules
from automation.workflows.storage.rows import insert_if_absent, now_ms
from automation.workflows.storage.tables import grants, learners
from delivery.errors import BadRequest
from delivery.requests import RegistrationRequest, learner_agent
from lrs.xapi.agents import ifi_key

ENROLMENT_CHANGED = "enrolment.changed"
# Registrations made by enrolment have an id derived from the store, learner and course: granting again
# finds the same registration (delivery answers it as existing) instead of making a new one.
_REGISTRATIONS = uuid.UUID("5a0e4f1c-5c4b-4f0e-9d7a-1f6f0c6f2b11")


@dataclass(frozen=True)
class Grant:
    store_id: int
    learner_key: str
    course_id: str
    registration_id: str
    source: str
    subscription_id: str | None
    granted_ms: int
    ends_ms: int | None

    def active(self, at_ms: int) -> bool:
        return self.ends_ms is None or at_ms < self.ends_ms

    def body(self, at_ms: int) -> dict:
        return {"course": self.course_id, "registration": self.registration_id, "source": self.source,
                "grantedMs": self.granted_ms, "endsMs": self.ends_ms, "active": self.active(at_ms)}


@dataclass(frozen=True)
class Learner:
    store_id: int
    learner_key: str
    agent: dict
    email: str | None
    name: str | None


def learner_email(agent: dict) -> str | None:
    mbox = agent.get("mbox")
    return mbox[len("mailto:"):] if isinstance(mbox, str) and mbox.startswith("mailto:") else None


class Enrolment:
    def __init__(self, engines, events, delivery, rules: Rules):
        """`events` is the spine's EventLog; `delivery` is delivery.services.Delivery."""
        self._engines = engines
        self._events = events
        self._delivery = delivery
        self._rules = rules

    def courses_of(self, store_id: int, *, course_id: str | None, tier: str | None) -> list[str]:
        if (course_id is None) == (tier is None):
            raise BadRequest("name either 'course' (a course id) or 'tier'")
        if course_id is not None:
            return [course_id]
        tiers = self._rules.get(store_id, "enrolment")["tiers"]
        if tier not in tiers:
            raise BadRequest(f"no tier {tier!r}; the enrolment rules name: {', '.join(sorted(tiers)) or 'none'}")
        return list(tiers[tier])

    def enrol(self, store_id: int, *, learner: dict, email: str | None, name: str | None, course_ids: list[str],
              source: str, subscription_id: str | None = None, ends_ms: int | None = None) -> list[Grant]:
        """Grants every course (404 for one the store does not have; nothing is granted then). Granting
        a course the learner holds changes nothing and emits nothing."""
        agent = learner_agent(learner)
        learner_key = ifi_key(agent)
        email = email or learner_email(agent)
        name = name or agent.get("name")
        for course_id in course_ids:
            self._delivery.course(store_id, course_id)
        registrations = {}
        for course_id in course_ids:
            registration_id = str(uuid.uuid5(_REGISTRATIONS, f"{store_id}\x1f{learner_key}\x1f{course_id}"))
            result = self._delivery.register(store_id, RegistrationRequest(course_id, agent, registration_id))
            registrations[course_id] = result.registration.id
        with self._engines.write.begin() as connection:
            insert_if_absent(connection, learners, {"store_id": store_id, "learner_key": learner_key,
                                                    "agent": orjson.dumps(agent).decode(), "email": email,
                                                    "name": name, "created_ms": now_ms()})
            if email or name:
                connection.execute(update(learners).where(learners.c.store_id == store_id,
                                                          learners.c.learner_key == learner_key)
                                   .values(**{key: value for key, value in (("email", email), ("name", name))
                                              if value}))
            for course_id in course_ids:
                self._grant(connection, store_id, learner_key, agent, email, name, course_id,
                            registrations[course_id], source, subscription_id, ends_ms)
            rows = connection.execute(select(grants).where(grants.c.store_id == store_id,
                                                           grants.c.learner_key == learner_key,
                                                           grants.c.course_id.in_(course_ids))).all()
        return [Grant(**row._mapping) for row in rows]

    def _grant(self, connection, store_id, learner_key, agent, email, name, course_id, registration_id, source,
               subscription_id, ends_ms) -> None:
        existing = connection.execute(select(grants).where(
            grants.c.store_id == store_id, grants.c.learner_key == learner_key,
            grants.c.course_id == course_id).with_for_update()).first()
        now = now_ms()
        if existing is None:
            created = insert_if_absent(connection, grants, {
                "store_id": store_id, "learner_key": learner_key, "course_id": course_id,
                "registration_id": registration_id, "source": source, "subscription_id": subscription_id,
                "granted_ms": now, "ends_ms": ends_ms})
            if not created:  # another worker granted it a moment ago, and told about it
                return
        elif existing.ends_ms is not None and existing.ends_ms <= now and (ends_ms is None or ends_ms > now):
            connection.execute(update(grants).where(
                grants.c.store_id == store_id, grants.c.learner_key == learner_key, grants.c.course_id == course_id)
                .values(source=source, subscription_id=subscription_id, granted_ms=now, ends_ms=ends_ms))
        else:
            return
        self._events.emit(ENROLMENT_CHANGED, store_id, learner_key, {
            "change": "granted", "learner_key": learner_key, "learner": agent, "email": email, "name": name,
            "course_id": course_id, "registration_id": registration_id, "source": source,
            "ends_ms": ends_ms}, connection=connection)

    def end(self, store_id: int, *, learner_key: str | None = None, course_id: str | None = None,
            subscription_id: str | None = None, ends_ms: int, reason: str) -> list[Grant]:
        """Access ends at `ends_ms` for the matching grants (one learner's course, or a subscription's);
        an ending already at that time changes nothing and emits nothing."""
        query = select(grants).where(grants.c.store_id == store_id)
        if subscription_id is not None:
            query = query.where(grants.c.subscription_id == subscription_id)
        else:
            query = query.where(grants.c.learner_key == learner_key, grants.c.course_id == course_id)
        changed = []
        with self._engines.write.begin() as connection:
            for row in connection.execute(query.with_for_update()).all():
                if row.ends_ms is not None and row.ends_ms <= ends_ms:
                    continue
                connection.execute(update(grants).where(
                    grants.c.store_id == store_id, grants.c.learner_key == row.learner_key,
                    grants.c.course_id == row.course_id).values(ends_ms=ends_ms))
                self._events.emit(ENROLMENT_CHANGED, store_id, row.learner_key, {
                    "change": "ending", "learner_key": row.learner_key, "course_id": row.course_id,
                    "registration_id": row.registration_id, "ends_ms": ends_ms, "reason": reason},
                    connection=connection)
                changed.append(Grant(**{**row._mapping, "ends_ms": ends_ms}))
        return changed

    def grants(self, store_id: int, learner_key: str | None = None) -> list[Grant]:
        query = select(grants).where(grants.c.store_id == store_id).order_by(grants.c.granted_ms)
        if learner_key is not None:
            query = query.where(grants.c.learner_key == learner_key)
        with self._engines.read.connect() as connection:
            return [Grant(**row._mapping) for row in connection.execute(query)]

    def learner(self, store_id: int, learner_key: str) -> Learner | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(learners).where(learners.c.store_id == store_id,
                                                            learners.c.learner_key == learner_key)).first()
        if row is None:
            return None
        return Learner(store_id, learner_key, orjson.loads(row.agent), row.email, row.name)

