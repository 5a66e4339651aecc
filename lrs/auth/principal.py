"""Who is making a request: the credential, its store and its scopes."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Principal:
    credential_id: int
    store_id: int
    name: str
    key: str
    scopes: frozenset[str]
    via_token: bool = False  # authenticated by an OAuth 2.0 access token rather than the secret

    def authority(self, home_page: str) -> dict:
        """The Agent the LRS writes as `authority` on statements this credential stores (xAPI-Data 2.4.9)."""
        return {"objectType": "Agent", "name": self.name,
                "account": {"homePage": home_page, "name": self.key}}
