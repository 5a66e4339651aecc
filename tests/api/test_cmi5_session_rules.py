"""The cmi5 session rules the LRS enforces for AU tokens, over HTTP on SQLite and PostgreSQL (cmi5 6.3, 8.2,
9.x, 10.2, 11; issue 12 "Session rules" and "LMS statements"): launch through the course API, fetch the token,
then each refusal is a 403 naming its section and stores nothing; the happy path writes the block and course
`satisfied` statements right after the AU statement that meets moveOn, and terminated ends the token."""
from __future__ import annotations

import base64
import copy
import time
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import orjson
import pytest

from cmi5 import vocabulary as v
from lrs.app import create_app
from lrs.auth.authenticator import Authenticator
from lrs.auth.secrets import DUMMY_HASH, secret_matches
from lrs.auth.throttle import FailureThrottle
from lrs.settings import Settings
from lrs.storage.credentials import CredentialStorage
from lrs.xapi.errors import Forbidden, TooManyRequests, Unauthorized
from tests.api.test_cmi5_courses import cmi5_app
from tests.unit.cmi5.support import au, block, course_xml
from tests.unit.cmi5.test_session_rules import EXPERIENCED, Launch, au_statement
from tests.unit.delivery.support import SERVER_SECRET, CourseClient, zip_bytes

KIM = {"name": "Kim", "account": {"homePage": "https://lms.example.com", "name": "kim"}}
COURSE = "https://example.com/rules-course"
JUDGED = "https://example.com/rules-block"
QUIZ, INTRO = "https://example.com/rules/quiz", "https://example.com/rules/intro"
XAPI = {"X-Experience-API-Version": "1.0.3"}
PREFERENCES = {"languagePreference": "en-US,fr-FR", "audioPreference": "on"}


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    application = cmi5_app(database_url, tmp_path_factory.mktemp("cmi5-rules"))
    yield application
    application.extensions["lrs"].close()


@pytest.fixture(scope="module")
def client(app) -> CourseClient:
    return CourseClient(app)


@pytest.fixture(scope="module")
def course(client) -> str:
    """A block with the quiz (CompletedAndPassed, masteryScore 0.8) and an intro (NotApplicable): the quiz's
    completed and passed satisfy the block and the course."""
    structure = course_xml(block(JUDGED, au(QUIZ, url="https://quiz.example.com/q",
                                            attributes='moveOn="CompletedAndPassed" masteryScore="0.8"'),
                                 au(INTRO, url="https://au.example.com/intro")), course_id=COURSE)
    response = client.import_zip(zip_bytes({"cmi5.xml": structure}))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@dataclass
class Au:
    """An AU in its browser: the launch's parameters, its token, and the LaunchData it read."""
    client: CourseClient
    launch: Launch
    authorization: str
    session_id: str

    def open(self, method: str, path: str, **kwargs):
        headers = {**XAPI, "Authorization": self.authorization, **kwargs.pop("headers", {})}
        return self.client.http.open(path, method=method, headers=headers, **kwargs)

    def post(self, statements):
        return self.open("POST", "/xapi/statements", json=statements)

    def statement(self, verb: str, **kwargs) -> dict:
        kwargs.setdefault("at_ms", self.client.app.extensions["delivery"].runtime.now_ms())
        return au_statement(self.launch, verb, **kwargs)

    def profile(self, method: str = "GET", agent: dict | None = None, **kwargs):
        return self.open(method, "/xapi/agents/profile", query_string={
            "agent": orjson.dumps(agent or self.launch.actor).decode(), "profileId": "cmi5LearnerPreferences"},
            **kwargs)

    def start(self) -> Au:
        """What an AU does on startup: LaunchData (10.2), learner preferences (11.0), initialized (9.3.2)."""
        assert self.profile().status_code in (200, 404)
        accepted(self.post(self.statement(v.INITIALIZED)))
        return self


def start_au(client, registration_id: str, launchable: str = QUIZ, mode: str = "Normal") -> Au:
    response = client.launch(registration_id, launchable=launchable, launchMode=mode)
    assert response.status_code == 200, response.get_json()
    launched = response.get_json()
    query = dict(parse_qsl(urlsplit(launched["url"]).query))
    fetch = urlsplit(query["fetch"])
    token = client.http.post(f"{fetch.path}?{fetch.query}").get_json()["auth-token"]
    authorization = f"Basic {token}"
    actor = orjson.loads(query["actor"])
    state = client.http.get("/xapi/activities/state", headers={**XAPI, "Authorization": authorization},
                            query_string={"activityId": query["activityId"], "agent": query["actor"],
                                          "registration": registration_id, "stateId": "LMS.LaunchData"})
    assert state.status_code == 200, state.get_data()[:300]
    launch_data = orjson.loads(state.get_data())
    launch = Launch(registration_id=registration_id, session_id=launched["session"], activity_id=query["activityId"],
                    actor=actor, launch_mode=launch_data["launchMode"], mastery_score=launch_data.get("masteryScore"),
                    context_template=launch_data["contextTemplate"], au_id=launchable)
    return Au(client, launch, authorization, launched["session"])


def accepted(response) -> None:
    assert response.status_code in (200, 204), (response.status_code, response.get_data()[:400])


def refused(response, section: str) -> dict:
    """issue 12: each rejection is 403 with a message naming the requirement."""
    assert response.status_code == 403, (response.status_code, response.get_data()[:400])
    body = response.get_json()
    assert body["section"] == section and f"({section})" in body["message"], body
    return body


def stored(client, registration_id: str) -> list[dict]:
    response = client.open("GET", "/xapi/statements", headers=XAPI,
                           query_string={"registration": registration_id, "ascending": "true", "limit": 100})
    assert response.status_code == 200
    return response.get_json()["statements"]


def verbs(statements: list[dict]) -> list[str]:
    return [v.VERB_DISPLAY.get(s["verb"]["id"], s["verb"]["id"].rsplit("/", 1)[-1]) for s in statements]


# --- the happy path ---------------------------------------------------------------------------------

def test_initialized_completed_passed_terminated_satisfies_right_after_passed(client, course):
    # cmi5 9.3.9, issue 12 LMS statements: satisfied for the block then the course, right after the AU statement
    # that meets moveOn, in its transaction, with the AU session's id; 9.3.8: terminated ends the session
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id).start()
    accepted(quiz.post(quiz.statement(v.COMPLETED)))
    assert verbs(stored(client, registration_id))[-1] == "completed"
    accepted(quiz.post(quiz.statement(v.PASSED, result={"success": True, "duration": "PT9S",
                                                        "score": {"scaled": 0.9}})))
    accepted(quiz.post(quiz.statement(v.TERMINATED)))
    written = stored(client, registration_id)
    assert verbs(written)[-7:] == ["launched", "initialized", "completed", "passed", "satisfied", "satisfied",
                                   "terminated"]
    block_satisfied, course_satisfied = written[-3], written[-2]
    assert block_satisfied["object"]["definition"]["type"] == v.BLOCK_TYPE
    assert course_satisfied["object"]["definition"]["type"] == v.COURSE_TYPE
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in written[-3:-1]] == [JUDGED, COURSE]
    assert {s["context"]["extensions"][v.SESSION_ID_EXTENSION] for s in written[-3:-1]} == {quiz.session_id}
    assert {s["authority"]["account"]["name"] for s in written[-3:-1]} == {"cmi5"}  # the LMS writes them
    assert written[-4]["stored"] == block_satisfied["stored"]  # one request, one transaction
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["satisfied"] is True
    # 8.2.1: the token is limited to the duration of the session
    assert quiz.post(quiz.statement(EXPERIENCED, defined=False)).status_code == 401
    assert quiz.profile().status_code == 401


def test_a_batch_initialized_to_terminated_in_one_post(client, course):
    # cmi5 9.3 in array and timestamp order; satisfied right after passed inside the batch
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    assert quiz.profile().status_code in (200, 404)
    now = client.app.extensions["delivery"].runtime.now_ms()
    batch = [quiz.statement(verb, at_ms=now + step) for step, verb in
             enumerate([v.INITIALIZED, v.PASSED, v.COMPLETED, v.TERMINATED])]
    response = quiz.post(batch)
    accepted(response)
    assert response.get_json() == [s["id"] for s in batch]  # the batch's ids only
    assert verbs(stored(client, registration_id))[-6:] == ["initialized", "passed", "completed", "satisfied",
                                                           "satisfied", "terminated"]


def test_learner_preferences_are_kept_and_read_back(client, course):
    # cmi5 11.0: both the LMS and the AU MAY write changes to Learner Preferences
    quiz = start_au(client, client.registration(course, KIM))
    accepted(quiz.profile("PUT", data=orjson.dumps(PREFERENCES), content_type="application/json",
                          headers={"If-None-Match": "*"}))
    response = quiz.profile()
    assert response.status_code == 200 and orjson.loads(response.get_data()) == PREFERENCES


# --- refusals: 403 with the section, nothing stored --------------------------------------------------

def _bad_statements(quiz: Au) -> list[tuple[str, object]]:
    """(section, statement or batch) pairs an initialized Normal session must refuse."""
    s = quiz.statement
    other = copy.deepcopy(quiz.launch.actor)
    other["account"]["name"] = "lee"
    no_context = s(v.COMPLETED)
    del no_context["context"]
    return [
        ("cmi5 9.3", s(v.INITIALIZED)),
        ("cmi5 6.3", s("http://adlnet.gov/expapi/verbs/voided", defined=False,
                       target={"objectType": "StatementRef", "id": str(uuid.uuid4())})),
        ("cmi5 9.3.1", s(v.LAUNCHED, defined=False)),
        ("cmi5 9.3.6", s(v.ABANDONED)),
        ("cmi5 9.3.7", s(v.WAIVED, result={"success": True, "completion": True})),
        ("cmi5 9.3.9", s(v.SATISFIED, defined=False)),
        ("cmi5 9.7", {**s(EXPERIENCED, defined=False), "timestamp": "2026-11-30T01:00:00.000-06:00"}),
        ("cmi5 9.7", {k: val for k, val in s(EXPERIENCED, defined=False).items() if k != "timestamp"}),
        ("cmi5 9.2", {**s(v.COMPLETED), "actor": other}),
        ("cmi5 9.2", {**s(v.COMPLETED), "actor": {"objectType": "Group", "account": KIM["account"]}}),
        ("cmi5 9.2", {**s(v.COMPLETED), "actor": {"mbox": "mailto:catapult@example.com"}}),
        ("cmi5 9.6", no_context),
        ("cmi5 9.6.1", s(v.COMPLETED) | {"context": {**s(v.COMPLETED)["context"],
                                                     "registration": str(uuid.uuid4())}}),
        ("cmi5 9.6.3.1", s(EXPERIENCED, defined=False) | {"context": {
            **s(EXPERIENCED, defined=False)["context"], "extensions": {}}}),
        ("cmi5 10.2.1", s(EXPERIENCED, defined=False) | {"context": {
            **s(EXPERIENCED, defined=False)["context"], "contextActivities": {}}}),
        ("cmi5 9.4", s(v.COMPLETED, target={"id": "http://example.com/not/the/lms/id"})),
        ("cmi5 7.1.3", s(EXPERIENCED)),
        ("cmi5 9.5.3", s(v.COMPLETED, result={"completion": False, "duration": "PT1S"})),
        ("cmi5 9.5.2", s(v.COMPLETED, result={"completion": True, "success": True, "duration": "PT1S"})),
        ("cmi5 9.5.1", s(v.COMPLETED, result={"completion": True, "duration": "PT1S", "score": {"scaled": 0.5}})),
        ("cmi5 9.5.1", s(v.PASSED, result={"success": True, "duration": "PT1S",
                                           "score": {"raw": 90, "max": 100, "scaled": 0.9}})),
        ("cmi5 9.5.2", s(v.PASSED, result={"duration": "PT1S"})),
        ("cmi5 9.5.2", s(v.FAILED, result={"success": True, "duration": "PT1S"})),
        ("cmi5 9.5.4.1 Terminated", s(v.TERMINATED, result={})),
        ("cmi5 9.5.4.1 Completed", s(v.COMPLETED, result={"completion": True})),
        ("cmi5 9.5.4.1 Passed", s(v.PASSED, result={"success": True, "score": {"scaled": 0.9}})),
        ("cmi5 9.5.4.1 Failed", s(v.FAILED, result={"success": False, "score": {"scaled": 0.5}})),
        ("cmi5 9.6.2.2", s(v.COMPLETED, move_on=False)),
        ("cmi5 9.6.2.2", s(v.TERMINATED, move_on=True)),
        ("cmi5 9.6.2.2", s(EXPERIENCED, defined=False, move_on=True)),
        ("cmi5 9.6.3.2", s(v.PASSED, mastery=False)),
        ("cmi5 9.3.4", s(v.PASSED, result={"success": True, "duration": "PT1S", "score": {"scaled": 0.79}})),
        ("cmi5 9.3.5", s(v.FAILED, result={"success": False, "duration": "PT1S", "score": {"scaled": 0.8}})),
        ("cmi5 9.3", s(EXPERIENCED, defined=False, at_ms=0)),  # before initialized, by timestamp
        ("cmi5 9.3.8", [s(v.TERMINATED), s(EXPERIENCED, defined=False)]),
        ("cmi5 9.3", [s(v.COMPLETED), s(v.COMPLETED)]),
        ("cmi5 9.3", [s(v.PASSED), s(v.FAILED)]),
    ]


def test_each_rule_refuses_with_403_naming_its_section_and_stores_nothing(client, course):
    # issue 12 Session rules: each rejection is 403 with a message naming the requirement, and stores nothing
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id).start()
    before = stored(client, registration_id)
    for section, payload in _bad_statements(quiz):
        body = refused(quiz.post(payload), section)
        if isinstance(payload, list):
            assert body["path"] == "[1]"
    # PUT too
    statement = quiz.statement(v.COMPLETED, result={"duration": "PT1S"})
    refused(quiz.open("PUT", "/xapi/statements", query_string={"statementId": statement["id"]}, json=statement),
            "cmi5 9.5.3")
    assert stored(client, registration_id) == before
    # The same session still takes good statements: nothing refused changed it.
    accepted(quiz.post([quiz.statement(EXPERIENCED, defined=False), quiz.statement(v.COMPLETED)]))


def test_a_refused_array_stores_none_of_its_statements(client, course):
    # issue 12: a POST array is checked in array order and refused whole
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id).start()
    before = stored(client, registration_id)
    good = quiz.statement(EXPERIENCED, defined=False)
    refused(quiz.post([good, quiz.statement(v.COMPLETED), quiz.statement(v.COMPLETED)]), "cmi5 9.3")
    assert stored(client, registration_id) == before
    assert quiz.open("GET", "/xapi/statements", query_string={"statementId": good["id"]}).status_code == 404


def test_nothing_before_learner_preferences_then_nothing_before_initialized(client, course):
    # cmi5 11.0: the AU retrieves the Learner Preferences on startup; 9.3: initialized first
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    before = stored(client, registration_id)
    refused(quiz.post(quiz.statement(v.INITIALIZED)), "cmi5 11.0")
    assert quiz.profile().status_code in (200, 404)
    refused(quiz.post(quiz.statement(EXPERIENCED, defined=False)), "cmi5 9.3")
    refused(quiz.post(quiz.statement(v.COMPLETED)), "cmi5 9.3")
    assert stored(client, registration_id) == before
    accepted(quiz.post(quiz.statement(v.INITIALIZED)))


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_browse_and_review_may_not_complete_pass_or_fail(client, course, mode):
    # cmi5 10.2.2
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id, mode=mode).start()
    before = stored(client, registration_id)
    for verb in (v.COMPLETED, v.PASSED, v.FAILED):
        refused(quiz.post(quiz.statement(verb)), "cmi5 10.2.2")
    assert stored(client, registration_id) == before
    accepted(quiz.post(quiz.statement(v.TERMINATED)))


def test_completed_and_passed_once_per_registration_and_no_failed_after_passed(client, course):
    # cmi5 9.3 (per registration): one completed, one passed, no failed after passed, across sessions
    registration_id = client.registration(course, KIM)
    first = start_au(client, registration_id).start()
    accepted(first.post([first.statement(v.COMPLETED), first.statement(v.PASSED)]))
    second = start_au(client, registration_id).start()  # the relaunch abandons the first session
    assert first.post(first.statement(EXPERIENCED, defined=False)).status_code == 401  # 9.3.6
    before = stored(client, registration_id)
    refused(second.post(second.statement(v.COMPLETED)), "cmi5 9.3.3")
    refused(second.post(second.statement(v.PASSED)), "cmi5 9.3.4")
    refused(second.post(second.statement(v.FAILED)), "cmi5 9.3")
    assert stored(client, registration_id) == before


def test_failed_then_passed_in_a_later_session(client, course):
    # cmi5 9.3: only failed after passed is refused; one of passed/failed per session
    registration_id = client.registration(course, KIM)
    first = start_au(client, registration_id).start()
    accepted(first.post(first.statement(v.FAILED)))
    refused(first.post(first.statement(v.PASSED)), "cmi5 9.3")
    accepted(first.post(first.statement(v.TERMINATED)))
    second = start_au(client, registration_id).start()
    accepted(second.post(second.statement(v.PASSED)))


# --- what the token reaches ---------------------------------------------------------------------------

def test_launch_data_is_read_only(client, course):
    # cmi5 10.2.1: the AU MUST NOT modify or delete LMS.LaunchData
    quiz = start_au(client, client.registration(course, KIM))
    address = {"activityId": quiz.launch.activity_id, "agent": orjson.dumps(quiz.launch.actor).decode(),
               "registration": quiz.launch.registration_id, "stateId": "LMS.LaunchData"}
    refused(quiz.open("PUT", "/xapi/activities/state", query_string=address, json={"test": True}), "cmi5 10.2.1")
    refused(quiz.open("POST", "/xapi/activities/state", query_string=address, json={"test": True}), "cmi5 10.2.1")
    refused(quiz.open("DELETE", "/xapi/activities/state", query_string=address), "cmi5 10.2.1")
    many = {key: value for key, value in address.items() if key != "stateId"}
    refused(quiz.open("DELETE", "/xapi/activities/state", query_string=many), "cmi5 10.2.1")
    response = quiz.open("GET", "/xapi/activities/state", query_string=address)
    assert response.status_code == 200 and "contextTemplate" in orjson.loads(response.get_data())
    bookmark = {**address, "stateId": "bookmark"}
    accepted(quiz.open("PUT", "/xapi/activities/state", query_string=bookmark, json={"page": 3}))
    accepted(quiz.open("DELETE", "/xapi/activities/state", query_string=bookmark))
    other_registration = {**bookmark, "registration": str(uuid.uuid4())}
    refused(quiz.open("GET", "/xapi/activities/state", query_string=other_registration), "cmi5 8.2.1")


@pytest.mark.parametrize("content, content_type, section", [
    ({"languagePreference": "en-US,fr-FR,fr-BE", "audioPreference": "on"}, None, "cmi5 11.0"),
    ("just some text", "text/plain", "cmi5 11.0"),
    ({"audioPreference": "on"}, "application/json", "cmi5 11.0"),
    ({"languagePreference": "en-US"}, "application/json", "cmi5 11.0"),
    ({"languagePreference": "not comma separated", "audioPreference": "on"}, "application/json", "cmi5 11.1"),
    ({"languagePreference": "", "audioPreference": "on"}, "application/json", "cmi5 11.1"),
    ({"languagePreference": "en-US", "audioPreference": "loud"}, "application/json", "cmi5 11.2"),
])
def test_learner_preferences_are_validated(client, course, content, content_type, section):
    # cmi5 11.0-11.2 (CATAPULT 11.0.0.0-5, 11.1.0.0-1)
    quiz = start_au(client, client.registration(course, KIM))
    before = quiz.profile().get_data()
    data = content.encode() if isinstance(content, str) else orjson.dumps(content)
    refused(quiz.profile("PUT", data=data, content_type=content_type), section)
    assert quiz.profile().get_data() == before  # nothing stored


def test_agent_profile_of_another_agent_is_refused(client, course):
    # cmi5 11.0: the agent MUST match the launch actor
    quiz = start_au(client, client.registration(course, KIM))
    stranger = {"mbox": "mailto:catapult@example.com"}
    refused(quiz.profile("PUT", agent=stranger, data=orjson.dumps(PREFERENCES), content_type="application/json"),
            "cmi5 11.0")
    refused(quiz.profile("GET", agent=stranger), "cmi5 11.0")


def test_an_agent_profile_request_without_an_agent_is_a_400(client, course):
    # xAPI-Communication 2.6: agent is required; CATAPULT 11.0.0.0-1 (d) expects 400 for an AU token too
    quiz = start_au(client, client.registration(course, KIM))
    response = quiz.open("PUT", "/xapi/agents/profile", query_string={"profileId": "cmi5LearnerPreferences"},
                         data=orjson.dumps(PREFERENCES), content_type="application/json")
    assert response.status_code == 400 and response.get_json()["path"] == "agent"


def test_an_au_token_may_not_read_agents(client, course):
    # issue 12 Fetch URL: statements, State, Activity Profile, its own Agent Profile, /activities and
    # /about; anything outside that is 403
    quiz = start_au(client, client.registration(course, KIM))
    response = quiz.open("GET", "/xapi/agents", query_string={"agent": orjson.dumps(quiz.launch.actor).decode()})
    refused(response, "cmi5 8.2")


def test_statement_reads_are_limited_to_the_registration_and_actor(client, course):
    # issue 12 Fetch URL: GET statements limited to its registration and actor
    registration_id = client.registration(course, KIM)
    elsewhere = client.registration(course, {"name": "Lee", "account": {"homePage": "https://lms.example.com",
                                                                        "name": "lee"}})
    assert client.launch(elsewhere, launchable=INTRO).status_code == 200  # its launched statement
    other_statement = stored(client, elsewhere)[0]
    quiz = start_au(client, registration_id).start()
    mine = quiz.open("GET", "/xapi/statements", query_string={"limit": 100}).get_json()["statements"]
    assert mine and {s["context"]["registration"] for s in mine} == {registration_id}
    assert quiz.open("GET", "/xapi/statements", query_string={"registration": elsewhere}).get_json()["statements"] \
        == []
    assert quiz.open("GET", "/xapi/statements", query_string={"statementId": other_statement["id"]}).status_code \
        == 404
    own = quiz.open("GET", "/xapi/statements", query_string={"statementId": mine[0]["id"]})
    assert own.status_code == 200


def test_activities_about_and_activity_profiles_work(client, course):
    # issue 12 Fetch URL: /activities and /about; cmi5 12.0 Activity Profile
    quiz = start_au(client, client.registration(course, KIM))
    assert quiz.open("GET", "/xapi/about").status_code == 200
    assert quiz.open("GET", "/xapi/activities", query_string={"activityId": quiz.launch.activity_id}).status_code \
        == 200
    profile = {"activityId": quiz.launch.activity_id, "profileId": "notes"}
    accepted(quiz.open("PUT", "/xapi/activities/profile", query_string=profile, json={"a": 1},
                       headers={"If-None-Match": "*"}))
    assert quiz.open("GET", "/xapi/activities/profile", query_string=profile).status_code == 200


def test_unknown_or_ended_tokens_are_401(client, course):
    # cmi5 8.2.1: limited to the duration of the session
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    wrong_secret = base64.b64encode(f"{quiz.session_id}:not-the-secret".encode()).decode()
    fake = Au(client, quiz.launch, f"Basic {wrong_secret}", quiz.session_id)
    assert fake.open("GET", "/xapi/about").status_code == 200  # public
    assert fake.profile().status_code == 401
    assert client.open("POST", f"/api/v1/sessions/{quiz.session_id}/abandon").status_code == 204
    assert quiz.profile().status_code == 401


def test_other_credentials_are_not_held_to_the_rules(client, course):
    # issue 12: these rules apply only to AU tokens
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    statement = quiz.statement(v.COMPLETED, result={"duration": "PT1S"})  # 9.5.3 for an AU
    response = client.open("POST", "/xapi/statements", headers=XAPI, json=statement)
    assert response.status_code == 200, response.get_data()[:300]


# --- re-sent statements, concurrent requests, session time ---------------------------------------------

def test_a_statement_sent_again_unchanged_is_not_an_error(client, course):
    # xAPI-Communication 2.1.2/2.1.3: a statement whose id is stored with the same content is no error;
    # the session rules (cmi5 9.3 one initialized, 9.3.3 one completed) do not count it a second time
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    assert quiz.profile().status_code in (200, 404)
    initialized, completed = quiz.statement(v.INITIALIZED), quiz.statement(v.COMPLETED)
    accepted(quiz.post(initialized))
    accepted(quiz.post(completed))
    before = stored(client, registration_id)
    assert quiz.post(initialized).get_json() == [initialized["id"]]
    accepted(quiz.post(completed))
    accepted(quiz.open("PUT", "/xapi/statements", query_string={"statementId": completed["id"]}, json=completed))
    assert stored(client, registration_id) == before
    # Within a batch: the re-sent one is left out, the new one judged and stored.
    progressed = quiz.statement(EXPERIENCED, defined=False)
    accepted(quiz.post([completed, progressed]))
    assert [s["id"] for s in stored(client, registration_id)] == [s["id"] for s in before] + [progressed["id"]]
    # The same id with other content is still refused, and the session's rules still hold.
    changed = {**completed, "result": {"completion": True, "duration": "PT2S"}}
    refused(quiz.post(changed), "cmi5 9.3")
    refused(quiz.post(quiz.statement(v.COMPLETED)), "cmi5 9.3")


def _au_principal(client, quiz: Au):
    """The Principal an AU request gets when it is authenticated (cmi5.lrs_policy.au_token_credentials)."""
    from cmi5.lrs_policy import au_token_credentials
    session_id, secret = base64.b64decode(quiz.authorization.split(" ", 1)[1]).decode().split(":", 1)
    return au_token_credentials(client.app.extensions["delivery"].runtime)(session_id, secret)


def test_two_requests_of_one_session_cannot_both_use_its_one_initialized(client, course):
    # cmi5 9.3: no defined verb twice in a session; issue 12: the rules hold for requests of one session that
    # race. Both requests are authenticated (the session and its facts read) before either stores: the
    # second's facts are stale, and it is judged again on what the first claimed.
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id)
    assert quiz.profile().status_code in (200, 404)
    first, second = _au_principal(client, quiz), _au_principal(client, quiz)
    service = client.app.extensions["lrs"].statements
    service.store(first, quiz.statement(v.INITIALIZED), version="1.0.3")
    before = stored(client, registration_id)
    with pytest.raises(Forbidden) as refusal:
        service.store(second, quiz.statement(v.INITIALIZED), version="1.0.3")
    assert refusal.value.section == "cmi5 9.3" and "already used in this session" in str(refusal.value)
    assert stored(client, registration_id) == before
    # A racing request that the other one does not contradict is accepted on the fresh facts, and the
    # satisfaction it decides is written once.
    third, fourth = _au_principal(client, quiz), _au_principal(client, quiz)
    service.store(third, quiz.statement(v.COMPLETED), version="1.0.3")
    service.store(fourth, quiz.statement(v.PASSED), version="1.0.3")
    assert verbs(stored(client, registration_id))[-4:] == ["completed", "passed", "satisfied", "satisfied"]


def test_a_request_racing_the_end_of_its_session_is_401(client, course):
    # cmi5 8.2.1: the token is limited to the duration of the session, also for a request authenticated
    # just before another request of the session terminated it
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id).start()
    late = _au_principal(client, quiz)
    accepted(quiz.post(quiz.statement(v.TERMINATED)))
    before = stored(client, registration_id)
    with pytest.raises(Unauthorized):
        client.app.extensions["lrs"].statements.store(late, quiz.statement(EXPERIENCED, defined=False),
                                                      version="1.0.3")
    assert stored(client, registration_id) == before


def test_terminated_durations_add_up_to_the_registration_total_time(client, course):
    # launch-api.md progress: totalTime "summed over every attempt and session"; cmi5 9.5.4.1: terminated's
    # duration is the session's time
    registration_id = client.registration(course, KIM)
    first = start_au(client, registration_id).start()
    accepted(first.post(first.statement(v.TERMINATED, result={"duration": "PT1M30S"})))
    progress = client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()
    assert progress["totalTime"] == "PT0H1M30S"
    second = start_au(client, registration_id).start()
    accepted(second.post(second.statement(v.TERMINATED, result={"duration": "PT1H0.5S"})))
    assert client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["totalTime"] == "PT1H1M30.5S"


def test_abandoned_session_time_adds_to_the_registration_total_time(client, course):
    # launch-api.md progress: totalTime "summed over every attempt and session"; cmi5 3 "Session": from the launch
    # "until its termination (or abandonment)"; 9.5.4.2: abandoned's duration is "the total session time ...
    # between the launched statement and the last statement (of any kind) issued by the AU"
    registration_id = client.registration(course, KIM)
    runtime = client.app.extensions["delivery"].runtime
    first = start_au(client, registration_id).start()
    accepted(first.post(first.statement(v.TERMINATED, result={"duration": "PT1M30S"})))

    def last_statement_after(au: Au, milliseconds: int) -> None:
        session = runtime.session(client.store_id, au.session_id)
        runtime.save_session_data(session, {**session.data, "lastStatementMs": session.launched_ms + milliseconds})

    second = start_au(client, registration_id).start()
    last_statement_after(second, 2_500)
    assert client.open("POST", f"/api/v1/sessions/{second.session_id}/abandon").status_code == 204
    assert stored(client, registration_id)[-1]["result"] == {"duration": "PT2.500S"}
    assert client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["totalTime"] == "PT0H1M32.5S"
    # A second abandon is refused and adds nothing (9.3: at most one abandoned per session).
    assert client.open("POST", f"/api/v1/sessions/{second.session_id}/abandon").status_code == 409
    assert verbs(stored(client, registration_id)).count("abandoned") == 1
    # A relaunch abandons the open session the same way (9.3.6).
    third = start_au(client, registration_id).start()
    last_statement_after(third, 1_000)
    start_au(client, registration_id)
    assert client.open("GET", f"/api/v1/registrations/{registration_id}").get_json()["totalTime"] == "PT0H1M33.5S"
    assert second.post(second.statement(EXPERIENCED, defined=False)).status_code == 401


def test_an_ended_or_unknown_token_is_refused_cheaply_and_alike(client, course):
    # cmi5 8.2.1: the token is "limited to the duration of the session"; an AU that keeps sending after its
    # session ended costs a digest look-up, not the argon2 work that stored credentials' secrets need
    # (lrs/auth/secrets.py), and an ended token's refusal reads as an unknown one's
    registration_id = client.registration(course, KIM)
    quiz = start_au(client, registration_id).start()
    accepted(quiz.post(quiz.statement(v.TERMINATED)))
    unknown = Au(client, quiz.launch, "Basic " + base64.b64encode(f"{uuid.uuid4()}:no-such-secret".encode()).decode(),
                 quiz.session_id)

    def cpu_seconds(call) -> float:
        spent = []
        for _ in range(5):
            start = time.process_time()
            call()
            spent.append(time.process_time() - start)
        return sorted(spent)[2]

    ended_refusal, unknown_refusal = quiz.post(quiz.statement(EXPERIENCED, defined=False)), unknown.profile()
    assert ended_refusal.status_code == unknown_refusal.status_code == 401
    assert ended_refusal.get_json() == unknown_refusal.get_json()
    password_check = cpu_seconds(lambda: secret_matches(DUMMY_HASH, "no-such-secret"))
    assert cpu_seconds(lambda: quiz.profile()) < password_check / 2
    assert cpu_seconds(lambda: unknown.profile()) < password_check / 2


def test_an_au_sending_after_its_session_ended_is_never_throttled(database_url, tmp_path):
    # cmi5 8.2.1: the ended token is refused (401); xAPI-Communication 3.2.s3.b13 throttles guessers, and a 256-bit
    # token leaves nothing to guess, so these refusals do not bring the learner's address to a 429
    application = create_app(Settings(database_url=database_url, secret_key=SERVER_SECRET, auth_failure_limit=2,
                                      content_dir=tmp_path / "content", public_url="https://lrs.example.com"))
    try:
        client = CourseClient(application)
        structure = course_xml(block(JUDGED, au(QUIZ, url="https://quiz.example.com/q")), course_id=COURSE)
        course_id = client.import_zip(zip_bytes({"cmi5.xml": structure})).get_json()["id"]
        quiz = start_au(client, client.registration(course_id, KIM))
        assert client.open("POST", f"/api/v1/sessions/{quiz.session_id}/abandon").status_code == 204
        assert [quiz.profile().status_code for _ in range(12)] == [401] * 12
        # A wrong secret for a stored credential's key is still counted.
        wrong = base64.b64encode(f"{client.credential.key}:wrong".encode()).decode()
        statuses = [client.http.get("/xapi/statements", headers={**XAPI, "Authorization": f"Basic {wrong}"}
                                    ).status_code for _ in range(3)]
        assert statuses[-1] == 429
    finally:
        application.extensions["lrs"].close()


class _CountedCredentials(CredentialStorage):
    """The real credential store, counting its look-ups."""

    def __init__(self, engines):
        super().__init__(engines)
        self.looked_up: list[str] = []

    def by_key(self, key: str):
        self.looked_up.append(key)
        return super().by_key(key)


def _au_authenticator(client) -> tuple[Authenticator, _CountedCredentials]:
    from cmi5.lrs_policy import au_token_credentials
    services = client.app.extensions["lrs"]
    credentials = _CountedCredentials(services.engines)
    authenticator = Authenticator(credentials, services.tokens, FailureThrottle(2, 60), cache_seconds=0)
    authenticator.add_basic_resolver(au_token_credentials(client.app.extensions["delivery"].runtime))
    return authenticator, credentials


def _basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def test_an_au_token_is_authenticated_without_a_credential_look_up(client, course):
    # cmi5 8.2.1: the auth-token is the AU's Basic credential for every request; the session is what it stands
    # for, so the credential store is not read on the way
    quiz = start_au(client, client.registration(course, KIM))
    authenticator, credentials = _au_authenticator(client)
    principal = authenticator.authenticate(quiz.authorization, "192.0.2.7")
    assert principal.session_policy is not None and principal.store_id == client.store_id
    assert credentials.looked_up == []


def test_a_stored_credential_shaped_like_an_au_token_still_works_and_its_misses_count(client, course):
    # xAPI-Communication 4.0: a stored credential authenticates whatever its key looks like; 3.2.s3.b13: a wrong
    # secret for it is a failure the throttle counts, while an unknown token of the session shape is refused
    # without counting (cmi5 8.2.1, see test_an_au_sending_after_its_session_ended_is_never_throttled)
    key = str(uuid.uuid4())
    issued = client.app.extensions["lrs"].administration.create_credential_in("tests", "cmi5 rules", name="uuid key",
                                                                                key=key, scopes="statements/read")
    authenticator, _ = _au_authenticator(client)
    assert authenticator.authenticate(_basic(key, issued.secret), "192.0.2.8").key == key
    unknown = _basic(str(uuid.uuid4()), "no-such-secret")
    for _ in range(4):
        with pytest.raises(Unauthorized):
            authenticator.authenticate(unknown, "192.0.2.8")
    for _ in range(2):
        with pytest.raises(Unauthorized):
            authenticator.authenticate(_basic(key, "wrong"), "192.0.2.8")
    with pytest.raises(TooManyRequests):
        authenticator.authenticate(_basic(key, issued.secret), "192.0.2.8")
    # An unknown key of another shape is a regular miss, counted as before.
    for _ in range(2):
        with pytest.raises(Unauthorized):
            authenticator.authenticate(_basic("no-such-key", "secret"), "192.0.2.8")
    with pytest.raises(TooManyRequests):
        authenticator.authenticate(_basic("no-such-key", "secret"), "192.0.2.8")
