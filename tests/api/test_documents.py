"""Document Resources: State (xAPI-Communication 2.3), Agent Profile (2.6), Activity Profile (2.7),
their shared rules (2.2) and concurrency (3.1)."""
from __future__ import annotations

import collections
import hashlib
import json
import time
import uuid
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import XapiClient, rejected
from tests.factories import issue_credential

FUZZ_SETTINGS = settings(max_examples=150, deadline=None,
                         suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ACTIVITY = "http://example.com/activities/course-1"
AGENT = {"objectType": "Agent", "mbox": "mailto:ada@example.com"}
STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
CREATE = {"If-None-Match": "*"}


def state_query(state_id: str | None = "bookmark", **extra) -> dict:
    query = {"activityId": ACTIVITY, "agent": json.dumps(AGENT), **extra}
    if state_id is not None:
        query["stateId"] = state_id
    return query


def activity_profile_query(profile_id: str | None = "settings", **extra) -> dict:
    query = {"activityId": ACTIVITY, **extra}
    if profile_id is not None:
        query["profileId"] = profile_id
    return query


def agent_profile_query(profile_id: str | None = "preferences", agent: dict = AGENT, **extra) -> dict:
    query = {"agent": json.dumps(agent), **extra}
    if profile_id is not None:
        query["profileId"] = profile_id
    return query


RESOURCES = [(STATE, state_query), (ACTIVITY_PROFILE, activity_profile_query),
             (AGENT_PROFILE, agent_profile_query)]
PROFILES = RESOURCES[1:]


def put_json(xapi: XapiClient, path: str, query: dict, document, headers: dict | None = None):
    return xapi.request("PUT", path, query_string=query, data=json.dumps(document),
                        headers={"Content-Type": "application/json", **(headers or {})})


def post_json(xapi: XapiClient, path: str, query: dict, document, headers: dict | None = None):
    return xapi.request("POST", path, query_string=query, data=json.dumps(document),
                        headers={"Content-Type": "application/json", **(headers or {})})


def etag(xapi: XapiClient, path: str, query: dict) -> str:
    return xapi.request("GET", path, query_string=query).headers["ETag"]


# --- single documents --------------------------------------------------------------------------

@pytest.mark.parametrize("path,query", RESOURCES)
def test_put_then_get_returns_the_document_its_content_type_and_a_quoted_sha1_etag(xapi, path, query):
    # xAPI-Communication 2.3.s3, 2.6.s3, 2.7.s3; 3.1.s4.b1, 3.1.s4.b2, 3.1.s4.b4
    content = bytes(range(256)) * 4
    put = xapi.request("PUT", path, query_string=query(), data=content, headers={
        "Content-Type": "application/x-custom-binary", **CREATE})
    assert put.status_code == 204
    got = xapi.request("GET", path, query_string=query())
    assert got.status_code == 200
    assert got.data == content
    assert got.headers["Content-Type"] == "application/x-custom-binary"
    assert got.headers["ETag"] == '"' + hashlib.sha1(content).hexdigest() + '"'


@pytest.mark.parametrize("path,query", RESOURCES)
def test_get_returns_last_modified_that_moves_forward(xapi, path, query):
    # xAPI-Communication 2.2.s6.b1 (a SHOULD* in 1.0.3, required by 2.0)
    before = time.time()
    assert put_json(xapi, path, query(), {"x": 1}, CREATE).status_code == 204
    first = parsedate_to_datetime(xapi.request("GET", path, query_string=query()).headers["Last-Modified"])
    assert before - 1 <= first.timestamp() <= time.time()
    time.sleep(1.1)
    assert post_json(xapi, path, query(), {"y": 2}).status_code == 204
    second = parsedate_to_datetime(xapi.request("GET", path, query_string=query()).headers["Last-Modified"])
    assert second > first


@pytest.mark.parametrize("path,query", RESOURCES)
def test_missing_document_is_404(xapi, path, query):  # xAPI-Communication 2.2
    assert xapi.request("GET", path, query_string=query("never-stored")).status_code == 404


@pytest.mark.parametrize("path,query", RESOURCES)
def test_head_answers_like_get_without_a_body(xapi, path, query):  # xAPI-Communication 1.1.s3.b1; xAPI-Communication 1.1.s3.b1.b1
    put_json(xapi, path, query(), {"x": 1}, CREATE)
    head = xapi.request("HEAD", path, query_string=query())
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == etag(xapi, path, query())


@pytest.mark.parametrize("path,query", RESOURCES)
def test_delete_removes_the_document(xapi, path, query):  # xAPI-Communication 2.3.s3, 2.6.s3, 2.7.s3
    put_json(xapi, path, query(), {"x": 1}, CREATE)
    assert xapi.request("DELETE", path, query_string=query()).status_code == 204
    assert xapi.request("GET", path, query_string=query()).status_code == 404
    # Deleting what is not there is still a success.
    assert xapi.request("DELETE", path, query_string=query()).status_code == 204


def test_documents_of_unknown_activities_and_agents_are_accepted(xapi):  # xAPI-Communication 2.2.s4.b2
    query = {"activityId": f"http://example.com/never-seen/{uuid.uuid4()}",
             "agent": json.dumps({"account": {"homePage": "http://example.com", "name": str(uuid.uuid4())}}),
             "stateId": "s"}
    assert put_json(xapi, STATE, query, {"x": 1}).status_code == 204


def test_agent_is_matched_by_its_identifier_not_its_other_properties(xapi):  # xAPI-Data 2.4.2.3
    put_json(xapi, STATE, state_query(), {"x": 1})
    named = {**AGENT, "name": "Ada Lovelace"}
    query = {**state_query(), "agent": json.dumps(named)}
    assert xapi.request("GET", STATE, query_string=query).get_json() == {"x": 1}


def test_state_registration_keeps_documents_apart(xapi):  # xAPI-Communication 2.3.s3.table1.row3
    registration = str(uuid.uuid4())
    put_json(xapi, STATE, state_query(), {"where": "none"})
    put_json(xapi, STATE, state_query(registration=registration), {"where": "registered"})
    assert xapi.request("GET", STATE, query_string=state_query()).get_json() == {"where": "none"}
    assert xapi.request("GET", STATE, query_string=state_query(registration=registration)).get_json() == {
        "where": "registered"}


# --- JSON merge --------------------------------------------------------------------------------

@pytest.mark.parametrize("path,query", RESOURCES)
def test_post_merges_top_level_properties_of_json_objects(xapi, path, query):
    # xAPI-Communication 2.2.s7.b1-b3, 2.2.s8.b2
    put_json(xapi, path, query(), {"x": "foo", "y": "bar", "nested": {"a": 1, "b": 2}}, CREATE)
    response = post_json(xapi, path, query(), {"x": "bash", "z": "faz", "nested": {"c": 3}})
    assert response.status_code == 204
    assert xapi.request("GET", path, query_string=query()).get_json() == {
        "x": "bash", "y": "bar", "z": "faz", "nested": {"c": 3}}


@pytest.mark.parametrize("path,query", RESOURCES)
def test_post_to_a_missing_document_stores_it(xapi, path, query):  # xAPI-Communication 2.2.s7
    assert post_json(xapi, path, query(), {"first": True}).status_code == 204
    assert xapi.request("GET", path, query_string=query()).get_json() == {"first": True}


@pytest.mark.parametrize("path,query", RESOURCES)
@pytest.mark.parametrize("stored_type,stored,posted_type,posted", [
    ("text/plain", b"plain words", "application/json", b'{"x": 1}'),
    ("application/json", b'{"x": 1}', "text/plain", b"plain words"),
    ("application/json", b'{"x": 1}', "application/json", b"[1, 2]"),
    ("application/json", b'{"x": 1}', "application/json", b"{not json"),
    ("application/json", b"[1, 2]", "application/json", b'{"x": 1}'),
])
def test_post_that_cannot_merge_is_400_and_changes_nothing(xapi, path, query, stored_type, stored,
                                                           posted_type, posted):
    # xAPI-Communication 2.2.s8.b1
    xapi.request("PUT", path, query_string=query(), data=stored, headers={"Content-Type": stored_type, **CREATE})
    response = xapi.request("POST", path, query_string=query(), data=posted, headers={"Content-Type": posted_type})
    assert response.status_code == 400
    assert response.get_json()["section"].startswith("xAPI-Communication 2.2.s8.b1")
    got = xapi.request("GET", path, query_string=query())
    assert got.data == stored and got.headers["Content-Type"] == stored_type


def test_put_of_malformed_json_is_400(xapi):  # xAPI-Communication 1.5.1
    response = xapi.request("PUT", STATE, query_string=state_query(), data=b"{nope",
                            headers={"Content-Type": "application/json"})
    assert "JSON" in rejected(response, "content")["message"]
    assert xapi.request("GET", STATE, query_string=state_query()).status_code == 404


# --- multiple documents ------------------------------------------------------------------------

@pytest.mark.parametrize("path,query", RESOURCES)
def test_get_without_id_lists_ids_and_since_is_exclusive(xapi, path, query):
    # xAPI-Communication 2.3.s4, 2.6.s4, 2.7.s4
    post_json(xapi, path, query("old"), {"n": 1})
    time.sleep(0.05)
    cut = time.time()
    time.sleep(0.05)
    post_json(xapi, path, query("new"), {"n": 2})
    listed = xapi.request("GET", path, query_string=query(None))
    assert listed.status_code == 200
    assert sorted(listed.get_json()) == ["new", "old"]
    assert listed.headers["ETag"].startswith('"') and "Last-Modified" in listed.headers  # 2.2.s6.b2
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(cut)) + f".{int(cut * 1000) % 1000:03d}Z"
    assert xapi.request("GET", path, query_string=query(None, since=since)).get_json() == ["new"]


@pytest.mark.parametrize("path,query", RESOURCES)
def test_listing_nothing_is_an_empty_array(xapi, path, query):  # xAPI-Communication 2.3.s4
    response = xapi.request("GET", path, query_string=query(None))
    assert response.status_code == 200 and response.get_json() == []


@pytest.mark.parametrize("path,query", RESOURCES)
def test_since_must_be_a_timestamp(xapi, path, query):  # xAPI-Communication 2.3.s4.table1.row4
    rejected(xapi.request("GET", path, query_string=query(None, since="yesterday")), "since")


def test_state_list_without_registration_covers_every_registration(xapi):  # xAPI-Communication 2.3.s4
    registration = str(uuid.uuid4())
    put_json(xapi, STATE, state_query("plain"), {})
    put_json(xapi, STATE, state_query("registered", registration=registration), {})
    assert sorted(xapi.request("GET", STATE, query_string=state_query(None)).get_json()) == ["plain", "registered"]
    only = xapi.request("GET", STATE, query_string=state_query(None, registration=registration)).get_json()
    assert only == ["registered"]


def test_state_delete_without_state_id_deletes_that_context(xapi):  # xAPI-Communication 2.3.s5
    registration = str(uuid.uuid4())
    other_activity = {**state_query("kept"), "activityId": "http://example.com/activities/other"}
    put_json(xapi, STATE, state_query("a"), {})
    put_json(xapi, STATE, state_query("b", registration=registration), {})
    put_json(xapi, STATE, other_activity, {})
    assert xapi.request("DELETE", STATE, query_string=state_query(None, registration=registration)).status_code == 204
    assert xapi.request("GET", STATE, query_string=state_query(None)).get_json() == ["a"]
    assert xapi.request("DELETE", STATE, query_string=state_query(None)).status_code == 204
    assert xapi.request("GET", STATE, query_string=state_query(None)).get_json() == []
    assert xapi.request("GET", STATE, query_string=other_activity).status_code == 200


@pytest.mark.parametrize("path,query", PROFILES)
def test_profile_delete_needs_a_profile_id(xapi, path, query):  # xAPI-Communication 2.6.s3, 2.7.s3
    rejected(xapi.request("DELETE", path, query_string=query(None)), "profileId")


# --- parameters --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize("missing", ["activityId", "agent"])
def test_state_requires_activity_and_agent(xapi, method, missing):  # xAPI-Communication 2.3.s3.table1
    query = state_query()
    del query[missing]
    rejected(xapi.request(method, STATE, query_string=query, json={}), missing)


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_writes_require_a_document_id(xapi, method):  # xAPI-Communication 2.3.s3.table1.row4, 2.6.s3, 2.7.s3
    rejected(xapi.request(method, STATE, query_string=state_query(None), json={}), "stateId")
    rejected(xapi.request(method, ACTIVITY_PROFILE, query_string=activity_profile_query(None), json={},
                          headers=CREATE), "profileId")
    rejected(xapi.request(method, AGENT_PROFILE, query_string=agent_profile_query(None), json={},
                          headers=CREATE), "profileId")


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize("parameter,value", [
    ("agent", "not json"), ("agent", '{"name": "no identifier"}'),
    ("agent", '{"mbox": "ada@example.com"}'), ("registration", "not-a-uuid"),
    ("activityId", "not an iri"), ("unknown", "x"),
])
def test_malformed_state_parameters_are_400(xapi, method, parameter, value):  # xAPI-Communication 2.3.s3.table1
    response = xapi.request(method, STATE, query_string={**state_query(), parameter: value}, json={})
    assert response.status_code == 400
    assert response.get_json()["path"].split(".")[0] == parameter


def test_agent_profile_rejects_a_group(xapi):  # xAPI-Communication 2.6.s3 (note: an Agent, not a Group)
    group = {"objectType": "Group", "mbox": "mailto:team@example.com"}
    response = put_json(xapi, AGENT_PROFILE, agent_profile_query(agent=group), {}, CREATE)
    assert "Agent" in rejected(response, "agent.objectType")["message"]


# --- concurrency -------------------------------------------------------------------------------

@pytest.mark.parametrize("path,query", RESOURCES)
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_stale_if_match_is_412_and_changes_nothing(xapi, path, query, method):
    # xAPI-Communication 3.1.s4.b5, b7, b9-b12
    put_json(xapi, path, query(), {"v": 1}, CREATE)
    response = xapi.request(method, path, query_string=query(), data=json.dumps({"v": 2}),
                            headers={"Content-Type": "application/json", "If-Match": '"' + "0" * 40 + '"'})
    assert response.status_code == 412
    assert xapi.request("GET", path, query_string=query()).get_json() == {"v": 1}


@pytest.mark.parametrize("path,query", RESOURCES)
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_current_if_match_lets_the_change_through(xapi, path, query, method):  # xAPI-Communication 3.1.s4.b5, b7
    put_json(xapi, path, query(), {"v": 1}, CREATE)
    response = xapi.request(method, path, query_string=query(), data=json.dumps({"w": 2}),
                            headers={"Content-Type": "application/json", "If-Match": etag(xapi, path, query())})
    assert response.status_code == 204
    after = xapi.request("GET", path, query_string=query())
    expected = {"PUT": {"w": 2}, "POST": {"v": 1, "w": 2}, "DELETE": None}[method]
    assert (after.get_json() if after.status_code == 200 else None) == expected


@pytest.mark.parametrize("path,query", RESOURCES)
def test_if_match_on_a_missing_document_is_412(xapi, path, query):  # RFC 7232 3.1 via xAPI-Communication 3.1.s4.b5
    response = put_json(xapi, path, query(), {"v": 1}, {"If-Match": '"' + "0" * 40 + '"'})
    assert response.status_code == 412
    assert xapi.request("GET", path, query_string=query()).status_code == 404


@pytest.mark.parametrize("path,query", RESOURCES)
def test_if_none_match_star_on_an_existing_document_is_412(xapi, path, query):  # xAPI-Communication 3.1.s4.b6
    put_json(xapi, path, query(), {"v": 1}, CREATE)
    assert put_json(xapi, path, query(), {"v": 2}, CREATE).status_code == 412
    assert xapi.request("GET", path, query_string=query()).get_json() == {"v": 1}


@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
@pytest.mark.parametrize("path,query", PROFILES)
def test_profile_put_without_preconditions_on_an_existing_document_is_409(app, store_credential, version,
                                                                         path, query):
    # xAPI-Communication 3.1.s4.b13-b15, 3.1.s4.b14.b1, 3.1.s4.b14.b2 (what the message tells the client)
    xapi = XapiClient(app.test_client(), store_credential.key, store_credential.secret, version)
    put_json(xapi, path, query(), {"v": 1}, CREATE)
    response = put_json(xapi, path, query(), {"v": 2})
    assert response.status_code == 409
    message = rejected(response, "If-Match", 409)["message"]
    assert "current state" in message and "If-Match" in message and "ETag" in message
    assert xapi.request("GET", path, query_string=query()).get_json() == {"v": 1}


@pytest.mark.parametrize("path,query", PROFILES)
def test_profile_put_without_preconditions_for_a_new_document_is_400(xapi, path, query):
    # The LRS enforces a client's rule (Communication 3.1.s3.b1, If-Match or If-None-Match); no LRS MUST asks it
    assert "If-Match" in rejected(put_json(xapi, path, query(), {"v": 1}), "If-None-Match")["message"]
    assert xapi.request("GET", path, query_string=query()).status_code == 404


def test_state_put_without_preconditions_overwrites_in_1_0_3(xapi):  # xAPI-Communication 3.1.s3
    assert put_json(xapi, STATE, state_query(), {"v": 1}).status_code == 204
    assert put_json(xapi, STATE, state_query(), {"v": 2}).status_code == 204
    assert xapi.request("GET", STATE, query_string=state_query()).get_json() == {"v": 2}


def test_state_put_without_preconditions_on_an_existing_document_is_409_in_2_0(app, store_credential):
    # xAPI 2.0 4.1.4 Concurrency covers the State Resource (ADL v2_0/4.1.4-Concurrency.js)
    xapi = XapiClient(app.test_client(), store_credential.key, store_credential.secret, "2.0.0")
    assert put_json(xapi, STATE, state_query(), {"v": 1}).status_code == 204  # a new document needs none
    assert "If-Match" in rejected(put_json(xapi, STATE, state_query(), {"v": 2}), "If-Match", 409)["message"]
    assert post_json(xapi, STATE, state_query(), {"w": 3}).status_code == 204  # POST merges without
    assert xapi.request("GET", STATE, query_string=state_query()).get_json() == {"v": 1, "w": 3}


def test_documents_of_one_store_are_invisible_to_another(app, xapi):  # isolation of stores
    put_json(xapi, STATE, state_query(), {"secret": True})
    other = issue_credential(app.extensions["lrs"], "other")
    outsider = XapiClient(app.test_client(), other.key, other.secret)
    assert outsider.request("GET", STATE, query_string=state_query()).status_code == 404
    assert outsider.request("GET", STATE, query_string=state_query(None)).get_json() == []
    outsider.request("DELETE", STATE, query_string=state_query(None))
    assert xapi.request("GET", STATE, query_string=state_query()).get_json() == {"secret": True}


# --- fuzzing -----------------------------------------------------------------------------------

VALID_PARAMETERS = {
    STATE: lambda document_id: state_query(document_id, registration=str(uuid.UUID(int=7))),
    ACTIVITY_PROFILE: activity_profile_query,
    AGENT_PROFILE: agent_profile_query,
}
# Hypothesis favours early entries: those that leave the parameters valid come first.
CORRUPTIONS = ["none", "body", "content type", "precondition", "parameter value", "parameter dropped",
               "unknown parameter"]


@st.composite
def corrupted_document_requests(draw):
    """(method, path, query, headers, body, corruption, corrupted parameter): a valid document request
    with at most one field broken, so most examples get past parameter checking."""
    method = draw(st.sampled_from(["GET", "PUT", "POST", "DELETE"]))
    path = draw(st.sampled_from(list(VALID_PARAMETERS)))
    listing = method in ("GET", "DELETE") and path == STATE and draw(st.booleans())
    query = VALID_PARAMETERS[path](None if listing else draw(st.sampled_from(["a", "b", "c"])))
    headers = {"Content-Type": "application/json"}
    body = json.dumps(draw(st.dictionaries(st.sampled_from("xyz"), st.integers(), max_size=2))).encode()
    if method == "PUT" and path != STATE:
        headers["If-None-Match"] = "*"  # a profile PUT without a precondition is refused before the body
    corruption = draw(st.sampled_from(CORRUPTIONS))
    corrupted = None
    if corruption == "parameter value":
        corrupted = draw(st.sampled_from(sorted(query)))
        query[corrupted] = draw(st.text(max_size=30) | st.sampled_from(["{}", '{"mbox": "ada"}', "not an iri"]))
    elif corruption == "parameter dropped":
        corrupted = draw(st.sampled_from(sorted(query)))
        del query[corrupted]
    elif corruption == "unknown parameter":
        corrupted = draw(st.sampled_from(["x", "since" if method != "GET" else "method", "activity"]))
        query[corrupted] = "1"
    elif corruption == "body":
        body = draw(st.binary(max_size=60) | st.sampled_from([b"[]", b"null", b"{", b'{"a": 1}{']))
    elif corruption == "content type":
        headers["Content-Type"] = draw(st.sampled_from(["text/plain", "application/json; charset=latin-1",
                                                        "", "application/octet-stream"]))
    elif corruption == "precondition":
        headers[draw(st.sampled_from(["If-Match", "If-None-Match"]))] = draw(
            st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=44))
    return method, path, query, headers, body, corruption, corrupted


def _root(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def test_corrupted_document_requests_never_cause_a_server_error_and_mostly_reach_the_document(xapi):
    # xAPI-Communication 3.2: errors are 4xx with a JSON body saying what is wrong
    outcomes: collections.Counter = collections.Counter()

    @FUZZ_SETTINGS
    @given(request=corrupted_document_requests())
    def run(request):
        method, path, query, headers, body, corruption, corrupted = request
        response = xapi.request(method, path, query_string=query, data=body, headers=headers)
        assert response.status_code in (200, 204, 400, 404, 409, 412), response.data
        if response.status_code >= 400:
            error = response.get_json()
            assert error["message"] and error["section"], error
            if response.status_code == 400 and corruption in ("parameter value", "unknown parameter"):
                assert _root(error["path"]) == corrupted, (request, error)  # the broken field is the one named
        stage = "stopped at a parameter" if response.status_code == 400 and \
            _root(response.get_json()["path"]) in set(query) | {corrupted} else "reached the document"
        event(f"{corruption}: {stage}")
        outcomes[stage] += 1
        outcomes[corruption] += 1
        outcomes["succeeded"] += response.status_code < 300

    run()
    assert set(CORRUPTIONS) <= set(outcomes), outcomes
    examples = sum(outcomes[c] for c in CORRUPTIONS)
    assert outcomes["reached the document"] >= 0.5 * examples, outcomes
    assert outcomes["succeeded"] >= 0.2 * examples, outcomes


def test_documents_are_sent_with_identity_encoding_so_the_etag_is_their_sha1(xapi):
    # xAPI-Communication 3.1.s4.b2, 3.1.s4.b3: no transfer or content coding, even when gzip is accepted
    content = b'{"long": "' + b"x" * 5000 + b'"}'
    xapi.request("PUT", STATE, query_string=state_query(), data=content, headers={"Content-Type": "application/json"})
    got = xapi.request("GET", STATE, query_string=state_query(), headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in got.headers and "Transfer-Encoding" not in got.headers
    assert got.data == content and got.headers["ETag"] == '"' + hashlib.sha1(content).hexdigest() + '"'


@pytest.mark.parametrize("path,query", [
    ("/xapi/statements", {}), ("/xapi/activities", {"activityId": ACTIVITY}),
    ("/xapi/agents", {"agent": json.dumps(AGENT)}), (STATE, state_query(None)),
    (ACTIVITY_PROFILE, activity_profile_query(None)), (AGENT_PROFILE, agent_profile_query(None)),
    ("/xapi/about", {}),
])
def test_every_resource_of_the_specification_is_served(xapi, path, query):  # xAPI-Communication 2.0.s1.b1
    assert xapi.request("GET", path, query_string=query).status_code == 200
