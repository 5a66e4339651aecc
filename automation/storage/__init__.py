"""The automation core's own tables (cursors, effects, deliveries, forwarding) and their Alembic branch
`automation` (own version table automation_alembic_version, lrs/storage/migrate.py)."""
