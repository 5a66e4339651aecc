"""POST /admin/terms/purge: `lrs terms purge` through the admin API, on both dialects (issue 10)."""
from __future__ import annotations

import base64
import uuid

import lrs.api.admin.terms_routes  # noqa: F401 - registers the route, as lrs/api/admin/routes.py does


def test_the_admin_api_purges_unused_terms_after_a_dry_run(app):
    # docs/security.md (GDPR erasure, term purge): admins only; dry run by default; audited.
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    administration = app.extensions["lrs"].administration
    administration.create_admin("test", username, password)
    headers = {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}
    client = app.test_client()
    assert client.post("/admin/terms/purge", json={}).status_code == 401

    dry = client.post("/admin/terms/purge", json={}, headers=headers)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["dry_run"] is True and dry.get_json()["deleted"] == 0
    done = client.post("/admin/terms/purge", json={"dry_run": False}, headers=headers).get_json()
    assert done["dry_run"] is False and done["deleted"] == done["unused"]
    assert [entry.action for entry in administration.audit(limit=2)] == ["terms.purge", "terms.purge_dry_run"]
