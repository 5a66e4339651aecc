"""An access token signed with a valid key but holding claims of the wrong type is 401, never a 500
(xAPI-Communication 4.2: the LRS refuses a token it cannot use)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest

from lrs.auth.tokens import TokenIssuer
from lrs.xapi.errors import Unauthorized

KEY = "k" * 48


def _token(kid="main", **changes) -> str:
    """Signed by hand: PyJWT would refuse to encode a header whose kid is not a string."""
    claims = {"sub": "client-key", "scope": "statements/write", "exp": int(time.time()) + 60, "aud": "xapi-lrs",
              **changes}
    signing_input = b".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=")
                              for part in ({"alg": "HS256", "typ": "JWT", "kid": kid}, claims))
    signature = base64.urlsafe_b64encode(hmac.new(KEY.encode(), signing_input, hashlib.sha256).digest()).rstrip(b"=")
    return (signing_input + b"." + signature).decode()


@pytest.mark.parametrize("changes", [{"scope": ["all"]}, {"scope": 7}, {"scope": None}, {"sub": ["x"]},
                                     {"sub": 5}, {"kid": ["main"]}, {"kid": {"a": 1}}])
def test_claims_of_the_wrong_type_are_401(changes):  # xAPI-Communication 4.2
    issuer = TokenIssuer((("main", KEY),), secret_key="", lifetime_seconds=60)
    with pytest.raises(Unauthorized):
        issuer.verify(_token(**changes))


def test_a_well_typed_token_still_verifies():  # xAPI-Communication 4.2
    issuer = TokenIssuer((("main", KEY),), secret_key="", lifetime_seconds=60)
    assert issuer.verify(_token()).scopes == frozenset({"statements/write"})
