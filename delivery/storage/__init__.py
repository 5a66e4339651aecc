"""Delivery's own tables (courses, registrations, sessions, records) and their storage; every call
takes the store id, so another store's ids are simply not found."""
