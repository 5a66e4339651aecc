"""Fetching statements: single, filtered, paged and formatted (xAPI-Communication 2.1.3)."""
from __future__ import annotations

import json
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest

from tests.conftest import rejected
from tests.factories import agent, new_id, statement


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["statements"]]


def _store(xapi, *statements) -> list[str]:
    response = xapi.post_statements(list(statements))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_empty_store_returns_empty_statement_result(xapi):  # xAPI-Communication 2.1.3.s2.b4
    body = xapi.get_statements().get_json()
    assert body == {"statements": [], "more": ""}


def test_statements_come_newest_first_and_ascending_reverses(xapi):  # xAPI-Communication 2.1.3
    first = _store(xapi, statement())
    second = _store(xapi, statement())
    assert _ids(xapi.get_statements())[:2] == second + first
    assert _ids(xapi.get_statements(ascending="true")) == first + second


def test_batch_order_is_kept_in_stored_order(xapi):  # xAPI-Communication 2.1.2.s1
    ids = _store(xapi, statement(), statement(), statement())
    assert _ids(xapi.get_statements(ascending="true")) == ids


def test_statement_id_with_other_filters_is_rejected(xapi):  # xAPI-Communication 2.1.3.s2.b2
    response = xapi.get_statements(statementId=new_id(), verb="http://example.com/v")
    assert response.status_code == 400


def test_statement_id_and_voided_statement_id_together_are_rejected(xapi):  # xAPI-Communication 2.1.3.s2.b1
    assert xapi.get_statements(statementId=new_id(), voidedStatementId=new_id()).status_code == 400


def test_statement_id_with_format_and_attachments_is_allowed(xapi):  # xAPI-Communication 2.1.3.s2.b2
    [statement_id] = _store(xapi, statement())
    response = xapi.get_statements(statementId=statement_id, format="ids", attachments="false")
    assert response.status_code == 200


def test_unknown_statement_id_is_404(xapi):  # xAPI-Communication 2.1.3
    assert xapi.get_statements(statementId=new_id()).status_code == 404


def test_single_statement_has_last_modified_matching_stored(xapi):  # xAPI-Communication 2.1.3.s2.b8
    [statement_id] = _store(xapi, statement())
    response = xapi.get_statements(statementId=statement_id)
    stored = datetime.fromisoformat(response.get_json()["stored"])
    # An HTTP-date (RFC 7231 7.1.1.1) has whole seconds: it names the second `stored` falls in.
    assert response.headers["Last-Modified"].endswith(" GMT")
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == stored.replace(microsecond=0)


def test_unknown_parameter_is_rejected(xapi):  # xAPI-Communication 3.2.s3.b7
    response = xapi.get_statements(colour="blue")
    assert response.status_code == 400 and response.get_json()["path"] == "colour"


@pytest.mark.parametrize("name, value", [
    ("agent", "not json"), ("agent", '{"name": "no ifi"}'), ("agent", '{"mbox": "ada@example.com"}'),
    ("verb", "not an iri"), ("activity", "also not"), ("registration", "123"),
    ("since", "yesterday"), ("until", "2025-13-45T00:00:00Z"), ("limit", "-1"), ("limit", "ten"),
    ("format", "full"), ("ascending", "yes"), ("related_agents", "1"),
])
def test_malformed_parameter_values_are_rejected(xapi, name, value):  # xAPI-Data 2.2.s4.b4
    response = xapi.get_statements(**{name: value})
    assert response.status_code == 400
    assert response.get_json()["path"].startswith(name)


def test_verb_filter(xapi):  # xAPI-Communication 2.1.3 verb
    wanted = _store(xapi, statement(verb="http://example.com/verbs/a"))
    _store(xapi, statement(verb="http://example.com/verbs/b"))
    assert _ids(xapi.get_statements(verb="http://example.com/verbs/a")) == wanted


def test_agent_filter_matches_actor_and_object(xapi):  # xAPI-Communication 2.1.3 agent
    as_actor = _store(xapi, statement(actor=agent("kim")))
    as_object = _store(xapi, {"actor": agent("lee"), "verb": {"id": "http://example.com/verbs/met"},
                              "object": agent("kim")})
    _store(xapi, statement(actor=agent("lee")))
    found = _ids(xapi.get_statements(agent=json.dumps({"mbox": "mailto:kim@example.com"})))
    assert sorted(found) == sorted(as_actor + as_object)


def test_agent_filter_matches_groups_with_that_member(xapi):  # xAPI-Communication 2.1.3 agent
    group = {"objectType": "Group", "name": "team", "member": [agent("kim"), agent("lee")]}
    stored = _store(xapi, statement(actor=group))
    assert _ids(xapi.get_statements(agent=json.dumps({"mbox": "mailto:lee@example.com"}))) == stored


def test_agent_filter_ignores_instructor_unless_related_agents(xapi):  # xAPI-Communication 2.1.3 related_agents
    stored = _store(xapi, statement(context={"instructor": agent("teach")}))
    query = json.dumps({"mbox": "mailto:teach@example.com"})
    assert _ids(xapi.get_statements(agent=query)) == []
    assert _ids(xapi.get_statements(agent=query, related_agents="true")) == stored


def test_related_agents_matches_authority(xapi, store_credential):  # xAPI-Communication 2.1.3 related_agents
    stored = _store(xapi, statement())
    authority = json.dumps({"account": {"homePage": "http://127.0.0.1:8080/credentials",
                                        "name": store_credential.key}})
    assert _ids(xapi.get_statements(agent=authority, related_agents="true")) == stored


def test_activity_filter_and_related_activities(xapi):  # xAPI-Communication 2.1.3 activity
    course = "http://example.com/course/1"
    direct = _store(xapi, statement(activity=course))
    in_context = _store(xapi, statement(activity="http://example.com/lesson/1",
                                        context={"contextActivities": {"parent": [{"id": course}]}}))
    assert _ids(xapi.get_statements(activity=course)) == direct
    assert sorted(_ids(xapi.get_statements(activity=course, related_activities="true"))) == sorted(
        direct + in_context)


def test_related_activities_include_substatement_activities(xapi):  # xAPI-Communication 2.1.3
    sub = {"objectType": "SubStatement", "actor": agent("kim"), "verb": {"id": "http://example.com/v/will"},
           "object": {"id": "http://example.com/planned"}}
    stored = _store(xapi, {"actor": agent(), "verb": {"id": "http://example.com/v/planned"}, "object": sub})
    assert _ids(xapi.get_statements(activity="http://example.com/planned")) == []
    assert _ids(xapi.get_statements(activity="http://example.com/planned",
                                    related_activities="true")) == stored


def test_registration_filter(xapi):  # xAPI-Communication 2.1.3 registration
    registration = new_id()
    stored = _store(xapi, statement(context={"registration": registration}))
    _store(xapi, statement(context={"registration": new_id()}))
    assert _ids(xapi.get_statements(registration=registration)) == stored


def test_filters_combine_with_and(xapi):  # xAPI-Communication 2.1.3
    wanted = _store(xapi, statement(actor=agent("kim"), verb="http://example.com/verbs/a"))
    _store(xapi, statement(actor=agent("kim"), verb="http://example.com/verbs/b"))
    _store(xapi, statement(actor=agent("lee"), verb="http://example.com/verbs/a"))
    found = xapi.get_statements(agent=json.dumps({"mbox": "mailto:kim@example.com"}),
                                verb="http://example.com/verbs/a")
    assert _ids(found) == wanted


def test_since_is_exclusive_and_until_inclusive(xapi):  # xAPI-Communication 2.1.3 since/until
    [first] = _store(xapi, statement())
    time.sleep(0.01)
    [second] = _store(xapi, statement())
    first_stored = xapi.get_statements(statementId=first).get_json()["stored"]
    assert _ids(xapi.get_statements(since=first_stored)) == [second]
    assert _ids(xapi.get_statements(until=first_stored)) == [first]


def test_limit_and_more_pages_through_everything_once(xapi):  # xAPI-Data 2.5, xAPI-Communication 2.1.3
    stored = _store(xapi, *[statement() for _ in range(7)])
    seen = []
    response = xapi.get_statements(limit="3", ascending="true")
    while True:
        body = response.get_json()
        seen.extend(s["id"] for s in body["statements"])
        if not body["more"]:
            break
        assert len(body["statements"]) == 3
        response = xapi.request("GET", body["more"])
    assert seen == stored


def test_more_pages_do_not_repeat_or_skip_when_statements_arrive(xapi):  # xAPI-Data 2.5.s3
    older = _store(xapi, *[statement() for _ in range(4)])
    first_page = xapi.get_statements(limit="2").get_json()
    _store(xapi, statement())  # stored meanwhile: newer than the first page, so not on later pages
    second_page = xapi.request("GET", first_page["more"]).get_json()
    seen = [s["id"] for s in first_page["statements"] + second_page["statements"]]
    assert seen == list(reversed(older))


def test_more_cursor_cannot_be_forged(xapi):  # a cursor is signed, so a client cannot widen its query (no spec rule)
    _store(xapi, statement(), statement())
    more = xapi.get_statements(limit="1").get_json()["more"]
    rejected(xapi.request("GET", more[:-3] + "abc"), "more")


def test_limit_zero_means_the_server_maximum(xapi, settings):  # xAPI-Communication 2.1.3 limit
    _store(xapi, *[statement() for _ in range(settings.statement_page_max + 1)])
    body = xapi.get_statements(limit="0").get_json()
    assert len(body["statements"]) == settings.statement_page_max and body["more"]


def test_ids_format_keeps_only_identifiers(xapi):  # xAPI-Communication 2.1.3 format=ids
    [statement_id] = _store(xapi, statement())
    returned = xapi.get_statements(statementId=statement_id, format="ids").get_json()
    assert returned["actor"] == {"objectType": "Agent", "mbox": "mailto:ada@example.com"}
    assert returned["verb"] == {"id": "http://adlnet.gov/expapi/verbs/experienced"}
    assert returned["object"] == {"id": "http://example.com/activities/intro"}  # objectType is optional


def test_ids_format_lists_anonymous_group_members(xapi):  # xAPI-Communication 2.1.3 format=ids
    group = {"objectType": "Group", "name": "pair", "member": [agent("kim"), agent("lee")]}
    [statement_id] = _store(xapi, statement(actor=group))
    actor = xapi.get_statements(statementId=statement_id, format="ids").get_json()["actor"]
    assert actor == {"objectType": "Group", "member": [
        {"objectType": "Agent", "mbox": "mailto:kim@example.com"},
        {"objectType": "Agent", "mbox": "mailto:lee@example.com"}]}


def test_canonical_format_returns_one_language_chosen_by_accept_language(xapi):  # xAPI-Communication 2.1.3.s4
    given = statement()
    given["verb"]["display"] = {"en-US": "experienced", "de-DE": "erlebt"}
    given["object"]["definition"] = {"name": {"en-US": "Intro", "de-DE": "Einführung"}}
    [statement_id] = _store(xapi, given)
    returned = xapi.get_statements(statementId=statement_id, format="canonical",
                                   headers={"Accept-Language": "de;q=0.9, fr;q=1"}).get_json()
    assert returned["verb"]["display"] == {"de-DE": "erlebt"}
    assert returned["object"]["definition"]["name"] == {"de-DE": "Einführung"}


def test_canonical_format_uses_the_latest_definition(xapi):  # xAPI-Communication 2.1.3 format=canonical
    first = statement()
    first["object"]["definition"] = {"name": {"en-US": "Old name"}}
    [statement_id] = _store(xapi, first)
    later = statement()
    later["object"]["definition"] = {"name": {"en-US": "New name"}, "type": "http://example.com/types/t"}
    _store(xapi, later)
    returned = xapi.get_statements(statementId=statement_id, format="canonical").get_json()
    assert returned["object"]["definition"] == {"name": {"en-US": "New name"},
                                                "type": "http://example.com/types/t"}
    exact = xapi.get_statements(statementId=statement_id).get_json()
    assert exact["object"]["definition"] == {"name": {"en-US": "Old name"}}


def test_head_returns_headers_without_body(xapi):  # xAPI-Communication 1.1.s3.b1; xAPI-Communication 1.1.s3.b1.b1
    [statement_id] = _store(xapi, statement())
    response = xapi.request("HEAD", "/xapi/statements", query_string={"statementId": statement_id})
    assert response.status_code == 200 and response.data == b""
    assert "X-Experience-API-Consistent-Through" in response.headers


def test_attachments_true_answers_multipart_with_the_statements_first(xapi):  # xAPI-Communication 2.1.3.s2.b6
    from lrs.xapi.attachments import split_multipart
    [statement_id] = _store(xapi, statement())
    for parameters in ({"statementId": statement_id, "attachments": "true"}, {"attachments": "true"}):
        response = xapi.get_statements(**parameters)
        assert response.status_code == 200
        assert response.mimetype == "multipart/mixed"
        parts = split_multipart(response.data, response.headers["Content-Type"])
        assert parts[0][0]["content-type"] == "application/json"
        assert statement_id in parts[0][1].decode()


def test_attachments_false_answers_json(xapi):  # xAPI-Communication 2.1.3.s2.b7
    assert xapi.get_statements(attachments="false").mimetype == "application/json"
