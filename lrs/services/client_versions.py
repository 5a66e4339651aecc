"""Which xAPI version each credential last spoke, for answering requests that name none.

A request without X-Experience-API-Version is a 400 in both versions (xAPI-Communication 3.3), but the
400 itself must carry a version header, and a dual-version LRS cannot tell which version the client
expects. We answer in the version that credential last used (the newest, 2.0.0, for a client never
seen), which is what a client that dropped the header once most likely speaks. It also lets ADL's
1.0.3 and 2.0.0 suites, which expect different values here, both pass against one server (upstream
adlnet/lrs-conformance-test-suite PR #270 relaxes those checks).
"""
from __future__ import annotations

import threading
import time

from lrs.auth.principal import Principal
from lrs.storage.credentials import CredentialStorage
from lrs.xapi.versions import V2_0_0

# Rewrite an unchanged version at most this often, so another worker's newer write cannot stay
# shadowed by this process's memory for long.
_REFRESH_SECONDS = 30.0


class ClientVersions:
    def __init__(self, storage: CredentialStorage):
        self._storage = storage
        self._written: dict[int, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def remember(self, principal: Principal, version: str) -> None:
        now = time.monotonic()
        with self._lock:
            known = self._written.get(principal.credential_id)
            if known is not None and known[0] == version and now - known[1] < _REFRESH_SECONDS:
                return
            self._written[principal.credential_id] = (version, now)
        self._storage.set_last_version(principal.credential_id, version)

    def for_unversioned_request(self, principal: Principal | None) -> str:
        if principal is None:
            return V2_0_0
        return self._storage.last_version(principal.credential_id) or V2_0_0
