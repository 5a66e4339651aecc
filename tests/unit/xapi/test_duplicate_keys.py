"""xAPI-Data 2.2.s2.b2: a statement uses each property at most once."""
from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lrs.xapi.duplicate_keys import reject_duplicate_keys
from lrs.xapi.errors import BadRequest


@pytest.mark.parametrize("raw,key", [
    (b'{"verb": {"id": "a"}, "verb": {"id": "b"}}', "verb"),
    (b'[{"a": 1}, {"b": {"c": 1, "c": 2}}]', "c"),
    (b'{"x": {"id": 1}, "y": {"id": 2, "id" : 3}}', "id"),
])
def test_a_property_used_twice_is_rejected_and_named(raw, key):  # xAPI-Data 2.2.s2.b2
    with pytest.raises(BadRequest) as raised:
        reject_duplicate_keys(raw, orjson.loads(raw))
    assert raised.value.path == key and raised.value.section == "xAPI-Data 2.2.s2.b2"


@pytest.mark.parametrize("raw", [
    b'{"a": "a string with \\": inside", "b": "x\\"  :y"}',
    b'{"same": 1, "nested": {"same": 2}}',  # the same name in different objects is fine
    b'[]', b'"just a string"',
])
def test_no_duplicate_no_error(raw):  # xAPI-Data 2.2.s2.b2
    reject_duplicate_keys(raw, orjson.loads(raw))


json_objects = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(max_size=8),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                                       inner, max_size=3),
                            max_leaves=12)


@given(json_objects)
def test_serialised_values_never_have_duplicates(value):  # no false alarms on valid JSON
    raw = orjson.dumps(value)
    reject_duplicate_keys(raw, orjson.loads(raw))


@pytest.mark.parametrize("raw,key", [
    (b'{"a": 1, "a": 2, "s": "\\u003a"}', "a"),  # an escaped colon cannot hide a duplicate
    (b'{"a" : 1, "a" :2}', "a"),  # nor can spaces around the colon
])
def test_escapes_and_spacing_do_not_hide_a_duplicate(raw, key):  # xAPI-Data 2.2.s2.b2
    with pytest.raises(BadRequest, match=f"'{key}' appears twice") as refused:
        reject_duplicate_keys(raw, orjson.loads(raw))
    assert refused.value.path == key
