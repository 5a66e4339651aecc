"""`more` cursors are opaque, tamper-proof and bound to their store (xAPI-Data 2.5)."""
from __future__ import annotations

import base64

import orjson
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
    with pytest.raises(BadRequest) as refused:
        codec.decode(7, mangle(token))
    assert refused.value.path == "more" and "cursor" in refused.value.message


def test_cursor_from_another_store_is_rejected():
    codec = CursorCodec("secret")
    with pytest.raises(BadRequest) as refused:
        codec.decode(8, codec.encode(7, {}, PagePosition(1, 2)))
    assert refused.value.path == "more"


def test_a_cursor_needs_no_server_state_so_it_outlives_the_process():  # xAPI-Data 2.5.s3.b1
    # The signed cursor holds the query and the position and nothing else, no issue time: it cannot
    # expire, and another process (another worker, or the server after a restart days later) with
    # the same secret continues the same page.
    position = PagePosition(stored_ms=1_700_000_000_000, seq=42)
    token = CursorCodec("secret").encode(3, {"verb": "http://example.com/v"}, position)
    encoded = token.split(".")[0]
    assert orjson.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == {
        "p": {"verb": "http://example.com/v"}, "k": [1_700_000_000_000, 42]}
    assert CursorCodec("secret").decode(3, token) == ({"verb": "http://example.com/v"}, position)
