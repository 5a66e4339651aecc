"""Automation on the tracking spine: handlers of the LRS's event stream (lrs/events.py) run by workers of a
task engine (docs/adr/006-task-engine.md), with exactly-once effects (effects.py). See docs/automation.md."""
