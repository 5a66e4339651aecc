"""`more` cursors are opaque, tamper-proof and bound to their store (xAPI-Data 2.5)."""
from __future__ import annotations

import pytest

from lrs.services.cursors import CursorCodec
from lrs.storage.statements import PagePosition
from lrs.xapi.errors import BadRequest


def test_cursor_round_trips():
    codec = CursorCodec("secret")
    token = codec.encode(7, {"verb": "http://example.com/v"}, PagePosition(123, 456))
    assert codec.decode(7, token) == ({"verb": "http://example.com/v"}, PagePosition(123, 456))


@pytest.mark.parametrize("mangle", [
    lambda token: token[:-2] + "xx", lambda token: "A" + token, lambda token: "", lambda token: "%%%.x"])
def test_tampered_cursor_is_rejected(mangle):
    codec = CursorCodec("secret")
    token = codec.encode(7, {}, PagePosition(1, 2))
    with pytest.raises(BadRequest):
        codec.decode(7, mangle(token))


def test_cursor_from_another_store_is_rejected():
    codec = CursorCodec("secret")
    with pytest.raises(BadRequest):
        codec.decode(8, codec.encode(7, {}, PagePosition(1, 2)))
