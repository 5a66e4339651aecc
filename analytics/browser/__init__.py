"""The statement browser: a server-rendered page for a store's statements (issue 14)."""
