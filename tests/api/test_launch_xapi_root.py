"""The cmi5 `endpoint` is {public URL}/xapi without a trailing slash; the server serves /xapi//statements in
place, for every method, and never redirects (launch-api.md, Launch)."""
from __future__ import annotations

import uuid

from tests.factories import statement


def test_a_doubled_slash_after_the_xapi_root_is_served_in_place(xapi):
    statement_id = str(uuid.uuid4())
    put = xapi.request("PUT", "/xapi//statements", query_string={"statementId": statement_id},
                       json=statement(statement_id=statement_id))
    assert put.status_code == 204
    posted = xapi.request("POST", "/xapi//statements", json=statement())
    assert posted.status_code == 200
    got = xapi.request("GET", "/xapi//statements", query_string={"statementId": statement_id})
    assert got.status_code == 200 and got.get_json()["id"] == statement_id
    state = xapi.request("PUT", "/xapi//activities/state", data=b'{"a": 1}', content_type="application/json",
                         query_string={"activityId": "https://example.com/au", "stateId": "s",
                                       "agent": '{"mbox": "mailto:kim@example.com"}'})
    assert state.status_code == 204
    assert xapi.request("GET", "/xapi//about").status_code == 200
