"""Every xAPI resource and method against a credential holding each single scope: 403 exactly when the
scope does not allow it (xAPI-Communication 4.2 scopes; 3.2.s3.b10)."""
from __future__ import annotations

import json
import uuid

import pytest

from lrs.xapi.scopes import SCOPES
from tests.conftest import XapiClient
from tests.factories import issue_credential, statement

AGENT = json.dumps({"mbox": "mailto:ada@example.com"})
ACTIVITY = "http://example.com/activities/scoped"
STATE = {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}
ACTIVITY_PROFILE = {"activityId": ACTIVITY, "profileId": "p"}
AGENT_PROFILE = {"agent": AGENT, "profileId": "p"}
READ = {"statements/read", "all/read", "all"}
STATEMENT_READERS = READ | {"statements/read/mine"}
WRITERS = {"statements/write", "all"}

# (method, path, query, body, the scopes that allow it)
REQUESTS = [
    ("GET", "/xapi/statements", {}, None, STATEMENT_READERS),
    ("POST", "/xapi/statements", {}, "statement", WRITERS),
    ("PUT", "/xapi/statements", {"statementId": "new"}, "statement", WRITERS),
    ("GET", "/xapi/activities", {"activityId": ACTIVITY}, None, READ | {"define"}),
    ("GET", "/xapi/agents", {"agent": AGENT}, None, READ | {"define"}),
    ("GET", "/xapi/activities/state", STATE, None, {"state", "all/read", "all"}),
    ("PUT", "/xapi/activities/state", STATE, {"v": 1}, {"state", "all"}),
    ("POST", "/xapi/activities/state", STATE, {"v": 1}, {"state", "all"}),
    ("DELETE", "/xapi/activities/state", STATE, None, {"state", "all"}),
    ("DELETE", "/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT}, None, {"state", "all"}),
    ("GET", "/xapi/activities/profile", ACTIVITY_PROFILE, None, {"profile", "all/read", "all"}),
    ("PUT", "/xapi/activities/profile", ACTIVITY_PROFILE, {"v": 1}, {"profile", "all"}),
    ("POST", "/xapi/activities/profile", ACTIVITY_PROFILE, {"v": 1}, {"profile", "all"}),
    ("DELETE", "/xapi/activities/profile", ACTIVITY_PROFILE, None, {"profile", "all"}),
    ("GET", "/xapi/agents/profile", AGENT_PROFILE, None, {"profile", "all/read", "all"}),
    ("PUT", "/xapi/agents/profile", AGENT_PROFILE, {"v": 1}, {"profile", "all"}),
    ("POST", "/xapi/agents/profile", AGENT_PROFILE, {"v": 1}, {"profile", "all"}),
    ("DELETE", "/xapi/agents/profile", AGENT_PROFILE, None, {"profile", "all"}),
]


def client_with(app, scopes: str, store_name: str) -> XapiClient:
    issued = issue_credential(app.extensions["lrs"], f"scoped {scopes}", store_name=store_name, scopes=scopes)
    return XapiClient(app.test_client(), issued.key, issued.secret)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("method,path,query,body,allowed", REQUESTS,
                         ids=[f"{r[0]} {r[1]} #{i}" for i, r in enumerate(REQUESTS)])
def test_a_request_is_forbidden_exactly_when_no_scope_allows_it(app, scope, method, path, query, body, allowed):
    # xAPI-Communication 4.2.s5.b3, 3.2.s3.b10: 403 for valid credentials the scopes do not allow
    xapi = client_with(app, scope, f"scopes-{uuid.uuid4()}")
    query = dict(query)
    if query.get("statementId") == "new":
        query["statementId"] = str(uuid.uuid4())
    payload = statement(statement_id=query.get("statementId")) if body == "statement" else body
    headers = {"If-None-Match": "*"} if method == "PUT" and "profile" in path else {}
    response = xapi.request(method, path, query_string=query, json=payload, headers=headers)
    if scope in allowed and method == "GET" and ("stateId" in query or "profileId" in query):
        assert response.status_code == 404, response.get_json()  # allowed: the store has no such document
    elif scope in allowed:
        assert response.status_code in (200, 204), response.get_json()
    else:
        assert response.status_code == 403, response.get_json()
        assert response.get_json()["error"] == "Forbidden"
        assert all(needed in response.get_json()["message"] for needed in allowed), response.get_json()


def test_read_mine_sees_only_what_that_credential_stored(app):  # xAPI-Communication 4.2 statements/read/mine
    store = f"mine-{uuid.uuid4()}"
    mine = client_with(app, "statements/write statements/read/mine", store)
    other = client_with(app, "statements/write", store)
    reader = client_with(app, "statements/read", store)
    [own_id] = mine.post_statements(statement()).get_json()
    [other_id] = other.post_statements(statement()).get_json()
    listed = [s["id"] for s in mine.get_statements().get_json()["statements"]]
    assert listed == [own_id]
    assert mine.get_statements(statementId=other_id).status_code == 404
    assert mine.get_statements(statementId=own_id).status_code == 200
    assert sorted(s["id"] for s in reader.get_statements().get_json()["statements"]) == sorted([own_id, other_id])


def test_read_mine_pages_with_more_stay_mine(app):  # xAPI-Communication 4.2 statements/read/mine; xAPI-Data 2.5
    store = f"mine-pages-{uuid.uuid4()}"
    mine = client_with(app, "statements/write statements/read/mine", store)
    other = client_with(app, "statements/write", store)
    own = mine.post_statements([statement() for _ in range(5)]).get_json()
    other.post_statements([statement() for _ in range(5)])
    assert sorted(mine.all_statement_ids(limit="2")) == sorted(own)


def test_definitions_become_canonical_only_from_credentials_with_define(app):  # xAPI-Communication 4.2 define
    store = f"define-{uuid.uuid4()}"
    writer = client_with(app, "statements/write", store)
    definer = client_with(app, "statements/write define", store)
    reader = client_with(app, "all/read", store)
    untrusted = statement(activity="http://example.com/defined")
    untrusted["object"]["definition"] = {"name": {"en-US": "spoofed"}}
    writer.post_statements(untrusted)
    activity = reader.request("GET", "/xapi/activities", query_string={"activityId": "http://example.com/defined"})
    assert "definition" not in activity.get_json()
    trusted = statement(activity="http://example.com/defined")
    trusted["object"]["definition"] = {"name": {"en-US": "official"}}
    definer.post_statements(trusted)
    activity = reader.request("GET", "/xapi/activities", query_string={"activityId": "http://example.com/defined"})
    assert activity.get_json()["definition"] == {"name": {"en-US": "official"}}


def test_unknown_scopes_are_refused_when_creating_a_credential(app):  # xAPI-Communication 4.2
    from lrs.xapi.errors import BadRequest
    with pytest.raises(BadRequest):
        issue_credential(app.extensions["lrs"], "bad", scopes="statements/delete")
