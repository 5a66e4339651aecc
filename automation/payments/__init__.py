"""Stripe payments: the webhook's signature check, the kept payment events, and what each event does."""
