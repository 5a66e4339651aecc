"""cmi5: the LMS side of the cmi5 specification on the course and launch API (docs/adr/005, cmi5/README.md)."""
