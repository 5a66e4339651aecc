"""JSON value equality for rule values (xAPI Profiles Part Two §8.1 `any`/`all`/`none`): JSON's, not Python's,
so `true` is not `1` and `1` is `1.0`. Values become hashable keys in one linear pass."""
from __future__ import annotations


def canonical(value):
    """A hashable key equal for two JSON values exactly when they are the same JSON value."""
    if value is None:
        return ("null",)
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value) if isinstance(value, int) and abs(value) < 2 ** 53 else value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(canonical(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, canonical(item)) for key, item in value.items()))
    raise TypeError(f"not a JSON value: {type(value).__name__}")
