"""Help requests: checked, categorised by the store's rules, kept, and announced with `support.requested`
in the same transaction; SupportHandler then routes each to its destination (an email address or a
webhook) and answers password or access requests with the self-service text, each effect once."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import orjson
import requests
from sqlalchemy import select

from automation.email.mailer import valid_address
from automation.support.categories import categorise, destination, self_service_answer
from automation.workflows.keys import effect_key
from automation.workflows.storage.rows import now_ms
from automation.workflows.storage.tables import support_requests
from delivery.errors import BadRequest

SUPPORT_REQUESTED = "support.requested"
_DAY_MS = 24 * 3600 * 1000
MAX_SUBJECT = 300
MAX_BODY = 20_000


@dataclass(frozen=True)
class SupportRequest:
    id: str
    store_id: int
    email: str
    subject: str
    body: str
    category: str
    destination: str  # JSON: {"email": ...} or {"webhook": ...}
    created_ms: int

    def as_json(self) -> dict:
        return {"id": self.id, "email": self.email, "subject": self.subject, "body": self.body,
                "category": self.category, "destination": orjson.loads(self.destination),
                "createdMs": self.created_ms}


def checked_request(body: dict) -> tuple[str, str, str]:
    """(email, subject, message) from a request body or form, or BadRequest naming the field."""
    email, subject, message = body.get("email"), body.get("subject"), body.get("message")
    if not isinstance(email, str) or not valid_address(email.strip()):
        raise BadRequest("'email' must be one email address")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT:
        raise BadRequest(f"'subject' must be 1 to {MAX_SUBJECT} characters")
    if not isinstance(message, str) or not message.strip() or len(message) > MAX_BODY:
        raise BadRequest(f"'message' must be 1 to {MAX_BODY} characters")
    if any(ord(character) < 32 for character in subject):
        raise BadRequest("'subject' must be one line")
    if "\x00" in message:
        raise BadRequest("'message' must not contain U+0000")
    return email.strip(), subject.strip(), message


class SupportDesk:
    def __init__(self, engines, events, rules):
        self._engines = engines
        self._events = events
        self._rules = rules

    def submit(self, store_id: int, body: dict) -> SupportRequest:
        email, subject, message = checked_request(body)
        rules = self._rules.get(store_id, "support")
        category = categorise(subject, message, rules)
        request = SupportRequest(id=str(uuid.uuid4()), store_id=store_id, email=email, subject=subject, body=message,
                                 category=category, destination=orjson.dumps(destination(category, rules)).decode(),
                                 created_ms=now_ms())
        with self._engines.write.begin() as connection:
            connection.execute(support_requests.insert().values(**request.__dict__))
            self._events.emit(SUPPORT_REQUESTED, store_id, request.id, {"request_id": request.id,
                                                                        "category": category},
                              connection=connection)
        return request

    def get(self, request_id: str) -> SupportRequest | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(support_requests).where(support_requests.c.id == request_id)).first()
        return None if row is None else SupportRequest(**row._mapping)

    def recent(self, store_id: int, limit: int = 100) -> list[SupportRequest]:
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(support_requests).where(support_requests.c.store_id == store_id)
                                      .order_by(support_requests.c.created_ms.desc()).limit(limit)).all()
        return [SupportRequest(**row._mapping) for row in rows]


class WebhookRefused(Exception):
    """The destination did not accept the request (the handler is retried with back-off)."""


def post_to_webhook(url: str, payload: dict, delivery_key: str, timeout_seconds: float = 10.0) -> None:
    """As forwarding posts (automation/forwarding/sender.py): no redirect is followed, so a 3xx is a refusal,
    never a GET of whatever address the receiver names."""
    headers = {"Content-Type": "application/json", "User-Agent": "lrs-support-routing",
               # The effect key: a receiver that sees it twice (a worker died after sending) can drop the copy.
               "X-LRS-Delivery": delivery_key}
    try:
        response = requests.post(url, data=orjson.dumps(payload), headers=headers, timeout=timeout_seconds,
                                 allow_redirects=False)
    except requests.RequestException as failure:
        raise WebhookRefused(f"{url}: {type(failure).__name__}") from None
    if not 200 <= response.status_code < 300:
        raise WebhookRefused(f"{url} answered {response.status_code}")


class SupportHandler:
    name = "workflows.support"
    kinds = frozenset({SUPPORT_REQUESTED})

    def __init__(self, workflows):
        self._workflows = workflows

    def handle(self, event, effects) -> None:
        request = self._workflows.support.get(event.payload["request_id"])
        if request is None:
            return
        workflows = self._workflows
        route = orjson.loads(request.destination)
        key = effect_key("support-route", request.store_id, request.id)
        context = {"category": request.category, "request_subject": request.subject,
                   "request_email": request.email, "request_id": request.id, "request_body": request.body}
        if "webhook" in route:
            effects.run_once(key, lambda: post_to_webhook(route["webhook"], {**context, "store": request.store_id},
                                                          key))
        else:
            effects.run_once(key, lambda: workflows.mailer.send(
                store_id=request.store_id, to=route["email"], template="support_forward", context=context,
                transactional=True, message_key=key))
        answer = self_service_answer(request.category, workflows.rules.get(request.store_id, "support"))
        if answer is not None:
            # One answer per address and day, however many requests name it: the public form must not
            # become a way to send our mail to someone else's address over and over.
            answer_key = effect_key("support-self-service", request.store_id, request.email.lower(),
                                    str(request.created_ms // _DAY_MS))
            effects.run_once(answer_key, lambda: workflows.mailer.send(
                store_id=request.store_id, to=request.email, template="support_self_service", transactional=True,
                message_key=answer_key,
                context={"request_subject": request.subject, "answer": answer["answer"],
                         "reset_url": answer.get("reset_url")}))
