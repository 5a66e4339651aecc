"""`lrs worker` and `lrs automation ...`: run workers, manage forwarding subscriptions and dead letters."""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import contextmanager

import click

from lrs.cli_options import database_option, settings_for


@contextmanager
def _automation(database_url: str | None):
    from automation.container import build_automation
    from lrs.services.container import build_services
    from lrs.xapi.errors import XapiError
    settings = settings_for(database_url)
    services = build_services(settings)
    try:
        yield settings, build_automation(settings, services)
    except XapiError as error:
        raise click.ClickException(error.message) from None
    finally:
        services.close()


@click.command("worker")
@database_option
@click.option("--concurrency", type=int, default=None,
              help="Jobs run at once in this process (default: LRS_AUTOMATION_WORKER_CONCURRENCY, 4).")
@click.option("--name", default=None, help="This worker's name in procrastinate's worker list.")
@click.option("--heartbeat-seconds", type=float, default=10.0, show_default=True,
              help="How often this worker says it is alive.")
@click.option("--stalled-seconds", type=float, default=30.0, show_default=True,
              help="A worker silent this long is taken for dead: its jobs run again elsewhere.")
def worker_command(database_url, concurrency, name, heartbeat_seconds, stalled_seconds) -> None:
    """Run an automation worker (PostgreSQL): handlers of the LRS's events, statement forwarding, retries
    and scheduled jobs, on procrastinate (docs/adr/006-task-engine.md). Start as many as you like, on as
    many machines; stop with SIGTERM or Ctrl-C (the running jobs finish first). On SQLite the web server
    runs the same handlers itself and no worker is needed."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from automation.engine import run_worker
    with _automation(database_url) as (settings, automation):
        if not settings.database_url.startswith("postgresql"):
            raise click.ClickException("workers run on PostgreSQL; on SQLite the server runs the handlers "
                                       "itself (or use `lrs automation run` once)")
        click.echo(f"automation worker: {len(automation.registry.handlers)} handlers, "
                   f"{len(automation.registry.jobs)} scheduled jobs, forwarding on", err=True)
        asyncio.run(run_worker(automation, settings.database_url,
                               concurrency=concurrency or automation.settings.worker_concurrency, name=name,
                               heartbeat_seconds=heartbeat_seconds, stalled_seconds=stalled_seconds))


@click.group("automation")
def automation_group() -> None:
    """Automation: forwarding subscriptions, dead letters, an in-process run."""


@automation_group.command("run")
@database_option
def run_command(database_url) -> None:
    """Hand every pending event to its handlers in this process, until none is left (what the embedded
    runner does continuously); prints how many were handled."""
    with _automation(database_url) as (_, automation):
        click.echo(automation.dispatcher.run_until_idle())


@automation_group.command("prune-outbox")
@database_option
@click.option("--retention-days", type=click.FloatRange(min=0, max=1e6, max_open=True), default=None,
              help="Delete events at least this old (default: LRS_AUTOMATION_OUTBOX_RETENTION_DAYS, 7).")
def prune_outbox_command(database_url, retention_days) -> None:
    """Delete the event outbox's events that every stored cursor (handlers, forwarding subscriptions, paused
    ones too) is past, now (the runners do it every 10 minutes): a large backlog can be pruned at a quiet hour.
    Events a retry or a dead letter will read again, and the newest event, stay. Prints how many went."""
    with _automation(database_url) as (_, automation):
        click.echo(automation.dispatcher.prune_outbox(retention_days=retention_days))


@automation_group.command("forget-consumer")
@database_option
@click.argument("name")
def forget_consumer_command(database_url, name) -> None:
    """Remove the cursor of a handler taken out of use (NAME as the outbox pruning's warning names it), so it
    no longer holds the event outbox's pruning back. A handler still in use starts again from the oldest
    event kept; a forwarding subscription is removed with `subscriptions delete` instead."""
    if name.startswith("forward:"):
        raise click.ClickException("a forwarding subscription's cursor goes with it: "
                                   "use `lrs automation subscriptions delete`")
    with _automation(database_url) as (_, automation):
        if name not in automation.progress.states():
            raise click.ClickException(f"no consumer named {name!r} has a cursor")
        automation.progress.forget(name)
        click.echo(f"cursor of {name} removed")


@automation_group.group("dead-letters")
def dead_letters() -> None:
    """Deliveries that failed every try: list, retry, discard."""


@dead_letters.command("list")
@database_option
@click.option("--store-id", type=int, default=None, help="Only this store's.")
@click.option("--consumer", default=None, help="Only this handler's (or forward:<subscription id>).")
@click.option("--limit", type=int, default=100, show_default=True)
def dead_letters_list(database_url, store_id, consumer, limit) -> None:
    """One line each: id, consumer, event position and kind, store, attempts, last error."""
    with _automation(database_url) as (_, automation):
        for letter in automation.admin.dead_letters(store_id=store_id, consumer=consumer, limit=limit):
            error = letter.last_error.splitlines()[-1] if letter.last_error else ""
            click.echo(f"{letter.id}\t{letter.consumer}\t{letter.event_position}\t{letter.event_kind}\t"
                       f"{letter.store_id}\t{letter.attempts}\t{error}")


@dead_letters.command("retry")
@database_option
@click.argument("delivery_id", type=int)
def dead_letters_retry(database_url, delivery_id) -> None:
    """Try a dead letter again now (a worker or the embedded runner takes it)."""
    with _automation(database_url) as (_, automation):
        automation.admin.retry(delivery_id)
        click.echo(f"dead letter {delivery_id} will be retried")


@dead_letters.command("discard")
@database_option
@click.argument("delivery_id", type=int)
def dead_letters_discard(database_url, delivery_id) -> None:
    """Give a dead letter up (it stays listed as discarded)."""
    with _automation(database_url) as (_, automation):
        automation.admin.discard(delivery_id)
        click.echo(f"dead letter {delivery_id} discarded")


@automation_group.group("subscriptions")
def subscriptions() -> None:
    """Statement forwarding: a store's webhook subscriptions."""


@subscriptions.command("create")
@database_option
@click.option("--store-id", type=int, required=True)
@click.option("--url", required=True, help="http(s) URL that receives POSTs of statement arrays.")
@click.option("--verb", default=None, help="Only statements with this verb id.")
@click.option("--activity", default=None, help="Only statements whose Object is this Activity id.")
@click.option("--actor", default=None, help='Only statements of this actor, as JSON: \'{"mbox": "mailto:..."}\'.')
def subscriptions_create(database_url, store_id, url, verb, activity, actor) -> None:
    """Forward statements stored from now on; prints the id and the signing secret (shown only now)."""
    from automation.forwarding.subscriptions import SubscriptionError
    with _automation(database_url) as (_, automation):
        try:
            created = automation.admin.subscribe(store_id, url, verb_id=verb, activity_id=activity,
                                                 actor=json.loads(actor) if actor else None)
        except (SubscriptionError, json.JSONDecodeError) as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{created.id}\t{created.secret}")


@subscriptions.command("list")
@database_option
@click.option("--store-id", type=int, default=None)
def subscriptions_list(database_url, store_id) -> None:
    """One line each: id, store, enabled, url, filters."""
    with _automation(database_url) as (_, automation):
        for item in automation.admin.subscriptions(store_id):
            click.echo(f"{item.id}\t{item.store_id}\t{'enabled' if item.enabled else 'paused'}\t{item.url}\t"
                       f"verb={item.verb_id or '*'} activity={item.activity_id or '*'} actor={item.actor_key or '*'}")


@subscriptions.command("pause")
@database_option
@click.argument("subscription_id", type=int)
def subscriptions_pause(database_url, subscription_id) -> None:
    """Stop forwarding (the subscription keeps its place)."""
    with _automation(database_url) as (_, automation):
        automation.admin.set_enabled(subscription_id, False)


@subscriptions.command("resume")
@database_option
@click.argument("subscription_id", type=int)
def subscriptions_resume(database_url, subscription_id) -> None:
    """Forward again, starting with what was missed."""
    with _automation(database_url) as (_, automation):
        automation.admin.set_enabled(subscription_id, True)


@subscriptions.command("delete")
@database_option
@click.argument("subscription_id", type=int)
def subscriptions_delete(database_url, subscription_id) -> None:
    with _automation(database_url) as (_, automation):
        automation.admin.unsubscribe(subscription_id)


@subscriptions.command("log")
@database_option
@click.argument("subscription_id", type=int)
@click.option("--limit", type=int, default=100, show_default=True)
def subscriptions_log(database_url, subscription_id, limit) -> None:
    """The delivery log: id, delivery, statements, answer, attempt, error."""
    with _automation(database_url) as (_, automation):
        for attempt in automation.admin.delivery_log(subscription_id, limit=limit):
            click.echo(f"{attempt.id}\t{attempt.delivery_id}\t{attempt.statements}\t{attempt.status_code}\t"
                       f"{attempt.attempt}\t{attempt.error or ''}")
