"""Email: Jinja templates with plain-text and HTML parts, SMTP or an outbox folder, unsubscribe links."""
