"""The issue-15 workflows: enrolment, payments, re-engagement, certificates and support routing, each a
small module subscribing to the spine's events (lrs/events.py) and making every external effect through
automation.effects.Effects.run_once with a deterministic key."""
