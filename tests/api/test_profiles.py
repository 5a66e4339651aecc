"""/api/v1/profiles on SQLite and PostgreSQL: importing profiles, versions side by side, the store's validation
mode (report and enforce) through the real statement ingest, reports per statement, template and rule, and the
pattern check of a registration. # xAPI Profiles Part Two §5.0-§9.0, Part Three §2.1-§2.2 (issue 14)"""
from __future__ import annotations

import copy
import uuid

import orjson
import pytest

from tests.conftest import XapiClient
from tests.factories import issue_credential
from tests.unit.analytics.profiles.builders import PUBLISHED, VERSION, body, place_statement, sports

VIDEO = "https://w3id.org/xapi/video"
VIDEO_VERSION = f"{VIDEO}/v1.0.3"
PLAYED = f"{VIDEO}/templates#played"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"


@pytest.fixture
def client(xapi) -> XapiClient:
    return xapi


def _import(client, payload: bytes, content_type: str = "application/ld+json"):
    return client.request("POST", "/api/v1/profiles", data=payload, headers={"Content-Type": content_type})


def _published(name: str) -> bytes:
    return (PUBLISHED / f"{name}.jsonld").read_bytes()


def _mode(client, mode: str):
    response = client.request("PUT", "/api/v1/profiles/mode", json={"mode": mode})
    assert response.status_code == 200, response.get_json()


def _video(verb: str, registration: str, second: int, *, result_extensions: dict | None = None,
           context_extensions: dict | None = None) -> dict:
    session = "5c2e3b3e-2f5d-4c1a-9b7e-0d8f6a4e2c11"
    verb_id = {"initialized": "http://adlnet.gov/expapi/verbs/initialized",
               "terminated": "http://adlnet.gov/expapi/verbs/terminated"}.get(verb, f"{VIDEO}/verbs/{verb}")
    statement = {"id": str(uuid.uuid4()), "actor": {"mbox": "mailto:viewer@example.org"}, "verb": {"id": verb_id},
                 "object": {"id": "https://example.org/videos/1",
                            "definition": {"type": f"{VIDEO}/activity-type/video"}},
                 "context": {"registration": registration,
                             "contextActivities": {"category": [{"id": VIDEO_VERSION}]},
                             "extensions": {f"{VIDEO}/extensions/session-id": session, **(context_extensions or {})}},
                 "timestamp": f"2024-05-01T10:00:{second:02d}.000Z"}
    if result_extensions:
        statement["result"] = {"extensions": result_extensions}
    return statement


def _video_session(registration: str) -> list[dict]:
    ends = {f"{VIDEO}/extensions/time": 30.0, f"{VIDEO}/extensions/progress": 0.5,
            f"{VIDEO}/extensions/played-segments": "0[.]30"}
    return [_video("initialized", registration, 1, context_extensions={f"{VIDEO}/extensions/length": 60.0}),
            _video("played", registration, 2, result_extensions={f"{VIDEO}/extensions/time": 0.0}),
            _video("paused", registration, 3, result_extensions=ends,
                   context_extensions={f"{VIDEO}/extensions/length": 60.0}),
            _video("terminated", registration, 4, result_extensions=ends,
                   context_extensions={f"{VIDEO}/extensions/length": 60.0})]


# --- import ---------------------------------------------------------------------------------------------

def test_the_published_profiles_import_and_list_side_by_side(client):
    # issue 14: the published cmi5, SCORM and video profiles load
    for name in ("cmi5-v1.0", "scorm-v1.0", "video-v1.0.3", "adl-v1.0"):
        response = _import(client, _published(name))
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["created"] is True
    again = _import(client, _published("video-v1.0.3"))
    assert again.status_code == 200 and again.get_json()["created"] is False
    listed = client.request("GET", "/api/v1/profiles").get_json()
    assert sorted(item["version"] for item in listed) == ["https://w3id.org/xapi/adl/v1.0",
                                                          "https://w3id.org/xapi/cmi5/v1.0",
                                                          "https://w3id.org/xapi/scorm/v1.0", VIDEO_VERSION]
    scorm = _import(client, _published("scorm-v1.0")).get_json()
    assert any("empty array" in warning for warning in scorm["warnings"])


def test_versions_of_one_profile_are_kept_side_by_side(client):
    # Part Two §6.1: a new version lists the earlier one in wasRevisionOf; both stay
    assert _import(client, body(sports())).status_code == 201
    newer = sports()
    v3 = "https://example.org/profiles/sports/v3"
    newer["versions"].insert(0, {"id": v3, "wasRevisionOf": [VERSION], "generatedAtTime": "2021-01-01T00:00:00Z"})
    for item in newer["concepts"] + newer["templates"] + newer["patterns"]:
        item["inScheme"] = v3
    assert _import(client, body(newer)).status_code == 201
    versions = [item["version"] for item in client.request("GET", "/api/v1/profiles").get_json()]
    assert versions == [VERSION, v3]
    document = client.request("GET", "/api/v1/profiles/versions", query_string={"version": VERSION}).get_json()
    assert document["versions"][0]["id"] == VERSION
    expanded = client.request("GET", "/api/v1/profiles/versions",
                              query_string={"version": v3, "form": "expanded"}).get_json()
    assert expanded[0]["@id"] == "https://example.org/profiles/sports"
    compacted = client.request("GET", "/api/v1/profiles/versions",
                               query_string={"version": v3, "form": "compacted"}).get_json()
    assert compacted["@context"] == "https://w3id.org/xapi/profiles/context"


def test_the_same_version_with_another_document_is_a_conflict(client):
    # Part Two §6.1: a version id names one version
    assert _import(client, body(sports())).status_code == 201
    edited = sports()
    edited["definition"] = {"en": "Edited after publication."}
    response = _import(client, body(edited))
    assert response.status_code == 409 and response.get_json()["section"] == "xAPI Profiles Part Two §6.1"


@pytest.mark.parametrize("change, section", [
    (lambda d: d.update({"@context": "https://attacker.example/context.jsonld"}), "xAPI Profiles Part Two §10.0"),
    (lambda d: d["patterns"][0].update({"optional": d["patterns"][0]["sequence"][0]}), "xAPI Profiles Part Two §9.0"),
    (lambda d: d["templates"][1]["rules"][0].pop("presence"), "xAPI Profiles Part Two §8.1"),
    (lambda d: d.update({"prefLabel": {}}), "xAPI Profiles Part Two §4.0"),
])
def test_a_malformed_profile_is_a_400_naming_the_broken_requirement(client, change, section):
    document = copy.deepcopy(sports())
    change(document)
    response = _import(client, body(document))
    assert response.status_code == 400
    error = response.get_json()
    assert error["section"] == section and error["message"]
    assert client.request("GET", "/api/v1/profiles").get_json() == []  # nothing was stored


def test_bodies_that_are_not_json_are_refused(client):
    assert _import(client, b"{not json").status_code == 400
    assert _import(client, body(sports()), content_type="text/plain").status_code == 415


def test_changing_profiles_needs_the_store_admin_scope(app, client):
    # profiles and the mode are the store admin's (scope all); reading needs statements/read
    writer = issue_credential(app.extensions["lrs"], "writer", store_name=f"profiles-{uuid.uuid4()}",
                              scopes="statements/write statements/read")
    other = XapiClient(app.test_client(), writer.key, writer.secret)
    assert _import(other, body(sports())).status_code == 403
    assert other.request("PUT", "/api/v1/profiles/mode", json={"mode": "enforce"}).status_code == 403
    assert other.request("GET", "/api/v1/profiles").status_code == 200
    nobody = app.test_client().get("/api/v1/profiles")
    assert nobody.status_code == 401


def test_stores_do_not_see_each_others_profiles(app, client):
    assert _import(client, body(sports())).status_code == 201
    stranger = issue_credential(app.extensions["lrs"], "stranger")
    other = XapiClient(app.test_client(), stranger.key, stranger.secret)
    assert other.request("GET", "/api/v1/profiles").get_json() == []
    assert other.request("GET", "/api/v1/profiles/versions", query_string={"version": VERSION}).status_code == 404


def test_a_version_can_be_removed(client):
    assert _import(client, body(sports())).status_code == 201
    assert client.request("DELETE", "/api/v1/profiles/versions", query_string={"version": VERSION}).status_code == 204
    assert client.request("DELETE", "/api/v1/profiles/versions", query_string={"version": VERSION}).status_code == 404


# --- report and enforce --------------------------------------------------------------------------------

def test_report_mode_records_matches_and_violations_per_statement_template_and_rule(client):
    # issue 14 report mode; Part Three §2.1 validates; Part Two §5.0 (statements naming the version)
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    _mode(client, "report")
    registration = str(uuid.uuid4())
    good = _video("played", registration, 1, result_extensions={f"{VIDEO}/extensions/time": 3.0})
    bad = _video("played", registration, 2)  # no result.extensions time: played rule 2
    unrelated = place_statement(id=str(uuid.uuid4()))  # names no version this store has
    response = client.post_statements([good, bad, unrelated])
    assert response.status_code == 200, response.get_json()
    good_report = client.request("GET", f"/api/v1/profiles/reports/statements/{good['id']}").get_json()
    assert good_report == [{"version": VIDEO_VERSION, "outcome": "success", "matched": [PLAYED], "violations": []}]
    [bad_report] = client.request("GET", f"/api/v1/profiles/reports/statements/{bad['id']}").get_json()
    assert bad_report["outcome"] == "invalid"
    assert [(v["template"], v["rule"]) for v in bad_report["violations"]] == [(PLAYED, 2)]
    assert client.request("GET", f"/api/v1/profiles/reports/statements/{unrelated['id']}").get_json() == []
    by_rule = client.request("GET", "/api/v1/profiles/reports/violations",
                             query_string={"template": PLAYED, "rule": "2"}).get_json()
    assert [item["statementId"] for item in by_rule["violations"]] == [bad["id"]]
    assert client.request("GET", "/api/v1/profiles/reports/violations",
                          query_string={"template": PLAYED, "rule": "3"}).get_json()["violations"] == []
    summary = client.request("GET", "/api/v1/profiles/reports/summary").get_json()
    assert summary == {"mode": "report", "outcomes": {VIDEO_VERSION: {"success": 1, "invalid": 1}}}


def test_a_statement_sent_again_is_reported_once(client):
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    _mode(client, "report")
    bad = _video("played", str(uuid.uuid4()), 2)
    assert client.post_statements([bad]).status_code == 200
    assert client.post_statements([bad]).status_code == 200  # the same statement: stored once, reported once
    found = client.request("GET", "/api/v1/profiles/reports/violations").get_json()["violations"]
    assert [item["statementId"] for item in found] == [bad["id"]]


def test_enforce_mode_refuses_the_batch_naming_template_and_rule_and_stores_nothing(client):
    # issue 14 enforce mode: a 400 naming the template and the rule that failed; all or nothing
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    _mode(client, "enforce")
    registration = str(uuid.uuid4())
    good = _video("played", registration, 1, result_extensions={f"{VIDEO}/extensions/time": 3.0})
    bad = _video("played", registration, 2)
    response = client.post_statements([good, bad])
    assert response.status_code == 400
    error = response.get_json()
    assert error["path"] == "[1]" and error["section"] == "xAPI Profiles Part Two §8.1"
    assert error["profile"]["template"] == PLAYED and error["profile"]["rule"] == 2
    assert PLAYED in error["message"] and "rule 2" in error["message"]
    for statement in (good, bad):
        assert client.request("GET", "/xapi/statements",
                              query_string={"statementId": statement["id"]}).status_code == 404
    assert client.post_statements([good]).status_code == 200
    recorded = client.request("GET", f"/api/v1/profiles/reports/statements/{good['id']}").get_json()
    assert recorded[0]["outcome"] == "success"


def test_enforce_mode_refuses_an_extension_value_outside_its_schema(client):
    # Part Two §7.2 inlineSchema
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    _mode(client, "enforce")
    statement = _video("played", str(uuid.uuid4()), 1, result_extensions={f"{VIDEO}/extensions/time": "late"})
    response = client.put_statement(statement["id"], statement)
    assert response.status_code == 400
    error = response.get_json()
    assert error["section"] == "xAPI Profiles Part Two §7.2"
    assert error["profile"]["concept"] == f"{VIDEO}/extensions/time"


def test_mode_off_neither_refuses_nor_records(client):
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    assert client.request("GET", "/api/v1/profiles/mode").get_json() == {"mode": "off"}
    bad = _video("played", str(uuid.uuid4()), 2)
    assert client.post_statements([bad]).status_code == 200
    assert client.request("GET", f"/api/v1/profiles/reports/statements/{bad['id']}").get_json() == []
    assert client.request("PUT", "/api/v1/profiles/mode", json={"mode": "strict"}).status_code == 400


def test_extra_categories_bring_cmi5_statements_under_the_cmi5_profile(client):
    # Part Two §5.0 applies to statements naming the version; cmi5 statements name the cmi5 category instead
    assert _import(client, _published("cmi5-v1.0")).status_code == 201
    _mode(client, "enforce")
    initialized = {"actor": {"objectType": "Agent", "account": {"homePage": "https://lms.example", "name": "l1"}},
                   "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized"},
                   "object": {"id": "https://example.com/au/1"},
                   "context": {"registration": str(uuid.uuid4()),
                               "contextActivities": {"category": [{"id": CMI5_CATEGORY}]}},
                   "timestamp": "2024-05-01T10:00:00.000Z"}  # no sessionid, no grouping: generalrestrictions
    assert client.post_statements([dict(initialized, id=str(uuid.uuid4()))]).status_code == 200
    patched = client.request("PATCH", "/api/v1/profiles/versions",
                             query_string={"version": "https://w3id.org/xapi/cmi5/v1.0"},
                             json={"alsoForCategories": [CMI5_CATEGORY]})
    assert patched.status_code == 200 and patched.get_json()["alsoForCategories"] == [CMI5_CATEGORY]
    refused = client.post_statements([dict(initialized, id=str(uuid.uuid4()))])
    assert refused.status_code == 400
    assert refused.get_json()["profile"]["template"] == "https://w3id.org/xapi/cmi5#generalrestrictions"


def test_validate_without_storing(client):
    # Part Three §3.0 validate_templates, without the web service's network round trip
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    statement = _video("played", str(uuid.uuid4()), 2)
    [outcome] = client.request("POST", "/api/v1/profiles/validate", json=statement).get_json()
    assert outcome["outcome"] == "invalid" and outcome["violations"][0]["rule"] == 2
    assert client.request("GET", "/xapi/statements", query_string={"statementId": statement["id"]}).status_code == 404


# --- patterns -------------------------------------------------------------------------------------------

def test_a_registration_following_the_video_pattern_is_followed(client):
    # Part Three §2.2 follows; video-v1.0.3 generalpattern: initialized, middle statements, terminated
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    registration = str(uuid.uuid4())
    statements = _video_session(registration)
    assert client.post_statements(list(reversed(statements))).status_code == 200  # order comes from timestamps
    result = client.request("GET", "/api/v1/profiles/patterns",
                            query_string={"registration": registration, "version": VIDEO_VERSION}).get_json()
    [sequence] = result["sequences"]
    assert sequence["follows"] is True and sequence["statements"] == 4
    assert sequence["patterns"][0]["outcome"] == "followed"


def test_the_pattern_check_says_where_a_learner_left_the_pattern(client):
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    registration = str(uuid.uuid4())
    initialized, played, paused, terminated = _video_session(registration)
    stray = _video("initialized", registration, 3, context_extensions={f"{VIDEO}/extensions/length": 60.0})
    assert client.post_statements([initialized, played, stray, terminated]).status_code == 200
    result = client.request("GET", "/api/v1/profiles/patterns",
                            query_string={"registration": registration, "version": VIDEO_VERSION}).get_json()
    [sequence] = result["sequences"]
    [pattern] = sequence["patterns"]
    assert sequence["follows"] is False
    assert (pattern["outcome"], pattern["left_at"], pattern["left_at_statement"]) == ("left", 2, stray["id"])
    assert f"{VIDEO}/templates#terminated" in pattern["expected"]

    unfinished = str(uuid.uuid4())
    assert client.post_statements(_video_session(unfinished)[:2]).status_code == 200
    result = client.request("GET", "/api/v1/profiles/patterns",
                            query_string={"registration": unfinished, "version": VIDEO_VERSION}).get_json()
    assert result["sequences"][0]["patterns"][0]["outcome"] == "in-progress"


def test_the_pattern_check_refuses_an_unknown_version_and_a_bad_registration(client):
    assert client.request("GET", "/api/v1/profiles/patterns", query_string={
        "registration": str(uuid.uuid4()), "version": VIDEO_VERSION}).status_code == 404
    assert _import(client, _published("video-v1.0.3")).status_code == 201
    assert client.request("GET", "/api/v1/profiles/patterns", query_string={
        "registration": "not-a-uuid", "version": VIDEO_VERSION}).status_code == 400


def test_the_api_is_in_the_openapi_document(client):
    document = orjson.loads(client.http.get("/docs/openapi.json").data)
    paths = {path for path in document["paths"] if path.startswith("/api/v1/profiles")}
    assert {"/api/v1/profiles", "/api/v1/profiles/mode", "/api/v1/profiles/reports/violations",
            "/api/v1/profiles/patterns"} <= paths
    assert "400" in document["paths"]["/api/v1/profiles"]["post"]["responses"]
