"""Certificates: issued once per learner and course at completion, rendered as PDF, emailed, and
verifiable by anyone at a unique URL that also reports revocation."""
