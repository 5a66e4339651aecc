"""Our executable requirement matrix: each MUST of the specs that applies to us, and the tests that prove it."""
