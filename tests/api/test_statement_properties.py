"""Properties over generated statements, through the HTTP API on both dialects.

- every valid statement is accepted and comes back equal (format=exact)      xAPI-Communication 2.1.2, 2.1.3
- every rule-breaking mutation gets 400 naming the path, and stores nothing   xAPI-Data 2.2.s4
- no body and no query string, however malformed, gives a 500                  xAPI-Communication 1.0
- a query with one parameter broken names it; most get through to a (multipart) answer
"""
from __future__ import annotations

import collections
import copy
import uuid

import orjson
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lrs.xapi.attachments import split_multipart
from lrs.xapi.preparation import normalise_context_activities
from lrs.xapi.timestamps import in_utc
from tests import factories
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


SEEN_AGENT = {"mbox": "mailto:quinn@example.com"}
SEEN_VERB = "http://example.com/verbs/queried"
SEEN_ACTIVITY = "http://example.com/activities/queried"
SEEN_ID = "0b8ef2a5-2a3e-4ef7-9d4c-3d3a3c0a4c11"
QUERY_CORRUPTIONS = ["none", "value", "unknown parameter", "id beside a filter"]
_WEIGHTED_CORRUPTIONS = ["none"] * 3 + QUERY_CORRUPTIONS[1:]  # half the queries stay valid


@st.composite
def corrupted_statement_queries(draw):
    """(parameters, corruption, corrupted name): a valid GET /statements query that matches a stored
    statement with an attachment, with at most one parameter broken."""
    if draw(st.booleans()):
        parameters = {"agent": orjson.dumps(SEEN_AGENT).decode(), "verb": SEEN_VERB, "activity": SEEN_ACTIVITY,
                      "since": "2000-01-01T00:00:00Z", "until": "2999-01-01T00:00:00+02:00",
                      "limit": str(draw(st.integers(0, 3))), "ascending": draw(st.sampled_from(["true", "false"])),
                      "related_agents": draw(st.sampled_from(["true", "false"])),
                      "related_activities": draw(st.sampled_from(["true", "false"]))}
        parameters = {name: value for name, value in parameters.items() if draw(st.booleans())}
    else:
        parameters = {"statementId": SEEN_ID}
    parameters["format"] = draw(st.sampled_from(["exact", "ids", "canonical"]))
    parameters["attachments"] = draw(st.sampled_from(["true", "false"]))
    corruption = draw(st.sampled_from(_WEIGHTED_CORRUPTIONS))
    corrupted = None
    if corruption == "value":
        corrupted = draw(st.sampled_from(sorted(parameters)))
        parameters[corrupted] = draw(st.text(max_size=40) | st.sampled_from(["²", "-1", "{}", "TRUE", "2025-13-01"]))
    elif corruption == "unknown parameter":
        corrupted = draw(st.sampled_from(["x", "Agent", "statementid"]))
        parameters[corrupted] = "1"
    elif corruption == "id beside a filter":
        corrupted = "statementId" if "statementId" not in parameters else "verb"
        parameters[corrupted] = SEEN_ID if corrupted == "statementId" else SEEN_VERB
    return parameters, corruption, corrupted


def test_corrupted_statement_queries_never_cause_a_server_error_and_often_reach_multipart(xapi):
    # xAPI-Communication 2.1.3: every parameter is checked; attachments=true answers multipart/mixed
    payload = b"the attachment a query returns"
    body, content_type = factories.with_text_attachment(factories.statement(
        statement_id=SEEN_ID, actor=SEEN_AGENT, verb=SEEN_VERB, activity=SEEN_ACTIVITY), payload)
    stored = xapi.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})
    assert stored.status_code == 200, stored.get_json()
    outcomes: collections.Counter = collections.Counter()

    @settings(FIXTURE_SETTINGS, max_examples=150)
    @given(query=corrupted_statement_queries())
    def run(query):
        parameters, corruption, corrupted = query
        response = xapi.get_statements(**parameters)
        assert response.status_code in ((200,) if corruption == "none" else (200, 400)), response.data
        if response.status_code == 400:
            error = response.get_json()
            assert error["message"] and error["path"], error
            if corruption in ("value", "unknown parameter"):
                assert error["path"].split(".")[0] == corrupted, (parameters, error)
            outcome = "rejected"
        elif response.mimetype == "multipart/mixed":  # attachments=true (xAPI-Communication 2.1.3.s2.b6)
            parts = split_multipart(response.data, response.headers["Content-Type"])
            orjson.loads(parts[0][1])
            assert all(content == payload for _, content in parts[1:]), parts
            outcome = "multipart with a payload" if len(parts) > 1 else "multipart"
        else:
            orjson.loads(response.data)
            outcome = "json"
        event(f"{corruption}: {outcome}")
        outcomes[outcome] += 1
        outcomes[corruption] += 1

    run()
    examples = sum(outcomes[c] for c in QUERY_CORRUPTIONS)
    assert set(QUERY_CORRUPTIONS) <= set(outcomes), outcomes
    assert outcomes["rejected"] <= 0.65 * examples, outcomes
    assert outcomes["multipart with a payload"] >= 0.1 * examples, outcomes
