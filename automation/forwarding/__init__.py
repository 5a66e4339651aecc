"""Statement forwarding: per-store webhook subscriptions, filtered by verb, activity or actor, each an
ordered consumer of statement.stored events that posts signed batches (docs/automation.md)."""
