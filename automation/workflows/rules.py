"""Rules as data: what each workflow does for a store (thresholds, texts, categories, destinations), kept in
the database and changed through the admin API without a deploy. Each rule set has a JSON Schema and a
default; a store's stored body replaces the default whole (no merging, so what GET shows is what runs)."""
from __future__ import annotations

import time

import jsonschema_rs
import orjson
from jinja2 import TemplateSyntaxError
from sqlalchemy import select

from automation.email.templates import EmailTemplates
from automation.workflows.storage.rows import now_ms, upsert
from automation.workflows.storage.tables import rules

COMPLETION_VERBS = ["http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed",
                    "https://w3id.org/xapi/adl/verbs/satisfied"]

_TEXT = {"type": "string", "minLength": 1, "maxLength": 10_000}
_SHORT = {"type": "string", "minLength": 1, "maxLength": 300}
_IRI = {"type": "string", "minLength": 1, "maxLength": 2048}
_MESSAGE = {"type": "object", "additionalProperties": False, "required": ["enabled", "subject", "body"],
            "properties": {"enabled": {"type": "boolean"}, "subject": _SHORT, "body": _TEXT}}
_DESTINATION = {"type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
                "properties": {"email": {"type": "string", "minLength": 3, "maxLength": 254},
                               "webhook": {"type": "string", "pattern": "^https?://", "maxLength": 2048}}}

SCHEMAS: dict[str, dict] = {
    "enrolment": {
        "type": "object", "additionalProperties": False, "required": ["course_url", "tiers"],
        "properties": {
            # Where the welcome email sends the learner: {public_url}, {course_id} and {registration_id} are filled in.
            "course_url": {"type": "string", "pattern": "^$|^(https?://|\\{public_url\\})", "maxLength": 2048},
            # A tier grants several courses at once: {"gold": ["<course id>", ...]}.
            "tiers": {"type": "object", "maxProperties": 200,
                      "additionalProperties": {"type": "array", "maxItems": 500, "items": _SHORT}},
        }},
    "reengagement": {
        "type": "object", "additionalProperties": False, "required": ["inactive_days", "nudge", "congratulations"],
        "properties": {"inactive_days": {"type": "integer", "minimum": 1, "maximum": 3650},
                       "nudge": _MESSAGE, "congratulations": _MESSAGE,
                       "module_verbs": {"type": "array", "maxItems": 50, "items": _IRI}}},
    "certificates": {
        "type": "object", "additionalProperties": False, "required": ["on_course_completion", "rules"],
        "properties": {
            # Course completion as delivery records it: cmi5 satisfied, SCORM completed or passed.
            "on_course_completion": {"type": "boolean"},
            # Explicit rules: a statement with this verb about this activity earns a certificate for it.
            "rules": {"type": "array", "maxItems": 500, "items": {
                "type": "object", "additionalProperties": False, "required": ["verb", "activity", "title"],
                "properties": {"verb": _IRI, "activity": _IRI, "title": _SHORT}}}}},
    "support": {
        "type": "object", "additionalProperties": False,
        "required": ["categories", "default_category", "routes", "default_route", "self_service"],
        "properties": {
            "categories": {"type": "array", "minItems": 1, "maxItems": 50, "items": {
                "type": "object", "additionalProperties": False, "required": ["name", "keywords"],
                "properties": {"name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
                               "keywords": {"type": "array", "maxItems": 200, "items": _SHORT}}}},
            "default_category": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"},
            "routes": {"type": "object", "additionalProperties": _DESTINATION},
            "default_route": _DESTINATION,
            # Categories answered automatically: {"password_access": {"answer": TEXT, "reset_url": URL}}.
            "self_service": {"type": "object", "additionalProperties": {
                "type": "object", "additionalProperties": False, "required": ["answer"],
                "properties": {"answer": _TEXT, "reset_url": {"type": "string", "pattern": "^https?://"}}}},
        }},
}

DEFAULTS: dict[str, dict] = {
    # No link until the course site's is set: this server has no learner's course page to point at (a launch
    # URL is one-time and short-lived, so it cannot go in an email).
    "enrolment": {"course_url": "", "tiers": {}},
    "reengagement": {
        "inactive_days": 7,
        # Off until a course team turns them on: an LRS that authoring tools post to must not start emailing
        # learners by itself (docs/automation.md, Re-engagement).
        "nudge": {"enabled": False, "subject": "Pick up where you left off",
                  "body": "Hello {{ learner_name }},\n\nIt has been {{ days }} days since you last worked on your "
                          "course. It is waiting for you where you left it."},
        "congratulations": {"enabled": False, "subject": "Well done: {{ module_title }}",
                            "body": "Hello {{ learner_name }},\n\nYou finished {{ module_title }}. Keep going!"},
        "module_verbs": COMPLETION_VERBS},
    "certificates": {"on_course_completion": True, "rules": []},
    "support": {
        "categories": [
            {"name": "billing", "keywords": ["invoice", "refund", "charge", "charged", "payment", "receipt",
                                             "billing", "subscription", "price", "card"]},
            {"name": "password_access", "keywords": ["password", "log in", "login", "sign in", "locked",
                                                     "access", "reset", "account", "two-factor", "2fa"]},
            {"name": "technical", "keywords": ["error", "crash", "bug", "broken", "loading", "video", "browser",
                                               "blank", "slow", "freeze", "does not work", "doesn't work"]},
            {"name": "course_content", "keywords": ["question", "lesson", "module", "quiz", "answer", "exercise",
                                                    "explanation", "content", "course material", "mistake"]},
        ],
        "default_category": "technical",
        "routes": {},
        "default_route": {"email": "support@localhost"},
        "self_service": {"password_access": {
            "answer": "You can reset your password yourself: open the link below and follow the steps. "
                      "If your account is locked, the same link unlocks it once you have set a new password."}},
    },
}

_VALIDATORS = {name: jsonschema_rs.validator_for(schema) for name, schema in SCHEMAS.items()}


class InvalidRules(Exception):
    def __init__(self, message: str, where: str):
        super().__init__(message)
        self.message = message
        self.where = where


def check_rules(name: str, body) -> None:
    """Raises InvalidRules naming the first fault and where it is (a JSON pointer)."""
    for error in _VALIDATORS[name].iter_errors(body):
        raise InvalidRules(error.message, "/" + "/".join(str(part) for part in error.instance_path))
    templates = EmailTemplates()
    for key in ("nudge", "congratulations"):
        for field in ("subject", "body"):
            if name == "reengagement":
                try:
                    templates.check_text(body[key][field])
                except TemplateSyntaxError as error:
                    raise InvalidRules(f"not a valid template: {error.message}", f"/{key}/{field}") from None
    if name == "support":
        names = [category["name"] for category in body["categories"]]
        if len(set(names)) != len(names):
            raise InvalidRules("category names must be unique", "/categories")
        for where, category in ([("/default_category", body["default_category"])]
                                + [(f"/routes/{key}", key) for key in body["routes"]]
                                + [(f"/self_service/{key}", key) for key in body["self_service"]]):
            if category not in names:
                raise InvalidRules(f"{category!r} is not one of the categories", where)
        from automation.email.mailer import valid_address
        for where, destination in ([("/default_route", body["default_route"])]
                                   + [(f"/routes/{key}", value) for key, value in body["routes"].items()]):
            if "email" in destination and not valid_address(destination["email"]):
                raise InvalidRules("not an email address", where + "/email")


class Rules:
    NAMES = tuple(SCHEMAS)

    def __init__(self, engines, cache_seconds: float = 5.0):
        """Handlers read a store's rules for every event: each process keeps what it read for
        `cache_seconds`, so a change made elsewhere applies everywhere within that time (at once here)."""
        self._engines = engines
        self._cache_seconds = cache_seconds
        self._cache: dict[tuple[int, str], tuple[float, bytes | None]] = {}

    def get(self, store_id: int, name: str) -> dict:
        """A fresh copy: callers may change it."""
        key = (store_id, name)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is None or cached[0] <= now:
            with self._engines.read.connect() as connection:
                row = connection.execute(select(rules.c.body).where(rules.c.store_id == store_id,
                                                                    rules.c.name == name)).first()
            if len(self._cache) > 10_000:
                self._cache.clear()
            # The defaults as JSON too: orjson.loads makes the fresh copy in a few µs, where deepcopy took ~40
            # (every stored statement reads two rule sets in the automation handlers).
            cached = (now + self._cache_seconds, row.body.encode() if row is not None else orjson.dumps(DEFAULTS[name]))
            self._cache[key] = cached
        return orjson.loads(cached[1])

    def put(self, store_id: int, name: str, body: dict) -> dict:
        check_rules(name, body)
        with self._engines.write.begin() as connection:
            upsert(connection, rules, {"store_id": store_id, "name": name, "body": orjson.dumps(body).decode(),
                                       "updated_ms": now_ms()}, key=("store_id", "name"))
        self._cache.pop((store_id, name), None)
        return body
