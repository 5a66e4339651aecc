"""What admins do with automation (admin API and `lrs automation` CLI share it): forwarding subscriptions,
their delivery logs, and the dead-letter list (list, retry, discard)."""
from __future__ import annotations

from automation.dispatcher import Dispatcher
from automation.forwarding.sender import Forwarding
from automation.forwarding.subscriptions import ForwardAttempt, Subscription, consumer_name
from automation.progress import DEAD, Delivery
from lrs.storage.engines import Engines
from lrs.xapi.errors import NotFound


class AutomationAdmin:
    def __init__(self, engines: Engines, dispatcher: Dispatcher, forwarding: Forwarding, administration):
        self._engines = engines
        self._dispatcher = dispatcher
        self._forwarding = forwarding
        self._administration = administration  # lrs.services.administration: store look-ups

    # --- forwarding -----------------------------------------------------------------------------

    def subscribe(self, store_id: int, url: str, *, verb_id: str | None = None, activity_id: str | None = None,
                  actor: dict | None = None) -> Subscription:
        """A new subscription; it forwards the statements stored from now on (its cursor starts at the
        outbox head, in the same transaction)."""
        self._administration.store(store_id)  # NotFound for a store that does not exist
        with self._engines.write.begin() as connection:
            subscription = self._forwarding.store.create(store_id, url, verb_id=verb_id, activity_id=activity_id,
                                                         actor=actor, connection=connection)
            self._dispatcher.start_at_head(subscription.consumer, connection=connection)
        self._forwarding.refresh()
        return subscription

    def subscriptions(self, store_id: int | None = None) -> list[Subscription]:
        if store_id is not None:
            self._administration.store(store_id)
        return self._forwarding.store.list(store_id)

    def subscription(self, subscription_id: int) -> Subscription:
        found = self._forwarding.store.get(subscription_id)
        if found is None:
            raise NotFound(f"no subscription {subscription_id}", path="subscription_id")
        return found

    def set_enabled(self, subscription_id: int, enabled: bool) -> Subscription:
        """A disabled subscription keeps its place: enabled again, it forwards what it missed."""
        if not self._forwarding.store.set_enabled(subscription_id, enabled):
            raise NotFound(f"no subscription {subscription_id}", path="subscription_id")
        self._forwarding.refresh()
        return self.subscription(subscription_id)

    def unsubscribe(self, subscription_id: int) -> None:
        if not self._forwarding.store.delete(subscription_id):
            raise NotFound(f"no subscription {subscription_id}", path="subscription_id")
        self._dispatcher.progress.forget(consumer_name(subscription_id))
        self._forwarding.refresh()

    def delivery_log(self, subscription_id: int, *, after_id: int = 0, limit: int = 100) -> list[ForwardAttempt]:
        self.subscription(subscription_id)
        return self._forwarding.store.attempts(subscription_id, after_id=after_id, limit=limit)

    def consumer_state(self, subscription_id: int):
        return self._dispatcher.progress.state(consumer_name(subscription_id))

    # --- dead letters ---------------------------------------------------------------------------

    def dead_letters(self, *, store_id: int | None = None, consumer: str | None = None, after_id: int = 0,
                     limit: int = 100) -> list[Delivery]:
        return self._dispatcher.progress.deliveries(status=DEAD, store_id=store_id, consumer=consumer,
                                                    after_id=after_id, limit=limit)

    def retry(self, delivery_id: int) -> Delivery:
        if not self._dispatcher.retry_dead(delivery_id):
            raise NotFound(f"no dead letter {delivery_id}", path="delivery_id")
        return self._dispatcher.progress.delivery(delivery_id)

    def discard(self, delivery_id: int) -> Delivery:
        if not self._dispatcher.discard_dead(delivery_id):
            raise NotFound(f"no dead letter {delivery_id}", path="delivery_id")
        return self._dispatcher.progress.delivery(delivery_id)
