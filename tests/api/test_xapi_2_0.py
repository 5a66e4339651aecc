"""What a 2.0.0 request gets that a 1.0.3 one may not (IEEE 9274.1.1; conformance/requirements/xapi-2.0-deltas.json).

The 2.0 text is not in ../shared/specs; the ids below are rows of the 2.0 change log against 1.0.3
(sN, xN) or the 2.0 section numbers ADL's v2_0 suite files use, as docs/xapi-2.0-differences.md lists.
"""
from __future__ import annotations

import json
import time
from email.utils import parsedate_to_datetime

import pytest

from lrs.xapi.timestamps import parse_timestamp_ms
from tests.conftest import XapiClient, rejected
from tests.factories import new_id, statement

V2 = "2.0.0"


@pytest.fixture
def xapi2(app, store_credential) -> XapiClient:
    return XapiClient(app.test_client(), store_credential.key, store_credential.secret, V2)


def _store_and_get(xapi2, sent: dict) -> dict:
    response = xapi2.post_statements(sent)
    assert response.status_code == 200, response.get_json()
    return xapi2.get_statements(statementId=response.get_json()[0]).get_json()


def test_every_response_carries_the_2_0_0_version_header(xapi2):  # xAPI-2.0 4.1.5-version-header
    assert xapi2.get_statements().headers["X-Experience-API-Version"] == V2
    assert xapi2.request("GET", "/xapi/activities", query_string={"activityId": "x"}).headers[
        "X-Experience-API-Version"] == V2  # errors too


def test_about_lists_1_0_3_and_2_0_0(app):  # xAPI-2.0 4.1.6.7-about; xAPI-Communication 2.8.s5.b1
    versions = app.test_client().get("/xapi/about").get_json()["version"]
    assert {"1.0.0", "1.0.3", "2.0.0"} <= set(versions)


def test_statement_version_2_0_0_is_kept(xapi2):  # xAPI-2.0 4.2.4.3-version
    assert _store_and_get(xapi2, statement(version="2.0.0"))["version"] == "2.0.0"


def test_a_statement_without_version_gets_2_0_0(xapi2):  # xAPI-2.0 g4 (version update to 2.0.0)
    assert _store_and_get(xapi2, statement())["version"] == "2.0.0"


def test_a_2_0_statement_stays_readable_by_a_1_0_3_client(app, store_credential, xapi2):
    # xAPI-Communication 3.3.s5.b1: statements are not converted to a prior version's format
    sent = statement(context={"contextAgents": [{"objectType": "contextAgent",
                                                 "agent": {"mbox": "mailto:coach@example.com"}}]})
    statement_id = xapi2.post_statements(sent).get_json()[0]
    old_client = XapiClient(app.test_client(), store_credential.key, store_credential.secret, "1.0.3")
    read = old_client.get_statements(statementId=statement_id).get_json()
    assert read["context"]["contextAgents"] == sent["context"]["contextAgents"]


def test_context_agents_are_rejected_from_a_1_0_3_client(xapi):  # xAPI-Data 2.2.s4.b1.b7 (1.0.3 knows no such key)
    sent = statement(context={"contextAgents": [{"objectType": "contextAgent",
                                                 "agent": {"mbox": "mailto:coach@example.com"}}]})
    rejected(xapi.post_statements(sent), "context.contextAgents")


def test_non_utc_timestamps_come_back_as_the_same_instant_in_utc(xapi2):  # xAPI-2.0 s22; xAPI-Data 4.5.s1.b6
    stored = _store_and_get(xapi2, statement(timestamp="2023-05-04T12:00:00.250-05:00"))
    assert stored["timestamp"] == "2023-05-04T17:00:00.250Z"


def test_timestamp_defaults_to_stored(xapi2):  # xAPI-2.0 s11; xAPI-Data 2.4.7.s3.b2
    stored = _store_and_get(xapi2, statement())
    assert stored["timestamp"] == stored["stored"]


def test_future_timestamps_are_not_rejected(xapi2):  # xAPI-2.0 s12
    future = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 5 * 365 * 86400))
    assert _store_and_get(xapi2, statement(timestamp=future))["timestamp"] == future


def test_single_statement_last_modified_is_stored_truncated_to_the_second(xapi2):  # xAPI-2.0 4.1.6.1-last-modified
    statement_id = xapi2.post_statements(statement()).get_json()[0]
    response = xapi2.get_statements(statementId=statement_id)
    stored_ms = parse_timestamp_ms(response.get_json()["stored"], parameter="stored")
    last_modified = parsedate_to_datetime(response.headers["Last-Modified"]).timestamp()
    assert int(last_modified) == stored_ms // 1000


def test_durations_keep_their_precision_or_are_cut_never_rounded(xapi2):  # xAPI-2.0 s24
    stored = _store_and_get(xapi2, statement(result={"duration": "P1DT12H36M0.12567S"}))
    assert stored["result"]["duration"] in ("P1DT12H36M0.12567S", "P1DT12H36M0.12S")


def test_a_retried_statement_differing_only_in_duration_precision_is_the_same(xapi2):  # xAPI-2.0 s25
    statement_id = new_id()
    assert xapi2.put_statement(statement_id, statement(result={"duration": "PT1.2345S"})).status_code == 204
    again = xapi2.put_statement(statement_id, statement(result={"duration": "PT1.239S"}))
    assert again.status_code == 204  # same statement: 1.23 s either way (xAPI-Communication 2.1.1.s2.b3)
    differs = xapi2.put_statement(statement_id, statement(result={"duration": "PT1.24S"}))
    rejected(differs, "id", 409)


def test_ids_format_reduces_the_verb_to_its_id(xapi2):  # xAPI-2.0 s5-s8 (format=ids)
    statement_id = xapi2.post_statements(statement()).get_json()[0]
    returned = xapi2.get_statements(statementId=statement_id, format="ids").get_json()
    assert returned["verb"] == {"id": "http://adlnet.gov/expapi/verbs/experienced"}
    assert returned["object"] == {"id": "http://example.com/activities/intro"}


def test_unknown_activity_is_still_an_activity_object(xapi2):  # xAPI-2.0 4.1.6.4-unknown-activity
    response = xapi2.request("GET", "/xapi/activities", query_string={"activityId": "http://example.com/new"})
    assert response.status_code == 200
    assert response.get_json() == {"objectType": "Activity", "id": "http://example.com/new"}


def test_additional_properties_are_rejected(xapi2):  # xAPI-2.0 s1-s3
    assert xapi2.post_statements(statement(dummy="dummy")).status_code == 400


def test_alternate_request_syntax_is_gone(xapi2):  # xAPI-2.0 4.1.3-alternate-syntax-removed
    response = xapi2.request("POST", "/xapi/statements", query_string={"method": "GET"},
                             data={"limit": "1"}, content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


def test_state_put_without_preconditions_on_an_existing_document_is_409(xapi2):  # xAPI-2.0 4.1.4-state-concurrency
    query = {"activityId": "http://example.com/a", "agent": json.dumps({"mbox": "mailto:a@example.com"}),
             "stateId": "s"}
    assert xapi2.request("PUT", "/xapi/activities/state", query_string=query, json={"v": 1}).status_code == 204
    rejected(xapi2.request("PUT", "/xapi/activities/state", query_string=query, json={"v": 2}), "If-Match", 409)


def test_documents_carry_last_modified(xapi2):  # xAPI-2.0 4.1.6.2-document-last-modified
    query = {"activityId": "http://example.com/a", "profileId": "p"}
    xapi2.request("PUT", "/xapi/activities/profile", query_string=query, json={"v": 1},
                  headers={"If-None-Match": "*"})
    response = xapi2.request("GET", "/xapi/activities/profile", query_string=query)
    assert abs(parsedate_to_datetime(response.headers["Last-Modified"]).timestamp() - time.time()) < 5
