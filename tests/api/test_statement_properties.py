"""Properties over generated statements, through the HTTP API on both dialects.

- every valid statement is accepted and comes back equal (format=exact)      xAPI-Communication 2.1.2, 2.1.3
- every rule-breaking mutation gets 400 naming the path, and stores nothing   xAPI-Data 2.2.s4
- no body and no query string, however malformed, gives a 500                  xAPI-Communication 1.0
"""
from __future__ import annotations

import copy
import uuid

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrs.xapi.attachments import split_multipart
from lrs.xapi.preparation import normalise_context_activities
from lrs.xapi.timestamps import in_utc
from tests.strategies.statements import invalid_mutations, valid_statements

FIXTURE_SETTINGS = settings(max_examples=60, deadline=None,
                            suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])
LRS_ASSIGNED = ("stored", "authority")


def _expected(sent: dict) -> dict:
    expected = copy.deepcopy(sent)
    normalise_context_activities(expected)
    expected["id"] = expected["id"].lower()
    expected.setdefault("version", "1.0.0")
    # Timestamps come back as the same instant in UTC (xAPI-Data 4.5.s1.b6).
    for holder in (expected, expected["object"]):
        if isinstance(holder, dict) and "timestamp" in holder:
            holder["timestamp"] = in_utc(holder["timestamp"])
    return expected


LRS_ASSIGNED_WHEN_ABSENT = ("timestamp",)


@FIXTURE_SETTINGS
@given(statement=valid_statements())
def test_every_valid_statement_is_stored_and_returned_exactly(xapi, statement):
    # Examples share one store across the run; hypothesis repeats ids, so each example gets its own.
    statement = {**statement, "id": str(uuid.uuid4())}
    response = xapi.post_statements(statement)
    assert response.status_code == 200, response.get_json()
    returned = xapi.get_statements(statementId=statement["id"]).get_json()
    for key in LRS_ASSIGNED:
        returned.pop(key)
    expected = _expected(statement)
    for key in LRS_ASSIGNED:
        expected.pop(key, None)
    for key in LRS_ASSIGNED_WHEN_ABSENT:
        if key not in statement:
            returned.pop(key)
    assert returned == expected


@FIXTURE_SETTINGS
@given(case=invalid_mutations())
def test_every_rule_breaking_statement_is_rejected_and_nothing_is_stored(xapi, case):
    statement, path_prefix = case
    before = xapi.get_statements(limit="1").get_json()["statements"]
    response = xapi.post_statements(statement)
    assert response.status_code == 400, (statement, response.get_json())
    body = response.get_json()
    assert body["path"].startswith(path_prefix), (body, path_prefix)
    assert xapi.get_statements(limit="1").get_json()["statements"] == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25)


@FIXTURE_SETTINGS
@given(body=json_values)
def test_arbitrary_json_bodies_never_cause_a_server_error(xapi, body):
    assert xapi.post_statements(body).status_code in (200, 400)


@FIXTURE_SETTINGS
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_never_cause_a_server_error(xapi, body):
    response = xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400)


@FIXTURE_SETTINGS
@given(parameters=st.dictionaries(
    st.sampled_from(["agent", "verb", "activity", "registration", "since", "until", "limit", "format",
                     "ascending", "related_agents", "related_activities", "statementId", "voidedStatementId",
                     "attachments", "more", "x"]),
    st.text(max_size=40) | st.sampled_from(['{"mbox":"mailto:a@b.c"}', "true", "0", "2025-01-01T00:00:00Z"]),
    max_size=4))
def test_arbitrary_query_parameters_never_cause_a_server_error(xapi, parameters):
    response = xapi.get_statements(**parameters)
    assert response.status_code in (200, 400, 404), response.data
    if response.mimetype == "multipart/mixed":  # attachments=true (xAPI-Communication 2.1.3.s2.b6)
        orjson.loads(split_multipart(response.data, response.headers["Content-Type"])[0][1])
    else:
        orjson.loads(response.data)
