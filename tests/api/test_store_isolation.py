"""A credential of one store sees nothing of another, on every xAPI resource (issue 4), and a `more`
cursor from one store is useless in another."""
from __future__ import annotations

import json

import pytest

from tests.conftest import XapiClient
from tests.factories import agent, issue_credential, new_id, statement, voiding, with_text_attachment

ACTIVITY = "http://example.com/activities/isolated"
AGENT = json.dumps(agent("kim"))


@pytest.fixture
def two_stores(app):
    services = app.extensions["lrs"]
    first = issue_credential(services, "first")
    second = issue_credential(services, "second")
    return (XapiClient(app.test_client(), first.key, first.secret),
            XapiClient(app.test_client(), second.key, second.secret))


@pytest.fixture
def filled(two_stores):
    """The first store holds statements (one voided, one with an attachment), definitions and every
    kind of document; the second store is empty."""
    owner, outsider = two_stores
    kept, voided = new_id(), new_id()
    described = statement(statement_id=kept, actor=agent("kim"), activity=ACTIVITY)
    described["object"]["definition"] = {"name": {"en-US": "secret course"}}
    owner.post_statements([described, statement(statement_id=voided, actor=agent("kim"))])
    owner.post_statements(voiding(voided))
    body, content_type = with_text_attachment(statement(actor=agent("kim")), b"private notes")
    owner.request("POST", "/xapi/statements", data=body, headers={"Content-Type": content_type})
    owner.post_statements([statement(actor=agent("kim")) for _ in range(3)])
    owner.request("PUT", "/xapi/activities/state", json={"s": 1},
                  query_string={"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"})
    owner.request("PUT", "/xapi/activities/profile", json={"p": 1}, headers={"If-None-Match": "*"},
                  query_string={"activityId": ACTIVITY, "profileId": "p"})
    owner.request("PUT", "/xapi/agents/profile", json={"p": 1}, headers={"If-None-Match": "*"},
                  query_string={"agent": AGENT, "profileId": "p"})
    return owner, outsider, kept, voided


def test_statements_voided_statements_and_attachments_stay_in_their_store(filled):
    owner, outsider, kept, voided = filled
    assert len(owner.get_statements().get_json()["statements"]) == 6
    assert outsider.get_statements().get_json() == {"statements": [], "more": ""}
    assert outsider.get_statements(agent=AGENT, related_agents="true").get_json()["statements"] == []
    assert outsider.get_statements(statementId=kept).status_code == 404
    assert outsider.get_statements(voidedStatementId=voided).status_code == 404
    assert b"private notes" not in outsider.get_statements(attachments="true").data


def test_a_more_cursor_from_one_store_is_refused_in_another(filled):  # store isolation (no spec rule)
    owner, outsider, _, _ = filled
    more = owner.get_statements(limit="2").get_json()["more"]
    assert owner.request("GET", more).status_code == 200
    refused = outsider.request("GET", more)
    assert refused.status_code == 400 and refused.get_json()["path"] == "more"


def test_documents_activities_and_agents_stay_in_their_store(filled):
    owner, outsider, _, _ = filled
    for path, query in [("/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}),
                        ("/xapi/activities/profile", {"activityId": ACTIVITY, "profileId": "p"}),
                        ("/xapi/agents/profile", {"agent": AGENT, "profileId": "p"})]:
        assert owner.request("GET", path, query_string=query).status_code == 200
        assert outsider.request("GET", path, query_string=query).status_code == 404
        listing = {key: value for key, value in query.items() if key not in ("stateId", "profileId")}
        assert outsider.request("GET", path, query_string=listing).get_json() == []
    activity = outsider.request("GET", "/xapi/activities", query_string={"activityId": ACTIVITY}).get_json()
    assert activity == {"objectType": "Activity", "id": ACTIVITY}
    person = outsider.request("GET", "/xapi/agents", query_string={"agent": json.dumps({"mbox": agent("kim")["mbox"]})})
    assert person.get_json() == {"objectType": "Person", "mbox": [agent("kim")["mbox"]]}


def test_the_same_ids_live_independently_in_two_stores(filled):
    owner, outsider, kept, _ = filled
    different = statement(statement_id=kept, verb="http://example.com/verbs/other")
    assert outsider.post_statements(different).status_code == 200  # no conflict across stores
    assert owner.get_statements(statementId=kept).get_json()["verb"]["id"] != different["verb"]["id"]
    outsider.request("DELETE", "/xapi/activities/state", query_string={"activityId": ACTIVITY, "agent": AGENT})
    assert owner.request("GET", "/xapi/activities/state",
                         query_string={"activityId": ACTIVITY, "agent": AGENT, "stateId": "s"}).status_code == 200
