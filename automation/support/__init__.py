"""Support routing: help requests categorised by a store's rules, routed to an email address or a webhook,
and password or access requests answered with the self-service text at once."""
