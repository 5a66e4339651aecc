"""Webhook subscriptions of a store and their delivery log (automation_subscriptions, _forward_log)."""
from __future__ import annotations

import ipaddress
import secrets
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update

from automation.progress import now_ms
from automation.storage.tables import forward_log, subscriptions
from lrs.events import names_verb
from lrs.storage.engines import Engines
from lrs.xapi.agents import ifi_key


class SubscriptionError(ValueError):
    """A subscription request that cannot be kept: `field` says which part is wrong."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Subscription:
    id: int
    store_id: int
    url: str
    secret: str
    verb_id: str | None
    activity_id: str | None
    actor_key: str | None
    enabled: bool
    created_ms: int

    @property
    def consumer(self) -> str:
        return consumer_name(self.id)

    def may_match(self, payload) -> bool:
        """False when the event's own row rules the statement out (its verb), without reading it."""
        return self.verb_id is None or names_verb(payload, (self.verb_id,))

    def matches(self, payload) -> bool:
        if not self.may_match(payload):
            return False
        if payload.get("erased") if isinstance(payload, dict) else payload.erased:
            return False
        if self.verb_id is None and self.activity_id is None and self.actor_key is None:
            return True  # no filter: the statement is not even parsed
        if self.verb_id is not None and payload.get("verb_id") != self.verb_id:
            return False
        if self.activity_id is not None and payload.get("object_id") != self.activity_id:
            return False
        return self.actor_key is None or ifi_key(payload.get("actor") or {}) == self.actor_key


@dataclass(frozen=True)
class ForwardAttempt:
    id: int
    subscription_id: int
    delivery_id: str
    statements: int
    first_position: int
    last_position: int
    status_code: int | None
    error: str | None
    attempt: int
    sent_ms: int
    duration_ms: int


def consumer_name(subscription_id: int) -> str:
    return f"forward:{subscription_id}"


def checked_url(url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SubscriptionError("the url must be an absolute http or https URL", "url")
    if len(url) > 2000:
        raise SubscriptionError("the url is longer than 2000 characters", "url")
    if parts.username or parts.password:
        raise SubscriptionError("the url must not carry credentials (listings show it); receivers check the "
                                "signature header instead", "url")
    try:
        refused = refused_address(ipaddress.ip_address(parts.hostname))
    except ValueError:
        refused = None  # a host name: checked on every send, after resolution (forwarding/sender.py)
    if refused:
        raise SubscriptionError(f"the url names {refused}, which forwarding never posts to", "url")
    return url


def refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why forwarding never posts to this address (cloud metadata services live on link-local addresses), or
    None. Loopback and private ranges stay allowed: receivers on the same host or network are common."""
    if address.is_link_local:
        return f"a link-local address ({address})"
    if address.is_unspecified:
        return f"the unspecified address ({address})"
    if address.is_multicast:
        return f"a multicast address ({address})"
    return None


def refused_host(host: str, port: int | None) -> str | None:
    """refused_address for every address the host resolves to now, or None."""
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except OSError:
        return None  # the post itself fails and says why
    for info in infos:
        refused = refused_address(ipaddress.ip_address(info[4][0].split("%", 1)[0]))
        if refused:
            return refused
    return None


def actor_key(actor: dict | None) -> str | None:
    if actor is None:
        return None
    key = ifi_key(actor)
    if key is None:
        raise SubscriptionError("the actor needs an identifier: mbox, mbox_sha1sum, openid or account", "actor")
    return key


class SubscriptionStore:
    def __init__(self, engines: Engines):
        self._engines = engines

    def create(self, store_id: int, url: str, *, verb_id: str | None = None, activity_id: str | None = None,
               actor: dict | None = None, connection) -> Subscription:
        """In the caller's transaction, which also starts the subscription's cursor at the outbox head."""
        values = {"store_id": store_id, "url": checked_url(url), "secret": secrets.token_urlsafe(32),
                  "verb_id": verb_id or None, "activity_id": activity_id or None, "actor_key": actor_key(actor),
                  "enabled": True, "created_ms": now_ms()}
        new_id = connection.execute(subscriptions.insert().values(**values)
                                    .returning(subscriptions.c.id)).scalar_one()
        return Subscription(id=new_id, **values)

    def get(self, subscription_id: int) -> Subscription | None:
        with self._engines.read.connect() as connection:
            row = connection.execute(select(subscriptions).where(subscriptions.c.id == subscription_id)).first()
        return None if row is None else Subscription(**row._mapping)

    def list(self, store_id: int | None = None, *, enabled_only: bool = False) -> list[Subscription]:
        query = select(subscriptions).order_by(subscriptions.c.id)
        if store_id is not None:
            query = query.where(subscriptions.c.store_id == store_id)
        if enabled_only:
            query = query.where(subscriptions.c.enabled == True)  # noqa: E712
        with self._engines.read.connect() as connection:
            return [Subscription(**row._mapping) for row in connection.execute(query)]

    def set_enabled(self, subscription_id: int, enabled: bool) -> bool:
        with self._engines.write.begin() as connection:
            return connection.execute(update(subscriptions).where(subscriptions.c.id == subscription_id)
                                      .values(enabled=enabled)).rowcount == 1

    def delete(self, subscription_id: int) -> bool:
        with self._engines.write.begin() as connection:
            return connection.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id)).rowcount == 1

    def log(self, attempt: dict) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(forward_log.insert().values(**attempt))

    def attempts(self, subscription_id: int, *, after_id: int = 0, limit: int = 100) -> list[ForwardAttempt]:
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(forward_log).where(
                forward_log.c.subscription_id == subscription_id, forward_log.c.id > after_id)
                .order_by(forward_log.c.id).limit(limit)).all()
        return [ForwardAttempt(**row._mapping) for row in rows]
