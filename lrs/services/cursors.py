"""`more` cursors: the query and the position after the last statement returned, signed and bound to a store.

They are opaque to clients (xAPI-Data 2.5.s3.b7), carry everything needed to continue (2.5.s3.b2) and
are keyed on (stored, seq), so later pages cost the same as the first and never skip or repeat.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

import orjson

from lrs.storage.statements import PagePosition
from lrs.xapi.errors import BadRequest


class CursorCodec:
    def __init__(self, secret_key: str):
        self._key = hashlib.sha256(("more-cursor:" + secret_key).encode()).digest()

    def _signature(self, store_id: int, payload: bytes) -> str:
        mac = hmac.new(self._key, str(store_id).encode() + b"|" + payload, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode().rstrip("=")

    def encode(self, store_id: int, parameters: dict, position: PagePosition) -> str:
        payload = orjson.dumps({"p": parameters, "k": [position.stored_ms, position.seq]})
        return (base64.urlsafe_b64encode(payload).decode().rstrip("=") + "."
                + self._signature(store_id, payload))

    def decode(self, store_id: int, token: str) -> tuple[dict, PagePosition]:
        # ASCII first: compare_digest refuses non-ASCII str with a TypeError.
        encoded, _, signature = token.partition(".") if token.isascii() else ("", "", "")
        try:
            payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except ValueError:
            payload = b""
        if not payload or not hmac.compare_digest(signature, self._signature(store_id, payload)):
            raise BadRequest("the 'more' cursor is not valid here", path="more",
                             section="xAPI-Data 2.5")
        data = orjson.loads(payload)
        return data["p"], PagePosition(*data["k"])
