"""A subscription as an ordered consumer: matching statements go out as one signed POST per batch.

Each statement is forwarded once per subscription (effect key forward:<subscription>:<statement id>);
a failed POST (network error or non-2xx answer) fails the batch, which the dispatcher retries with
back-off without letting later statements pass, so the receiver sees them in stored order."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import orjson
import requests

from automation.effects import Effects
from automation.forwarding.signing import SIGNATURE_HEADER, signature
from automation.forwarding.subscriptions import Subscription, SubscriptionStore, refused_host
from automation.progress import Progress, now_ms
from lrs.events import STATEMENT_STORED, Event, preload_statements

_ERROR_CHARS = 500


def _statement_json(event: Event) -> bytes:
    raw = getattr(event.payload, "raw", None)
    if raw is not None:
        return raw.encode() if isinstance(raw, str) else bytes(raw)
    return orjson.dumps(event.payload["statement"])


class ForwardingFailed(RuntimeError):
    pass


class ForwardingConsumer:
    kinds = frozenset({STATEMENT_STORED})
    ordered = True

    def __init__(self, subscription: Subscription, store: SubscriptionStore, progress: Progress,
                 session: requests.Session, timeout_seconds: float):
        self.subscription = subscription
        self.name = subscription.consumer
        self._store = store
        self._progress = progress
        self._session = session
        self._timeout = timeout_seconds

    def handle_batch(self, events: list[Event], effects: Effects) -> None:
        subscription = self.subscription
        candidates = [event for event in events
                      if event.store_id == subscription.store_id and subscription.may_match(event.payload)]
        preload_statements(candidates)  # forwarded whole: read together, not one query each
        matching = [event for event in candidates if subscription.matches(event.payload)]
        if not matching:
            return
        by_key = {f"forward:{subscription.id}:{event.subject}": event for event in matching}
        effects.run_once_many(by_key, lambda pending: self._send([by_key[key] for key in pending]))

    def _send(self, events: list[Event]) -> None:
        # The statements' JSON as stored, joined: no parse and re-encode on the way through.
        body = b"[" + b",".join(_statement_json(event) for event in events) + b"]"
        delivery_id = f"{self.subscription.id}-{events[0].position}-{events[-1].position}"
        headers = {"Content-Type": "application/json", "X-LRS-Delivery": delivery_id,
                   "X-LRS-Subscription": str(self.subscription.id),
                   SIGNATURE_HEADER: signature(self.subscription.secret, body, int(time.time()))}
        started = time.monotonic()
        status, error = None, None
        target = urlsplit(self.subscription.url)
        # Checked on every send: a host name may resolve to a metadata address later (DNS rebinding).
        refused = refused_host(target.hostname, target.port)
        try:
            if refused:
                error = f"refused: {target.hostname} resolves to {refused}"
            else:
                response = self._session.post(self.subscription.url, data=body, headers=headers,
                                              timeout=self._timeout, allow_redirects=False)
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"the receiver answered {status}: {response.text[:200]}"
        except requests.RequestException as failure:
            error = f"{type(failure).__name__}: {failure}"[:_ERROR_CHARS]
        self._store.log({"subscription_id": self.subscription.id, "delivery_id": delivery_id,
                         "statements": len(events), "first_position": events[0].position,
                         "last_position": events[-1].position, "status_code": status, "error": error,
                         "attempt": self._progress.state(self.name).attempts + 1, "sent_ms": now_ms(),
                         "duration_ms": int((time.monotonic() - started) * 1000)})
        if error is not None:
            raise ForwardingFailed(error)


class Forwarding:
    """The subscriptions as consumers (read again at most every `refresh_seconds`)."""

    def __init__(self, store: SubscriptionStore, progress: Progress, *, timeout_seconds: float,
                 refresh_seconds: float = 1.0):
        self.store = store
        self._progress = progress
        self._timeout = timeout_seconds
        self._refresh = refresh_seconds
        self._sessions: dict[int, requests.Session] = {}
        self._cached: tuple[float, list[ForwardingConsumer]] = (0.0, [])

    def consumers(self) -> list[ForwardingConsumer]:
        loaded_at, consumers = self._cached
        if time.monotonic() - loaded_at < self._refresh:
            return consumers
        consumers = [ForwardingConsumer(subscription, self.store, self._progress, self._session(subscription.id),
                                        self._timeout)
                     for subscription in self.store.list(enabled_only=True)]
        self._cached = (time.monotonic(), consumers)
        return consumers

    def refresh(self) -> None:
        self._cached = (0.0, [])

    def _session(self, subscription_id: int) -> requests.Session:
        if subscription_id not in self._sessions:
            self._sessions[subscription_id] = requests.Session()
        return self._sessions[subscription_id]
