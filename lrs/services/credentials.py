"""What creating a credential hands back. Credentials are made in one place only, the audited
Administration (lrs/services/administration.py), for the CLI, the admin API, tests and benchmarks alike."""
from __future__ import annotations

from dataclasses import dataclass



@dataclass(frozen=True)
class IssuedCredential:
    credential_id: int
    store_id: int
    key: str
    secret: str
