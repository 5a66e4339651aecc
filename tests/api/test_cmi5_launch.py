"""cmi5 registrations, launch, fetch, abandon, waive and progress through the API on SQLite and PostgreSQL
(cmi5 8, 9.3, 9.6, 10; launch-api.md Registrations), reading back what the LMS wrote through /xapi."""
from __future__ import annotations

import uuid
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from cmi5 import vocabulary as v
from cmi5.au_session import lookup_token
from tests.api.test_cmi5_courses import cmi5_app
from tests.unit.cmi5.support import au, block, course_xml
from tests.unit.delivery.support import CourseClient, refused, zip_bytes

KIM = {"name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}
PUBLIC = "https://lrs.example.com"
COURSE = "https://example.com/course"
FREE_BLOCK, JUDGED_BLOCK = "https://example.com/block/free", "https://example.com/block/judged"
INTRO, OUTRO = "https://example.com/au/intro", "https://example.com/au/outro"
QUIZ, LAB = "https://example.com/au/quiz", "https://example.com/au/lab"
XAPI = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    application = cmi5_app(database_url, tmp_path_factory.mktemp("cmi5-launch"))
    yield application
    application.extensions["lrs"].close()


@pytest.fixture(scope="module")
def client(app) -> CourseClient:
    return CourseClient(app)


@pytest.fixture(scope="module")
def course(client) -> str:
    """A free block (two NotApplicable AUs), a judged block (quiz: Passed, mastery 0.8; lab: relative url,
    CompletedAndPassed) and an OwnWindow AU at the root with moveOn Completed."""
    structure = course_xml(
        block(FREE_BLOCK, au(INTRO, url="https://au.example.com/intro?lang=fr"),
              au(OUTRO, url="https://au.example.com/outro")),
        block(JUDGED_BLOCK,
              au(QUIZ, url="https://quiz.example.com/q", attributes='moveOn="Passed" masteryScore="0.8"',
                 extra="<launchParameters> level=2 </launchParameters><entitlementKey>ent-1</entitlementKey>"),
              au(LAB, url="lab/index.html?mode=x", attributes='moveOn="CompletedAndPassed"')),
        au("https://example.com/au/final", url="https://au.example.com/final",
           attributes='moveOn="Completed" launchMethod="OwnWindow"'))
    response = client.import_zip(zip_bytes({"cmi5.xml": structure, "lab/index.html": b"<p>lab</p>"}))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def statements(client, registration_id: str) -> list[dict]:
    response = client.open("GET", f"/xapi/statements?registration={registration_id}&ascending=true&limit=100",
                           headers=XAPI)
    assert response.status_code == 200, response.get_data()[:300]
    return response.get_json()["statements"]


def verbs(client, registration_id: str) -> list[str]:
    return [v.VERB_DISPLAY[s["verb"]["id"]] for s in statements(client, registration_id)]


def launch(client, registration_id: str, **body) -> dict:
    response = client.launch(registration_id, **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def parameters(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def fetch(client, url: str, method: str = "POST", **kwargs):
    fetch_url = urlsplit(parameters(url)["fetch"])
    assert f"{fetch_url.scheme}://{fetch_url.netloc}" == PUBLIC
    return client.http.open(f"{fetch_url.path}?{fetch_url.query}", method=method, **kwargs)


def launch_data(client, launched: dict, registration_id: str) -> dict:
    query = parameters(launched["url"])
    response = client.open("GET", "/xapi/activities/state", headers=XAPI, query_string={
        "activityId": query["activityId"], "agent": query["actor"], "registration": registration_id,
        "stateId": "LMS.LaunchData"})
    assert response.status_code == 200, response.get_data()[:300]
    return orjson.loads(response.get_data())


# --- registration (cmi5 9.6.1) ----------------------------------------------------------------------

def test_registration_writes_the_satisfied_statements_not_applicable_aus_decide(client, course):
    # cmi5 9.6.1: moveOn evaluated at registration; 9.3.9: a fresh session id outside an AU session.
    registration_id = client.registration(course, KIM)
    written = statements(client, registration_id)
    assert [s["verb"]["id"] for s in written] == [v.SATISFIED]
    satisfied = written[0]
    assert satisfied["object"]["definition"]["type"] == v.BLOCK_TYPE
    assert satisfied["object"]["id"] != FREE_BLOCK
    assert satisfied["context"]["contextActivities"]["grouping"] == [{"id": FREE_BLOCK}]
    assert satisfied["actor"]["account"] == KIM["account"]
    assert uuid.UUID(satisfied["context"]["extensions"][v.SESSION_ID_EXTENSION])
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert [(item["launchable"], item["satisfied"]) for item in progress["items"]][:3] == [
        (INTRO, True), (OUTRO, True), (QUIZ, False)]
    assert progress["blocks"] == [{"id": FREE_BLOCK, "title": f"Block {FREE_BLOCK}", "satisfied": True},
                                  {"id": JUDGED_BLOCK, "title": f"Block {JUDGED_BLOCK}", "satisfied": False}]
    assert progress["satisfied"] is False and progress["completion"] == "not attempted"


def test_a_registration_given_again_writes_nothing_more(client, course):
    registration_id = str(uuid.uuid4())
    assert client.register(course, KIM, id=registration_id).status_code == 201
    assert client.register(course, KIM, id=registration_id).status_code == 200
    assert verbs(client, registration_id) == ["satisfied"]


# --- launch (cmi5 8.1, 10, 9.3.1) ----------------------------------------------------------------

def test_a_launch_writes_launch_data_and_launched_before_returning_the_url(client, course):
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=QUIZ, returnUrl="https://lms.example.com/back")
    query = parameters(launched["url"])
    # cmi5 8.1: the AU's URL with the five launch parameters; endpoint without a trailing slash.
    assert launched["url"].startswith("https://quiz.example.com/q?endpoint=")
    assert query["endpoint"] == f"{PUBLIC}/xapi"
    assert orjson.loads(query["actor"]) == {"objectType": "Agent", "account": KIM["account"], "name": "Kim"}
    assert query["registration"] == registration_id
    assert query["activityId"] != QUIZ and query["activityId"].startswith("urn:uuid:")  # 8.1.5
    assert launched["launchMethod"] == "AnyWindow"
    # cmi5 10.2: LaunchData, its session id the one the launch returns (launch-api.md).
    document = launch_data(client, launched, registration_id)
    assert document == {
        "contextTemplate": {"contextActivities": {"grouping": [{"id": QUIZ}]},
                            "extensions": {v.SESSION_ID_EXTENSION: launched["session"]}},
        "launchMode": "Normal", "moveOn": "Passed", "masteryScore": 0.8, "launchParameters": "level=2",
        "returnURL": "https://lms.example.com/back", "entitlementKey": {"courseStructure": "ent-1"}}
    # cmi5 9.3.1 launched, after the registration's satisfied, with the 9.6.3 extensions.
    written = statements(client, registration_id)
    assert [s["verb"]["id"] for s in written] == [v.SATISFIED, v.LAUNCHED]
    statement = written[1]
    assert statement["object"]["id"] == query["activityId"]
    assert statement["actor"]["account"] == KIM["account"]
    assert statement["context"]["registration"] == registration_id
    assert statement["context"]["contextActivities"]["grouping"] == [{"id": QUIZ}]
    assert {"id": v.CMI5_CATEGORY} in statement["context"]["contextActivities"]["category"]
    assert statement["context"]["extensions"] == {
        v.SESSION_ID_EXTENSION: launched["session"], v.LAUNCH_MODE_EXTENSION: "Normal",
        v.LAUNCH_URL_EXTENSION: "https://quiz.example.com/q", v.MOVE_ON_EXTENSION: "Passed",
        v.MASTERY_SCORE_EXTENSION: 0.8, v.LAUNCH_PARAMETERS_EXTENSION: "level=2"}


def test_launchurl_keeps_the_aus_own_query_and_drops_the_launch_parameters(client, course):
    # cmi5 9.6.3.4; a relative url is served from the course's content (14.1).
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=LAB)
    assert launched["url"].startswith(f"{PUBLIC}/content/{course}/lab/index.html?mode=x&endpoint=")
    statement = statements(client, registration_id)[-1]
    assert statement["context"]["extensions"][v.LAUNCH_URL_EXTENSION] == \
        f"{PUBLIC}/content/{course}/lab/index.html?mode=x"
    assert parameters(launched["url"])["mode"] == "x"


def test_the_activity_id_is_stable_per_au_across_launches_and_registrations(client, course):
    # cmi5 8.1.5: the same generated activityId on all launches within a registration (SHOULD: all).
    first = client.registration(course, KIM)
    ids = {parameters(launch(client, first, launchable=INTRO)["url"])["activityId"] for _ in range(2)}
    ids.add(parameters(launch(client, client.registration(course, KIM), launchable=INTRO)["url"])["activityId"])
    assert len(ids) == 1
    assert parameters(launch(client, first, launchable=OUTRO)["url"])["activityId"] not in ids


def test_own_window_and_browse_mode_reach_the_au(client, course):
    # cmi5 8.1 launchMethod; 10.2.2 launchMode.
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, index=4, launchMode="Browse")
    assert launched["launchMethod"] == "OwnWindow"
    assert launch_data(client, launched, registration_id)["launchMode"] == "Browse"
    assert statements(client, registration_id)[-1]["context"]["extensions"][v.LAUNCH_MODE_EXTENSION] == "Browse"


def test_continue_launches_the_last_launched_au_else_the_first(client, course):
    # launch-api.md Launch: cmi5 continue.
    registration_id = client.registration(course, KIM)
    assert launch(client, registration_id)["url"].startswith("https://au.example.com/intro")
    launch(client, registration_id, launchable=QUIZ)
    assert launch(client, registration_id)["url"].startswith("https://quiz.example.com/q")


def test_a_relaunch_abandons_every_open_session_first(client, course):
    # cmi5 9.3.6: one abandoned per open session, with the 9.5.4.2 duration; the object is the activityId.
    registration_id = client.registration(course, KIM)
    first = launch(client, registration_id, launchable=INTRO)
    second = launch(client, registration_id, launchable=OUTRO)
    written = statements(client, registration_id)
    assert [s["verb"]["id"] for s in written] == [v.SATISFIED, v.LAUNCHED, v.ABANDONED, v.LAUNCHED]
    abandoned = written[2]
    assert abandoned["object"]["id"] == parameters(first["url"])["activityId"]
    assert abandoned["context"]["extensions"][v.SESSION_ID_EXTENSION] == first["session"]
    assert abandoned["context"]["contextActivities"]["grouping"] == [{"id": INTRO}]
    assert abandoned["result"]["duration"].startswith("PT")
    sessions = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["sessions"]
    assert [(s["id"], s["state"]) for s in sessions] == [(first["session"], "abandoned"), (second["session"], "open")]


# --- fetch (cmi5 8.2) -------------------------------------------------------------------------------

def test_fetch_returns_the_token_once_then_error_1(client, course):
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=INTRO)
    first = fetch(client, launched["url"])
    assert first.status_code == 200 and first.mimetype == "application/json"
    token = first.get_json()["auth-token"]
    assert isinstance(token, str) and token
    again = fetch(client, launched["url"])
    assert again.status_code == 200 and again.mimetype == "application/json"
    assert again.get_json()["error-code"] == "1" and again.get_json()["error-text"]  # 8.2.3.1: a string


def test_fetch_with_an_unknown_key_is_error_2(client, course):
    launched = launch(client, client.registration(course, KIM), launchable=INTRO)
    fetch_url = urlsplit(parameters(launched["url"])["fetch"])
    for path in (f"{fetch_url.path}?k=wrong", f"{fetch_url.path}", f"/cmi5/fetch/{uuid.uuid4()}?{fetch_url.query}",
                 f"/cmi5/fetch/not-a-uuid?{fetch_url.query}"):
        response = client.http.post(path)
        assert response.status_code == 200 and response.get_json()["error-code"] == "2", path
    # The right key still works afterwards.
    assert "auth-token" in client.http.post(f"{fetch_url.path}?{fetch_url.query}").get_json()


def test_fetch_after_the_session_ended_is_error_1(client, course):
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=INTRO)
    launch(client, registration_id, launchable=OUTRO)  # abandons the first
    assert fetch(client, launched["url"]).get_json()["error-code"] == "1"


def test_fetch_is_post_only_and_answers_cors_preflights(client, course):
    # cmi5 8.2.1: POST, no Authorization; AUs on other origins (issue 12: like /xapi, preflights answered).
    launched = launch(client, client.registration(course, KIM), launchable=INTRO)
    preflight = fetch(client, launched["url"], method="OPTIONS", headers={
        "Origin": "https://au.example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] in ("*", "https://au.example.com")
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    got = fetch(client, launched["url"], method="GET")
    assert got.status_code == 405 and got.mimetype == "application/json"
    posted = fetch(client, launched["url"], headers={"Origin": "https://au.example.com"})
    assert posted.headers["Access-Control-Allow-Origin"] in ("*", "https://au.example.com")
    assert "auth-token" in posted.get_json()


def test_the_token_finds_its_au_session_until_the_session_ends(app, client, course):
    # The lookup the LRS uses for AU credentials (cmi5/au_session.py): the session's context, then nothing.
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=QUIZ, launchMode="Review")
    token = fetch(client, launched["url"]).get_json()["auth-token"]
    runtime = app.extensions["delivery"].runtime
    found = lookup_token(runtime, token)
    query = parameters(launched["url"])
    assert (found.session_id, found.registration_id, found.au_id, found.activity_id) == \
        (launched["session"], registration_id, QUIZ, query["activityId"])
    assert found.actor == orjson.loads(query["actor"]) and found.store_id == client.store_id
    assert (found.launch_mode, found.move_on, found.mastery_score, found.state) == ("Review", "Passed", 0.8, "open")
    assert found.context_template == launch_data(client, launched, registration_id)["contextTemplate"]
    assert lookup_token(runtime, "bm9wZTpub3Bl") is None
    assert client.open("POST", f"/api/v1/sessions/{launched['session']}/abandon").status_code == 204
    assert lookup_token(runtime, token) is None  # 8.2.1: limited to the duration of the session


# --- abandon and waive (cmi5 9.3.6, 9.3.7) ---------------------------------------------------------

def test_abandon_writes_one_abandoned_and_a_second_is_409(client, course):
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=INTRO)
    assert client.open("POST", f"/api/v1/sessions/{launched['session']}/abandon").status_code == 204
    refused(client.open("POST", f"/api/v1/sessions/{launched['session']}/abandon"), 409, "conflict")
    assert verbs(client, registration_id) == ["satisfied", "launched", "abandoned"]  # 9.3: at most one


def test_waive_writes_waived_then_the_satisfied_it_decides(client, course):
    # cmi5 9.3.7, 9.5.2, 9.5.3, 9.5.5.2, 9.6.2.2; 9.3.9: a waived AU has met moveOn.
    registration_id = client.registration(course, KIM)
    for index, launchable in enumerate((QUIZ, LAB, "https://example.com/au/final")):
        response = client.open("POST", f"/api/v1/registrations/{registration_id}/waive",
                               json={"launchable": launchable, "reason": ["Tested Out", "Equivalent AU",
                                                                          "Administrative"][index]})
        assert response.status_code == 204, response.get_json()
    written = statements(client, registration_id)
    assert [v.VERB_DISPLAY[s["verb"]["id"]] for s in written] == [
        "satisfied", "waived", "waived", "satisfied", "waived", "satisfied"]
    waived = written[1]
    assert waived["result"] == {"success": True, "completion": True,
                                "extensions": {v.REASON_EXTENSION: "Tested Out"}}
    assert {"id": v.CMI5_CATEGORY} in waived["context"]["contextActivities"]["category"]
    assert {"id": v.MOVE_ON_CATEGORY} in waived["context"]["contextActivities"]["category"]
    assert waived["context"]["contextActivities"]["grouping"] == [{"id": QUIZ}]
    session_ids = [s["context"]["extensions"][v.SESSION_ID_EXTENSION] for s in written]
    assert len(set(session_ids[:3])) == 3  # each waiver has its own new session id
    # The judged block's satisfied carries the session id of the waiver that decided it; then the course.
    assert session_ids[3] == session_ids[2] and session_ids[5] == session_ids[4]
    assert written[3]["context"]["contextActivities"]["grouping"] == [{"id": JUDGED_BLOCK}]
    assert written[5]["object"]["definition"]["type"] == v.COURSE_TYPE
    assert written[5]["context"]["contextActivities"]["grouping"] == [{"id": COURSE}]
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["satisfied"] is True and all(block["satisfied"] for block in progress["blocks"])
    assert [item["waived"] for item in progress["items"]] == [False, False, True, True, True]
    assert all(item["satisfied"] for item in progress["items"])


def test_waive_is_once_per_au_and_needs_a_reason(client, course):
    registration_id = client.registration(course, KIM)
    path = f"/api/v1/registrations/{registration_id}/waive"
    refused(client.open("POST", path, json={"launchable": QUIZ, "reason": "  "}), 400, "bad_request")
    assert client.open("POST", path, json={"launchable": QUIZ, "reason": "Tested Out"}).status_code == 204
    refused(client.open("POST", path, json={"index": 2, "reason": "Tested Out"}), 409, "not_allowed")
    assert verbs(client, registration_id) == ["satisfied", "waived"]


# --- progress, order, delete ----------------------------------------------------------------------

def test_attempts_count_launches(client, course):
    # launch-api.md Registrations: cmi5 attempts = launches.
    registration_id = client.registration(course, KIM)
    for _ in range(3):
        launch(client, registration_id, launchable=QUIZ)
    items = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["items"]
    assert [item["attempts"] for item in items] == [0, 0, 3, 0, 0]
    assert items[2]["lastLaunched"]


def test_statements_come_back_in_exact_write_order(client, course):
    # issue 12, Order: ascending=true returns statements in write order; registration-time satisfied first.
    registration_id = client.registration(course, KIM)
    launch(client, registration_id, launchable=INTRO)
    launch(client, registration_id, launchable=QUIZ)
    client.open("POST", f"/api/v1/registrations/{registration_id}/waive", json={"launchable": LAB, "reason": "x"})
    launched = launch(client, registration_id, launchable=OUTRO)
    client.open("POST", f"/api/v1/sessions/{launched['session']}/abandon")
    # A waiver ends no session: the quiz's is abandoned by the next launch.
    assert verbs(client, registration_id) == ["satisfied", "launched", "abandoned", "launched", "waived",
                                              "abandoned", "launched", "abandoned"]


def test_deleting_the_course_abandons_its_open_sessions(client):
    # launch-api.md Courses, DELETE: cmi5 sessions are abandoned.
    course_id = client.open("POST", "/api/v1/courses", data=course_xml(au(INTRO, attributes='moveOn="Completed"')),
                            content_type="application/xml").get_json()["id"]
    registration_id = client.registration(course_id, KIM)
    launch(client, registration_id)
    assert client.open("DELETE", f"/api/v1/courses/{course_id}").status_code == 204
    assert verbs(client, registration_id) == ["launched", "abandoned"]


def test_another_store_sees_nothing(app, client, course):
    registration_id = client.registration(course, KIM)
    other = CourseClient(app)
    refused(other.launch(registration_id), 404, "not_found")
    assert other.open("GET", f"/xapi/statements?registration={registration_id}", headers=XAPI
                      ).get_json()["statements"] == []


def test_abandoned_duration_runs_to_the_last_au_statement_when_the_lrs_recorded_it(app, client, course):
    # cmi5 9.5.4.2: "the time between the launched statement and the last statement ... issued by the AU".
    registration_id = client.registration(course, KIM)
    launched = launch(client, registration_id, launchable=INTRO)
    runtime = app.extensions["delivery"].runtime
    session = runtime.session(client.store_id, launched["session"])
    runtime.save_session_data(session, {**session.data, "lastStatementMs": session.launched_ms + 2_500})
    assert client.open("POST", f"/api/v1/sessions/{launched['session']}/abandon").status_code == 204
    assert statements(client, registration_id)[-1]["result"] == {"duration": "PT2.500S"}


def test_the_lrs_hook_contract_writes_satisfied_right_after_the_au_statement(app, client, course):
    # cmi5 9.3.9: satisfied triggered in an AU session carries its session id; issue 12: right after the AU's
    # statement. Here the test plays the LRS hook with the functions cmi5/README.md names.
    from cmi5.satisfaction import on_au_statement
    registration_id = client.registration(course, KIM)
    path = f"/api/v1/registrations/{registration_id}/waive"
    for launchable in (LAB, "https://example.com/au/final"):
        assert client.open("POST", path, json={"launchable": launchable, "reason": "Administrative"}).status_code == 204
    launched = launch(client, registration_id, launchable=QUIZ)
    runtime = app.extensions["delivery"].runtime
    au_session = lookup_token(runtime, fetch(client, launched["url"]).get_json()["auth-token"])
    passed = {"id": str(uuid.uuid4()), "actor": au_session.actor,
              "verb": {"id": v.PASSED, "display": {"en-US": "passed"}},
              "object": {"id": au_session.activity_id},
              "result": {"success": True, "score": {"scaled": 0.9}, "duration": "PT5S"},
              "context": {**au_session.context_template, "registration": registration_id,
                          "contextActivities": {**au_session.context_template["contextActivities"],
                                                "category": [{"id": v.CMI5_CATEGORY}, {"id": v.MOVE_ON_CATEGORY}]},
                          "extensions": {**au_session.context_template["extensions"],
                                         v.MASTERY_SCORE_EXTENSION: 0.8}},
              "timestamp": "2026-01-01T00:00:00.000Z"}
    state = runtime.state(runtime.session(au_session.store_id, au_session.session_id))
    outcome = on_au_statement(state, au_session.au_id, passed, au_session.session_id, runtime.now_ms())
    runtime.save_records([outcome.item], outcome.record)
    runtime.store_statements(au_session.store_id, [passed, *outcome.statements], runtime_name="test hook")
    written = statements(client, registration_id)
    assert [v.VERB_DISPLAY[s["verb"]["id"]] for s in written][-3:] == ["passed", "satisfied", "satisfied"]
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in written[-2:]] == [JUDGED_BLOCK, COURSE]
    assert {s["context"]["extensions"][v.SESSION_ID_EXTENSION] for s in written[-2:]} == {launched["session"]}
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["satisfied"] is True and progress["success"] == "passed"
    assert progress["items"][2] | {"lastLaunched": None} == {
        "launchable": QUIZ, "index": 2, "title": f"AU {QUIZ}", "completion": "incomplete", "success": "passed",
        "score": 0.9, "satisfied": True, "waived": False, "attempts": 1, "lastLaunched": None}


def test_a_1000_au_course_registers_and_launches_its_first_and_last_au(client):
    # cmi5 6.1 (CATAPULT 101-one-thousand-aus). NotApplicable AUs are satisfied at registration (9.6.1) without
    # a record each. Issue 12's speed figures for such a course (import <= 2 s, launch <= 100 ms) are measured
    # by `bench cmi5` (docs/performance.md), not here.
    structure = course_xml(*(au(f"https://example.com/au/{n}", attributes='moveOn="NotApplicable"')
                             for n in range(1000)))
    course_id = client.import_zip(zip_bytes({"cmi5.xml": structure})).get_json()["id"]
    for index in range(2):
        registration_id = client.registration(course_id, KIM)
        launch(client, registration_id, index=index)
        launch(client, registration_id, index=999 - index)  # abandons the first, then launches
        assert verbs(client, registration_id) == ["satisfied", "launched", "abandoned", "launched"]
