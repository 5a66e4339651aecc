"""Storing statements: PUT and POST (xAPI-Communication 2.1.1, 2.1.2; xAPI-Data 2.4)."""
from __future__ import annotations

import uuid

from tests.conftest import rejected
from tests.factories import agent, new_id, statement


def _get(xapi, statement_id):
    return xapi.get_statements(statementId=statement_id)


def test_post_single_statement_returns_its_id_in_an_array(xapi):  # xAPI-Communication 2.1.2
    response = xapi.post_statements(statement())
    assert response.status_code == 200
    ids = response.get_json()
    assert len(ids) == 1 and uuid.UUID(ids[0])


def test_post_batch_returns_ids_in_order(xapi):  # xAPI-Communication 2.1.2.s1; xAPI-Communication 1.5.1.s1.b1
    given = [new_id(), None, new_id()]
    batch = [statement(statement_id=i) if i else statement() for i in given]
    ids = xapi.post_statements(batch).get_json()
    assert ids[0] == given[0] and ids[2] == given[2] and uuid.UUID(ids[1])


def test_put_statement_returns_204_and_stores_it(xapi):  # xAPI-Communication 2.1.1
    statement_id = new_id()
    response = xapi.put_statement(statement_id, statement())
    assert response.status_code == 204
    assert _get(xapi, statement_id).get_json()["id"] == statement_id


def test_put_without_statement_id_is_rejected(xapi):  # xAPI-Communication 2.1.1 (statementId required)
    response = xapi.request("PUT", "/xapi/statements", json=statement())
    assert response.status_code == 400
    assert response.get_json()["path"] == "statementId"


def test_put_with_id_differing_from_parameter_is_rejected(xapi):
    # The LRS enforces the provider's rule (Communication 2.1.1.s3.b3: the id MUST match statementId)
    response = xapi.put_statement(new_id(), statement(statement_id=new_id()))
    assert response.status_code == 400
    assert response.get_json()["path"] == "id"


def test_put_statement_with_conflicting_id_returns_409(xapi):  # xAPI-Communication 2.1.1.s2.b3
    statement_id = new_id()
    assert xapi.put_statement(statement_id, statement()).status_code == 204
    different = statement(verb="http://adlnet.gov/expapi/verbs/failed")
    assert statement_id in rejected(xapi.put_statement(statement_id, different), "id", 409)["message"]
    stored = _get(xapi, statement_id).get_json()
    assert stored["verb"]["id"] == "http://adlnet.gov/expapi/verbs/experienced"


def test_put_same_statement_again_is_accepted_and_changes_nothing(xapi):  # xAPI-Communication 2.1.1.s2.b2
    statement_id = new_id()
    xapi.put_statement(statement_id, statement())
    first = _get(xapi, statement_id).get_json()
    # A different display and serialisation of the timestamp are not differences (xAPI-Data 2.3.1).
    again = statement()
    again["verb"]["display"] = {"fr": "vécu"}
    assert xapi.put_statement(statement_id, again).status_code == 204
    assert _get(xapi, statement_id).get_json() == first


def test_post_existing_id_with_different_content_returns_409(xapi):  # xAPI-Communication 2.1.2.s2.b5
    statement_id = new_id()
    xapi.post_statements(statement(statement_id=statement_id))
    response = xapi.post_statements(statement(statement_id=statement_id, actor=agent("bob")))
    assert statement_id in rejected(response, "id", 409)["message"]


def test_batch_with_duplicate_ids_is_rejected(xapi):  # xAPI-Communication 2.1.2.s2.b6
    statement_id = new_id()
    response = xapi.post_statements([statement(statement_id=statement_id),
                                     statement(statement_id=statement_id)])
    assert response.status_code == 400
    assert _get(xapi, statement_id).status_code == 404


def test_batch_is_all_or_nothing(xapi):  # xAPI-Communication 2.1.2: one invalid statement, none stored; xAPI-Communication 3.2.s3.b9
    good_id = new_id()
    bad = statement()
    bad["actor"] = {"mbox": "not-a-mailto"}
    response = xapi.post_statements([statement(statement_id=good_id), bad])
    assert response.status_code == 400
    assert response.get_json()["path"].startswith("[1].actor")
    assert _get(xapi, good_id).status_code == 404


def test_lrs_sets_stored_authority_and_version(xapi, store_credential):  # xAPI-Data 2.4.8-2.4.10; xAPI-Data 2.4.8.s3.b2, 2.4.9.s3.b3
    statement_id = xapi.post_statements(statement()).get_json()[0]
    stored = _get(xapi, statement_id).get_json()
    assert stored["version"] == "1.0.0"
    assert stored["stored"].endswith("Z")
    assert stored["authority"]["account"]["name"] == store_credential.key
    assert stored["authority"]["objectType"] == "Agent"


def test_client_supplied_authority_is_replaced_by_the_credential(xapi, store_credential):  # xAPI-Data 2.4.9; xAPI-Data 2.4.9.s3.b2
    given = statement(authority={"objectType": "Agent", "mbox": "mailto:mallory@example.com"})
    statement_id = xapi.post_statements(given).get_json()[0]
    assert _get(xapi, statement_id).get_json()["authority"]["account"]["name"] == store_credential.key


def test_statement_version_is_retained(xapi):  # xAPI-Data 2.4.10.s3.b3
    statement_id = xapi.post_statements(statement(version="1.0.3")).get_json()[0]
    assert _get(xapi, statement_id).get_json()["version"] == "1.0.3"


def test_single_context_activity_is_returned_as_an_array(xapi):  # xAPI-Data 2.4.6.2; xAPI-Data 2.4.6.2.s4.b3, b4
    given = statement(context={"contextActivities": {"parent": {"id": "http://example.com/course"}}})
    statement_id = xapi.post_statements(given).get_json()[0]
    parent = _get(xapi, statement_id).get_json()["context"]["contextActivities"]["parent"]
    assert parent == [{"id": "http://example.com/course"}]


def test_exact_format_returns_the_statement_as_sent(xapi):  # xAPI-Communication 2.1.3 format=exact; xAPI-Data 2.2.s2.b5, 2.4.3.s6.b1
    given = statement(statement_id=new_id(), timestamp="2025-01-02T03:04:05.678Z",
                      result={"score": {"scaled": 0.5}, "extensions": {"http://example.com/x": [1, {"a": None}]}})
    xapi.post_statements(given)
    returned = _get(xapi, given["id"]).get_json()
    for key in ("actor", "verb", "object", "timestamp", "result"):
        assert returned[key] == given[key]


def test_a_timestamp_with_an_offset_is_returned_as_the_same_instant_in_utc(xapi):  # xAPI-Data 4.5.s1.b5, b6
    given = statement(statement_id=new_id(), timestamp="2025-01-02T03:04:05.678+02:00")
    xapi.post_statements(given)
    assert _get(xapi, given["id"]).get_json()["timestamp"] == "2025-01-02T01:04:05.678Z"


def test_post_with_wrong_content_type_is_rejected(xapi):  # xAPI-Communication 1.5.1
    response = xapi.request("POST", "/xapi/statements", data=b"{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.get_json()["path"] == "Content-Type"


def test_malformed_json_is_a_400_with_a_json_body(xapi):  # xAPI-Communication 1.5.1
    response = xapi.request("POST", "/xapi/statements", data=b'{"actor": ',
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["message"]


def test_empty_batch_is_rejected(xapi):  # xAPI-Communication 2.1.2
    assert xapi.post_statements([]).status_code == 400


def test_post_with_query_parameters_is_rejected(xapi):  # xAPI-Communication 2.1.2
    response = xapi.request("POST", "/xapi/statements", query_string={"foo": "bar"}, json=statement())
    assert response.status_code == 400


def test_uppercase_statement_id_is_stored_lowercase(xapi):  # xAPI-Data 2.4.1: UUIDs compare case-insensitively
    statement_id = new_id()
    xapi.post_statements(statement(statement_id=statement_id.upper()))
    assert _get(xapi, statement_id).get_json()["id"] == statement_id


def test_statement_without_timestamp_gets_its_stored_time(xapi):  # xAPI-Data 2.4.7.s3.b2
    statement_id = xapi.post_statements(statement()).get_json()[0]
    stored = _get(xapi, statement_id).get_json()
    assert stored["timestamp"] == stored["stored"]


def test_resending_a_statement_without_timestamp_is_not_a_conflict(xapi):  # xAPI-Data 2.3.1.b1
    statement_id = new_id()
    assert xapi.put_statement(statement_id, statement()).status_code == 204
    assert xapi.put_statement(statement_id, statement()).status_code == 204
