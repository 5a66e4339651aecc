"""What the audit log keeps of an erased agent: a keyed digest, not a plain hash (docs/security.md,
"GDPR erasure"; found by the attack review: an unsalted SHA-256 of a mailbox is reversed by a dictionary)."""
from __future__ import annotations

import hashlib
import json

from tests.api.test_admin import admin, new_store  # noqa: F401 - the admin fixture
from tests.factories import agent


def test_erasure_audit_records_a_keyed_digest_that_a_dictionary_cannot_reverse(app, admin):
    store = new_store(admin)
    kim = agent("kim")
    admin.call("POST", f"/admin/stores/{store['id']}/erasure", json={"agent": {"mbox": kim["mbox"]}, "dry_run": False})
    entry = admin.call("GET", "/admin/audit", query_string={"store_id": store["id"], "limit": 1}).get_json()[0]
    recorded = json.dumps(entry)
    plain_digest = hashlib.sha256(f"mbox|{kim['mbox']}".encode()).hexdigest()
    assert kim["mbox"] not in recorded
    assert plain_digest not in recorded and hashlib.sha256(kim["mbox"].encode()).hexdigest() not in recorded
    # Whoever holds the server secret can still check whether a given person was erased.
    assert entry["detail"]["agent_hmac_sha256"] == app.extensions["lrs"].administration.agent_digest(
        {"mbox": kim["mbox"]})
