"""Activities Resource (xAPI-Communication 2.5) and Agents Resource (2.4)."""
from __future__ import annotations

import json

from tests.conftest import rejected
from tests.factories import statement


def test_activity_returns_the_merged_canonical_definition(xapi):  # xAPI-Communication 2.5.s1; xAPI-Data 2.4.4.1.s4.b2, b3
    first = statement(activity="http://example.com/act/merge")
    first["object"]["definition"] = {"name": {"en-US": "meeting"}, "type": "http://example.com/t/meeting"}
    second = statement(activity="http://example.com/act/merge")
    second["object"]["definition"] = {"name": {"fr-FR": "réunion"}}
    xapi.post_statements([first, second])
    response = xapi.request("GET", "/xapi/activities", query_string={"activityId": "http://example.com/act/merge"})
    assert response.status_code == 200
    assert response.get_json() == {"objectType": "Activity", "id": "http://example.com/act/merge", "definition": {
        "name": {"en-US": "meeting", "fr-FR": "réunion"}, "type": "http://example.com/t/meeting"}}


def test_unknown_activity_is_still_returned(xapi):  # xAPI-Communication 2.5.s2.b1
    response = xapi.request("GET", "/xapi/activities", query_string={"activityId": "http://example.com/never"})
    assert response.get_json() == {"objectType": "Activity", "id": "http://example.com/never"}


def test_activity_without_activity_id_is_400(xapi):  # xAPI-Communication 2.5.s1.table1.row1
    rejected(xapi.request("GET", "/xapi/activities"), "activityId")
    rejected(xapi.request("GET", "/xapi/activities", query_string={"activityId": "no iri"}), "activityId")


def test_agents_resource_returns_a_person_with_known_names(xapi):  # xAPI-Communication 2.4.s2, 2.4.s5, 2.4.s6.b1, b2
    xapi.post_statements(statement(actor={"mbox": "mailto:kim@example.com", "name": "Kim"}))
    xapi.post_statements(statement(actor={"mbox": "mailto:kim@example.com", "name": "Kimberly"}))
    response = xapi.request("GET", "/xapi/agents", query_string={"agent": json.dumps({"mbox": "mailto:kim@example.com"})})
    assert response.status_code == 200
    person = response.get_json()
    assert person["objectType"] == "Person"
    assert person["mbox"] == ["mailto:kim@example.com"]
    assert sorted(person["name"]) == ["Kim", "Kimberly"]


def test_agents_resource_answers_for_unknown_agents(xapi):  # xAPI-Communication 2.4.s3.b3
    query = json.dumps({"account": {"homePage": "http://example.com", "name": "nobody"}, "name": "Nobody"})
    person = xapi.request("GET", "/xapi/agents", query_string={"agent": query}).get_json()
    assert person == {"objectType": "Person", "name": ["Nobody"],
                      "account": [{"homePage": "http://example.com", "name": "nobody"}]}


def test_agents_resource_rejects_missing_or_malformed_agent(xapi):  # xAPI-Communication 2.4.s2
    rejected(xapi.request("GET", "/xapi/agents"), "agent")
    assert rejected(xapi.request("GET", "/xapi/agents", query_string={"agent": '{"name": "x"}'}),
                    "agent")["message"]
