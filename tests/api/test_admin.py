"""The admin API: stores, credentials, erasure and the audit log (issue 4), on both dialects."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid

import pytest

from tests.conftest import XapiClient, rejected
from tests.factories import agent, statement, with_text_attachment


def basic(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def admin(app):
    username, password = f"admin-{uuid.uuid4().hex[:8]}", "correct horse battery staple"
    app.extensions["lrs"].administration.create_admin("test", username, password)
    client = app.test_client()
    headers = basic(username, password)

    class Admin:
        name = username

        @staticmethod
        def call(method: str, path: str, **kwargs):
            return client.open(path, method=method, headers=headers, **kwargs)

    return Admin


def xapi_client(app, issued: dict) -> XapiClient:
    return XapiClient(app.test_client(), issued["key"], issued["secret"])


def new_store(admin) -> dict:
    response = admin.call("POST", "/admin/stores", json={"name": f"store-{uuid.uuid4()}"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def new_credential(admin, store_id: int, scopes=("all",)) -> dict:
    response = admin.call("POST", f"/admin/stores/{store_id}/credentials", json={"name": "tool", "scopes": list(scopes)})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_admin_api_needs_an_admin_account(app, admin, store_credential):
    assert app.test_client().get("/admin/stores").status_code == 401
    as_xapi_client = basic(store_credential.key, store_credential.secret)
    assert app.test_client().get("/admin/stores", headers=as_xapi_client).status_code == 401
    assert app.test_client().get("/admin/stores", headers=basic(admin.name, "wrong password!")).status_code == 401
    assert admin.call("GET", "/admin/stores").status_code == 200


def test_stores_are_created_listed_renamed_disabled_and_enabled(app, admin):
    store = new_store(admin)
    assert store["enabled"] and store["active_credentials"] == 0
    issued = new_credential(admin, store["id"])
    client = xapi_client(app, issued)
    assert client.get_statements().status_code == 200
    renamed = admin.call("PATCH", f"/admin/stores/{store['id']}", json={"name": store["name"] + "-renamed"})
    assert renamed.get_json()["name"] == store["name"] + "-renamed"
    assert admin.call("PATCH", f"/admin/stores/{store['id']}", json={"enabled": False}).get_json()["enabled"] is False
    assert client.get_statements().status_code == 401  # a disabled store lets no one in
    admin.call("PATCH", f"/admin/stores/{store['id']}", json={"enabled": True})
    assert client.get_statements().status_code == 200
    listed = {row["id"]: row for row in admin.call("GET", "/admin/stores").get_json()}
    assert listed[store["id"]]["active_credentials"] == 1


def test_store_names_are_unique_and_bad_input_is_400(admin):
    store = new_store(admin)
    assert "already exists" in rejected(admin.call("POST", "/admin/stores", json={"name": store["name"]}),
                                        "name", 409)["message"]
    _schema_rejected(admin.call("POST", "/admin/stores", json={}), "name")
    rejected(admin.call("GET", "/admin/stores/999999"), "store_id", 404)
    _schema_rejected(admin.call("POST", f"/admin/stores/{store['id']}/credentials",
                                json={"name": "x", "scopes": ["statements/delete"]}), "scopes")


def _schema_rejected(response, field: str) -> None:
    """A 400 from the request schema names the field, in `path` or in marshmallow's `detail`."""
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["message"] and (body.get("path", "").startswith(field) or field in body["detail"]["json"]), body


def test_credentials_are_listed_without_secrets_rotated_and_revoked(app, admin):
    store = new_store(admin)
    issued = new_credential(admin, store["id"], scopes=["statements/read", "statements/write"])
    listed = admin.call("GET", f"/admin/stores/{store['id']}/credentials").get_json()
    assert listed == [{"id": issued["credential_id"], "store_id": store["id"], "name": "tool", "key": issued["key"],
                       "scopes": ["statements/read", "statements/write"], "revoked": False}]
    assert issued["secret"] not in json.dumps(listed)
    rotated = admin.call("POST", f"/admin/credentials/{issued['credential_id']}/rotate").get_json()
    assert rotated["key"] == issued["key"] and rotated["secret"] != issued["secret"]
    assert xapi_client(app, issued).get_statements().status_code == 401  # the old secret, at once
    assert xapi_client(app, rotated).get_statements().status_code == 200
    assert admin.call("POST", f"/admin/credentials/{issued['credential_id']}/revoke").status_code == 204
    assert xapi_client(app, rotated).get_statements().status_code == 401


def test_every_change_is_in_the_audit_log(admin):
    store = new_store(admin)
    issued = new_credential(admin, store["id"])
    admin.call("POST", f"/admin/credentials/{issued['credential_id']}/rotate")
    admin.call("PATCH", f"/admin/stores/{store['id']}", json={"enabled": False})
    entries = admin.call("GET", "/admin/audit", query_string={"store_id": store["id"]}).get_json()
    assert [entry["action"] for entry in entries] == [
        "store.change", "credential.rotate", "credential.create", "store.create"]
    assert {entry["actor"] for entry in entries} == {f"admin:{admin.name}"}
    assert entries[0]["detail"] == {"enabled": [True, False]}
    assert all(issued["secret"] not in json.dumps(entry) for entry in entries)


def test_erasure_counts_first_then_deletes_only_that_agent(app, admin):
    store = new_store(admin)
    client = xapi_client(app, new_credential(admin, store["id"]))
    kim, lee = agent("kim"), agent("lee")
    client.post_statements([statement(actor=kim), statement(actor=lee),
                            statement(actor=lee, context={"instructor": kim})])
    hashed_kim = {"mbox_sha1sum": hashlib.sha1(kim["mbox"].encode()).hexdigest()}
    client.post_statements(statement(actor=hashed_kim))
    state = {"activityId": "http://example.com/a", "stateId": "s"}
    client.request("PUT", "/xapi/activities/state", query_string={**state, "agent": json.dumps(kim)}, json={"k": 1})
    client.request("PUT", "/xapi/activities/state", query_string={**state, "agent": json.dumps(lee)}, json={"l": 1})
    client.request("PUT", "/xapi/agents/profile", query_string={"agent": json.dumps(kim), "profileId": "p"},
                   json={"k": 1}, headers={"If-None-Match": "*"})

    counted = admin.call("POST", f"/admin/stores/{store['id']}/erasure", json={"agent": {"mbox": kim["mbox"]}})
    assert counted.get_json() == {"dry_run": True, "statements": 3, "attachments": 0, "documents": 2}
    assert len(client.get_statements().get_json()["statements"]) == 4  # a dry run changes nothing

    erased = admin.call("POST", f"/admin/stores/{store['id']}/erasure",
                        json={"agent": {"mbox": kim["mbox"]}, "dry_run": False})
    assert erased.get_json()["statements"] == 3
    left = client.get_statements().get_json()["statements"]
    assert [s["actor"]["mbox"] for s in left] == [lee["mbox"]]
    assert client.get_statements(agent=json.dumps(kim), related_agents="true").get_json()["statements"] == []
    assert client.request("GET", "/xapi/activities/state",
                          query_string={**state, "agent": json.dumps(kim)}).status_code == 404
    assert client.request("GET", "/xapi/activities/state",
                          query_string={**state, "agent": json.dumps(lee)}).status_code == 200
    person = client.request("GET", "/xapi/agents", query_string={"agent": json.dumps({"mbox": kim["mbox"]})})
    assert person.get_json() == {"objectType": "Person", "mbox": [kim["mbox"]]}  # only what was asked

    entries = admin.call("GET", "/admin/audit", query_string={"store_id": store["id"], "limit": 2}).get_json()
    assert [entry["action"] for entry in entries] == ["erasure", "erasure.dry_run"]
    assert kim["mbox"] not in json.dumps(entries)  # the log does not keep what was erased


def test_erasure_keeps_attachments_other_statements_still_use(app, admin):
    store = new_store(admin)
    client = xapi_client(app, new_credential(admin, store["id"]))
    for actor in (agent("kim"), agent("lee")):
        body, content_type = with_text_attachment(statement(actor=actor), b"shared payload")
        assert client.request("POST", "/xapi/statements", data=body,
                              headers={"Content-Type": content_type}).status_code == 200
    body, content_type = with_text_attachment(statement(actor=agent("kim")), b"kim's own payload")
    client.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})
    erased = admin.call("POST", f"/admin/stores/{store['id']}/erasure",
                        json={"agent": {"mbox": agent("kim")["mbox"]}, "dry_run": False}).get_json()
    assert erased["statements"] == 2 and erased["attachments"] == 1
    left = client.get_statements(attachments="true")
    assert b"shared payload" in left.data and b"kim's own payload" not in left.data


def test_the_admin_api_is_in_the_openapi_document(app):  # flask-smorest at /docs
    paths = app.test_client().get("/docs/openapi.json").get_json()["paths"]
    assert {"/admin/stores", "/admin/stores/{store_id}/erasure", "/admin/audit", "/oauth/token"} <= set(paths)
