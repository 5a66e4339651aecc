"""Seeded, realistic statements: Zipf-like choice among many actors and activities, registrations,
context activities, results, some voiding and StatementRefs. About 1.5 KB each."""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

VERBS = [f"http://adlnet.gov/expapi/verbs/{name}" for name in
         ("experienced", "attempted", "answered", "completed", "passed", "failed", "launched", "initialized",
          "terminated", "progressed", "interacted", "commented")]


class StatementGenerator:
    def __init__(self, seed: int = 42, *, actors: int = 5000, activities: int = 2000, verbs: int = 200,
                 courses: int = 50):
        self.random = random.Random(seed)
        self.actors = actors
        self.activities = activities
        self.courses = courses
        self.verbs = VERBS + [f"http://example.com/xapi/verbs/v{number}" for number in range(verbs - len(VERBS))]
        self.registrations = [str(uuid.UUID(int=self.random.getrandbits(128), version=4)) for _ in range(2000)]
        self.start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.recent_ids: list[str] = []

    def zipf(self, size: int, skew: float = 1.1) -> int:
        """An index in [0, size) where low indexes are chosen far more often."""
        return min(int(self.random.paretovariate(skew)) - 1, size - 1)

    def new_id(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def actor(self, number: int) -> dict:
        if number % 5 == 0:
            return {"objectType": "Agent", "name": f"Learner {number}",
                    "account": {"homePage": "https://sso.example.com", "name": f"learner-{number}"}}
        return {"objectType": "Agent", "name": f"Learner {number}", "mbox": f"mailto:learner{number}@example.com"}

    def statement(self, *, large: bool = False) -> dict:
        actor_number = self.zipf(self.actors)
        activity_number = self.zipf(self.activities)
        course = activity_number % self.courses
        verb = self.verbs[self.zipf(len(self.verbs), 1.3)]
        statement_id = self.new_id()
        when = self.start + timedelta(seconds=self.random.randint(0, 300 * 86400))
        statement = {
            "id": statement_id,
            "actor": self.actor(actor_number),
            "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1], "de-DE": verb.rsplit("/", 1)[-1]}},
            "object": {
                "objectType": "Activity",
                "id": f"https://courses.example.com/course/{course}/activity/{activity_number}",
                "definition": {
                    "name": {"en-US": f"Activity {activity_number}", "fr-FR": f"Activité {activity_number}"},
                    "description": {"en-US": f"Activity {activity_number} of course {course}, a lesson page "
                                             "with a short quiz at the end."},
                    "type": "http://adlnet.gov/expapi/activities/lesson",
                    # Content sends the same definition each time, so it is a function of the activity.
                    "extensions": {"https://courses.example.com/ext/page-count": activity_number % 40 + 1},
                },
            },
            "context": {
                "registration": self.registrations[self.zipf(len(self.registrations))],
                "contextActivities": {
                    "parent": [{"objectType": "Activity", "id": f"https://courses.example.com/course/{course}"}],
                    "grouping": [{"objectType": "Activity", "id": "https://courses.example.com/program/2026"}],
                    "category": [{"objectType": "Activity", "id": "https://w3id.org/xapi/scorm"}],
                },
                "platform": "Example LMS 4.2",
                "language": "en-US",
                "extensions": {"https://courses.example.com/ext/session": self.new_id()},
            },
            "timestamp": when.isoformat().replace("+00:00", "Z"),
        }
        if self.random.random() < 0.6:
            raw = self.random.randint(0, 100)
            statement["result"] = {"score": {"scaled": raw / 100, "raw": raw, "min": 0, "max": 100},
                                   "success": raw >= 60, "completion": True,
                                   "duration": f"PT{self.random.randint(1, 3600)}S"}
        if large:
            statement["result"] = {**statement.get("result", {}),
                                   "response": "x" * 2400,
                                   "extensions": {"https://courses.example.com/ext/notes": "y" * 200}}
        self.recent_ids.append(statement_id)
        if len(self.recent_ids) > 1000:
            del self.recent_ids[:500]
        return statement

    def voiding(self) -> dict:
        target = self.random.choice(self.recent_ids)
        return {"id": self.new_id(), "actor": {"mbox": "mailto:admin@example.com", "name": "Admin"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
                "object": {"objectType": "StatementRef", "id": target}}

    def batch(self, size: int, *, large: bool = False, voiding_rate: float = 0.0) -> list[dict]:
        return [self.voiding() if self.recent_ids and self.random.random() < voiding_rate
                else self.statement(large=large) for _ in range(size)]
