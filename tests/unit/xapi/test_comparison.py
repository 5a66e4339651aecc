"""Statement comparison (xAPI-Data 2.3.1 Statement Comparison Requirements)."""
from __future__ import annotations

import copy

import pytest

from lrs.xapi.comparison import statements_match

BASE = {
    "id": "6a1d6cf0-4e26-4f8b-a0e4-1c6b1b8c4f9a",
    "actor": {"objectType": "Group", "name": "pair",
              "member": [{"mbox": "mailto:a@example.com"}, {"mbox": "mailto:b@Example.com"}]},
    "verb": {"id": "http://example.com/verbs/did", "display": {"en-US": "did"}},
    "object": {"id": "http://example.com/a", "definition": {"name": {"en-US": "A"}}},
    "result": {"duration": "PT1H"},
    "context": {"contextActivities": {"parent": {"id": "http://example.com/p"}}},
    "timestamp": "2025-01-01T12:00:00Z",
}


def _changed(**changes):
    statement = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = statement
        *parents, last = path.split("__")
        for name in parents:
            target = target[name]
        target[last] = value
    return statement


@pytest.mark.parametrize("other", [
    _changed(stored="2026-01-01T00:00:00Z", authority={"mbox": "mailto:x@example.com"}, version="1.0.0"),
    _changed(timestamp="2025-01-01T13:00:00+01:00"),                               # 2.3.1.b4
    _changed(verb__display={"de": "tat"}),                                         # 2.3.1.b3
    _changed(object__definition={"name": {"fr": "Un"}}),                           # 2.3.1.b2
    _changed(actor__member=[{"mbox": "mailto:b@example.com"}, {"mbox": "mailto:a@example.com"}]),  # b5, b7
    _changed(context__contextActivities={"parent": [{"id": "http://example.com/p"}]}),
])
def test_allowed_differences_are_ignored(other):  # xAPI-Data 2.3.1.s9.b1
    assert statements_match(BASE, other)


@pytest.mark.parametrize("other", [
    _changed(result__duration="PT60M"),                                            # 2.3.1.b8
    _changed(verb__id="http://example.com/verbs/other"),
    _changed(object__id="http://example.com/b"),
    _changed(timestamp="2025-01-01T12:00:01Z"),
    _changed(actor__member=[{"mbox": "mailto:a@example.com"}]),
])
def test_other_differences_are_not_ignored(other):  # xAPI-Data 2.3.1.s9.b2
    assert not statements_match(BASE, other)
