"""The workflows' own tables (learners, grants, unsubscribes, payment events, certificates, rules, learner
activity, support requests) and their Alembic branch `workflows` (version table workflows_alembic_version)."""
