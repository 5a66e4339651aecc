"""The SCORM runtime over HTTP, as the player drives it (docs/scorm-player-protocol.md) and as an LMS
sees it (launch-api.md): import a real golf package, register, launch, start, commit 1.2 and 2004 data,
terminate, resume, progress, statements. On SQLite and PostgreSQL (tests/conftest.py `app`)."""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from scorm_runtime import statements as xs

SCORM_FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "scorm"
GOLF_12_SINGLE = "golf_ContentPackagingSingleSCO_SCORM12.zip"
GOLF_12_MULTI = "golf_RuntimeMinimumCalls_SCORM12.zip"
GOLF_2004_SINGLE = "golf_RuntimeBasicCalls_SCORM20043rdEdition.zip"
LEARNER = {"objectType": "Agent", "name": "Ada Lovelace",
           "account": {"homePage": "https://lms.example", "name": "ada-1815"}}


class Lms:
    """An LMS of the contract (credential with scope all) and a player of the protocol (no credential)."""

    def __init__(self, xapi):
        self.xapi = xapi
        self.http = xapi.http

    def import_course(self, name: str) -> dict:
        response = self.xapi.request("POST", "/api/v1/courses", data=(SCORM_FIXTURES / name).read_bytes(),
                                     headers={"Content-Type": "application/zip"})
        assert response.status_code == 201, response.data[:500]
        return response.get_json()

    def register(self, course: dict, learner: dict = LEARNER) -> str:
        response = self.xapi.request("POST", "/api/v1/registrations", json={"course": course["id"], "learner": learner})
        assert response.status_code == 201, response.data[:500]
        return response.get_json()["id"]

    def launch(self, registration: str, **body) -> dict:
        response = self.xapi.request("POST", f"/api/v1/registrations/{registration}/launch", json=body)
        assert response.status_code == 200, response.data[:500]
        return response.get_json()

    def progress(self, registration: str) -> dict:
        response = self.xapi.request("GET", f"/api/v1/registrations/{registration}")
        assert response.status_code == 200, response.data[:500]
        return response.get_json()

    # --- the player's calls: no credential, the token in the body
    def call(self, session: str, name: str, body: dict):
        return self.http.post(f"/player/api/sessions/{session}/{name}", json=body)

    def start(self, launch: dict) -> dict:
        match = re.fullmatch(r"(.+)/player/([0-9a-f-]+)#launch=(.+)", launch["url"])
        assert match and match.group(2) == launch["session"], launch["url"]
        response = self.call(launch["session"], "start", {"launchToken": match.group(3)})
        assert response.status_code == 200, response.data[:500]
        return response.get_json()

    def commit(self, launch: dict, started: dict, cmi: dict, name: str = "commit"):
        return self.call(launch["session"], name, {"sessionToken": started["sessionToken"], "cmi": cmi})

    def statements(self, registration: str) -> list[dict]:
        found, page = [], self.xapi.get_statements(registration=registration, ascending="true").get_json()
        while True:
            found += page["statements"]
            if not page["more"]:
                return found
            page = self.xapi.request("GET", page["more"]).get_json()


@pytest.fixture
def lms(xapi) -> Lms:
    return Lms(xapi)


def course_iri_of(statements: list[dict]) -> str:
    """The course activity every SCO statement carries in grouping (xAPI SCORM Profile 3.2)."""
    grouping = statements[0]["context"]["contextActivities"]["grouping"]
    return next(activity["id"] for activity in grouping if activity["definition"]["type"] == xs.TYPE_COURSE)


def _verbs(statements: list[dict]) -> list[str]:
    return [statement["verb"]["id"].rsplit("/", 1)[-1] for statement in statements]


# The profile's primary pattern `generalpattern`, per attempt: initialization, middle statements,
# (suspension, resumption, middle statements)*, termination (scorm-v1.0.jsonld "patterns").
_MIDDLE = r"(?:(?:completed|passed|failed|scored|responded|commented) )*"
GENERAL_PATTERN = re.compile(rf"initialized {_MIDDLE}(?:suspended resumed {_MIDDLE})*(?:terminated |suspended )?")


def assert_attempts_follow_the_general_pattern(statements: list[dict]) -> None:
    by_attempt: dict[str, list[str]] = {}
    for statement, verb in zip(statements, _verbs(statements)):
        attempt = next(a["id"] for a in statement["context"]["contextActivities"]["grouping"]
                       if a["definition"]["type"] == xs.TYPE_ATTEMPT)
        by_attempt.setdefault(attempt, []).append(verb)
    for attempt, verbs in by_attempt.items():
        assert GENERAL_PATTERN.fullmatch(" ".join(verbs) + " "), (attempt, verbs)


def test_scorm12_attempt_commits_suspends_resumes_and_reports(lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    # docs/scorm-player-protocol.md, The launch URL: {public URL}/player/{session}#launch={token}.
    assert launch["launchMethod"] is None
    started = lms.start(launch)
    assert started["standard"] == "scorm12"
    cmi = started["cmi"]
    # launch-api.md, SCORM specifics, Learner: student_id is account.name, student_name the Agent's name.
    assert cmi["cmi.core.student_id"] == "ada-1815" and cmi["cmi.core.student_name"] == "Ada Lovelace"
    assert cmi["cmi.core.entry"] == "ab-initio" and cmi["cmi.core.lesson_mode"] == "normal"
    assert started["content"]["scormType"] == "sco"
    assert started["content"]["url"].endswith("/shared/launchpage.html")
    assert started["settings"]["maxStringLength"] == 64_000
    # The launch token works once (protocol, start).
    again = lms.call(launch["session"], "start", {"launchToken": launch["url"].split("#launch=")[1]})
    assert again.status_code == 401 and again.get_json()["error"] == "invalid_token"

    suspend_data = "x" * 20_000  # over 1.2's 4,096 SPM: stored up to the setting (issue 11)
    response = lms.commit(launch, started, {
        "cmi.core.lesson_location": "page-3", "cmi.suspend_data": suspend_data,
        "cmi.core.lesson_status": "incomplete", "cmi.core.score.raw": "40",
        "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.student_response": "a", "cmi.interactions.0.result": "wrong",
        "cmi.core.student_id": "mallory"})  # read-only: rejected, nothing else affected (1.2 RTE 3.4.2, 403)
    assert response.status_code == 200
    assert [(r["element"], r["code"]) for r in response.get_json()["rejected"]] == [("cmi.core.student_id", 403)]
    response = lms.commit(launch, started, {"cmi.core.exit": "suspend", "cmi.core.session_time": "00:01:30"},
                          name="terminate")
    assert response.status_code == 200
    # A commit to a finished session is refused (issue 11; protocol 409 session_ended).
    late = lms.commit(launch, started, {"cmi.core.lesson_location": "page-9"})
    assert late.status_code == 409 and late.get_json()["error"] == "session_ended"

    # Relaunch with no item: the suspended item, entry resume, same location/suspend_data/interactions.
    launch2 = lms.launch(registration)
    started2 = lms.start(launch2)
    cmi2 = started2["cmi"]
    assert cmi2["cmi.core.entry"] == "resume"
    assert cmi2["cmi.core.lesson_location"] == "page-3" and cmi2["cmi.suspend_data"] == suspend_data
    assert cmi2["cmi.interactions.0.id"] == "q1"
    assert cmi2["cmi.core.total_time"] == "0000:01:30.00"
    response = lms.commit(launch2, started2, {"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "90",
                                              "cmi.core.session_time": "00:02:00", "cmi.comments": "Fun"},
                          name="terminate")
    assert response.status_code == 200

    progress = lms.progress(registration)
    # launch-api.md, Registrations: lesson_status passed -> completed/passed; raw 90 -> 0.9; time summed.
    assert (progress["completion"], progress["success"], progress["satisfied"]) == ("completed", "passed", True)
    assert progress["score"] == pytest.approx(0.9)
    assert progress["totalTime"] in ("PT3M30S", "PT0H3M30S")
    item = progress["items"][0]
    assert item["attempts"] == 1  # a resumed session continues its attempt
    assert item["completion"] == "completed" and item["score"] == pytest.approx(0.9)

    statements = lms.statements(registration)
    # launch-api.md, Statements: initialized, then suspended/resumed, then terminated, per attempt.
    assert _verbs(statements) == ["initialized", "scored", "responded", "suspended", "resumed",
                                  "completed", "passed", "scored", "commented", "terminated"]
    assert_attempts_follow_the_general_pattern(statements)
    for statement in statements:
        assert statement["actor"]["account"]["name"] == "ada-1815"
        assert statement["context"]["registration"] == registration
        types = {a["definition"]["type"] for a in statement["context"]["contextActivities"]["grouping"]}
        assert types == {xs.TYPE_ATTEMPT, xs.TYPE_COURSE}
    attempt_ids = {a["id"] for s in statements for a in s["context"]["contextActivities"]["grouping"]
                   if a["definition"]["type"] == xs.TYPE_ATTEMPT}
    assert len(attempt_ids) == 1
    assert statements[-1]["result"]["duration"] == "PT0H2M0S"
    # The profile's state documents: the lesson's attempts, and the attempt's state (scorm-v1.0.jsonld).
    lesson = statements[0]["object"]["id"]
    [attempt_iri] = attempt_ids
    activity_state = lms.xapi.request("GET", "/xapi/activities/state", query_string={
        "activityId": lesson, "agent": json.dumps(LEARNER), "registration": registration,
        "stateId": xs.ACTIVITY_STATE_ID})
    assert activity_state.status_code == 200 and activity_state.get_json() == {"attempts": [attempt_iri]}
    attempt_state = lms.xapi.request("GET", "/xapi/activities/state", query_string={
        "activityId": attempt_iri, "agent": json.dumps(LEARNER), "registration": registration,
        "stateId": xs.ATTEMPT_STATE_ID}).get_json()
    assert attempt_state["total_time"] == "0000:03:30.00" and attempt_state["credit"] == "credit"


def test_scorm2004_commit_derives_status_and_a_new_attempt_starts_after_normal_exit(lms):
    course = lms.import_course(GOLF_2004_SINGLE)
    assert course["standard"] == "scorm2004"
    registration = lms.register(course)
    launch = lms.launch(registration, launchable=course["launchables"][0]["id"])
    started = lms.start(launch)
    cmi = started["cmi"]
    assert cmi["cmi.learner_id"] == "ada-1815" and cmi["cmi.entry"] == "ab-initio"
    response = lms.commit(launch, started, {
        "cmi.location": "2", "cmi.completion_status": "completed", "cmi.success_status": "failed",
        "cmi.score.scaled": "0.35", "cmi.score.raw": "35", "cmi.score.min": "0", "cmi.score.max": "100",
        "cmi.interactions.0.id": "urn:q:1", "cmi.interactions.0.type": "true-false",
        "cmi.interactions.0.learner_response": "true", "cmi.interactions.0.result": "incorrect",
        "cmi.interactions.0.correct_responses.0.pattern": "false",
        "cmi.comments_from_learner.0.comment": "{lang=en}too hard",
        "cmi.score.scaled_bogus": "1"})  # 2004 RTE 401 undefined element
    assert response.status_code == 200
    assert [r["code"] for r in response.get_json()["rejected"]] == [401]
    assert lms.commit(launch, started, {"cmi.exit": "normal", "cmi.session_time": "PT45S"},
                      name="terminate").status_code == 200
    progress = lms.progress(registration)
    assert (progress["completion"], progress["success"]) == ("completed", "failed")
    assert progress["score"] == pytest.approx(0.35)
    assert progress["satisfied"] is True

    launch2 = lms.launch(registration)
    started2 = lms.start(launch2)
    assert started2["cmi"]["cmi.entry"] == "ab-initio"  # 2004 RTE 4.2.7: the attempt ended with exit normal
    assert "cmi.location" not in started2["cmi"]
    lms.commit(launch2, started2, {"cmi.session_time": "PT15S"}, name="terminate")
    progress = lms.progress(registration)
    assert progress["items"][0]["attempts"] == 2
    assert progress["totalTime"] in ("PT1M", "PT1M0S", "PT0H1M0S")

    everything = lms.statements(registration)
    # issue 13, Rollup: the course's own completed and failed, as the root activity rolled up (single SCO).
    course_level = [statement for statement in everything if statement["object"]["id"] == course_iri_of(everything)]
    assert _verbs(course_level) == ["completed", "failed"]
    statements = [statement for statement in everything if statement not in course_level]
    assert _verbs(statements) == ["initialized", "completed", "failed", "scored", "responded", "commented",
                                  "terminated", "initialized", "terminated"]
    assert_attempts_follow_the_general_pattern(statements)
    responded = statements[4]
    assert responded["object"]["definition"]["type"] == xs.TYPE_CMI_INTERACTION
    assert responded["object"]["definition"]["interactionType"] == "true-false"
    assert responded["result"] == {"response": "true", "success": False}
    assert responded["context"]["contextActivities"]["parent"][0]["id"] == statements[0]["object"]["id"]
    assert statements[5]["result"]["response"] == "too hard"


def test_a_second_launch_ends_the_first_session_with_its_last_commit(lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    first = lms.launch(registration)
    first_started = lms.start(first)
    lms.commit(first, first_started, {"cmi.core.lesson_location": "p7", "cmi.core.exit": "suspend",
                                      "cmi.core.session_time": "00:00:10"})
    second = lms.launch(registration)
    # The first tab's next commit is refused: its session ended (issue 11, second tab).
    stale = lms.commit(first, first_started, {"cmi.core.lesson_location": "p8"})
    assert stale.status_code == 409 and stale.get_json()["error"] == "session_ended"
    second_started = lms.start(second)
    assert second_started["cmi"]["cmi.core.entry"] == "resume"
    assert second_started["cmi"]["cmi.core.lesson_location"] == "p7"
    sessions = {s["id"]: s["state"] for s in lms.progress(registration)["sessions"]}
    assert sessions[first["session"]] == "ended" and sessions[second["session"]] == "open"
    assert _verbs(lms.statements(registration)) == ["initialized", "suspended", "resumed"]


def test_abandon_ends_the_session_with_its_last_commit_and_its_token_stops(lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    lms.commit(launch, started, {"cmi.core.lesson_status": "completed", "cmi.core.session_time": "00:00:05"})
    response = lms.xapi.request("POST", f"/api/v1/sessions/{launch['session']}/abandon")
    assert response.status_code == 204
    assert lms.commit(launch, started, {"cmi.core.lesson_location": "x"}).status_code == 409
    progress = lms.progress(registration)
    assert progress["completion"] == "completed" and progress["totalTime"] in ("PT5S", "PT0H0M5S")
    assert _verbs(lms.statements(registration)) == ["initialized", "completed", "terminated"]


def test_multi_sco_course_rolls_up_and_navigates_in_tree_order(lms):
    course = lms.import_course(GOLF_12_MULTI)
    registration = lms.register(course)
    launchables = course["launchables"]
    launch = lms.launch(registration)
    started = lms.start(launch)
    assert [entry["launchable"] for entry in started["toc"]] == [item["id"] for item in launchables]
    assert started["toc"][0]["current"] is True
    assert started["navigation"] == {"continue": True, "previous": False}
    valid = lms.call(launch["session"], "request-valid", {"sessionToken": started["sessionToken"]}).get_json()
    assert valid["continue"] is True and valid["previous"] is False
    response = lms.call(launch["session"], "navigate", {
        "sessionToken": started["sessionToken"], "request": "continue",
        "cmi": {"cmi.core.lesson_status": "completed", "cmi.core.score.raw": "50"}})
    assert response.status_code == 200, response.data[:300]
    following = response.get_json()["launch"]
    assert following and "/player/" in following["url"]
    next_session = following["url"].split("/player/")[1].split("#")[0]
    next_started = lms.start({"url": following["url"], "session": next_session})
    assert [entry["current"] for entry in next_started["toc"]][:2] == [False, True]
    progress = lms.progress(registration)
    # launch-api.md, Registrations: the course is completed only when every launchable item is.
    assert progress["completion"] == "incomplete" and progress["satisfied"] is False
    assert progress["score"] == pytest.approx(0.5)  # the average of the items with a score
    assert progress["items"][0]["completion"] == "completed"


def test_player_calls_answer_the_protocols_errors(lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    session = launch["session"]
    assert lms.call(session, "start", {"launchToken": "nope"}).status_code == 401
    assert lms.call(session, "start", {}).status_code == 400
    assert lms.http.post(f"/player/api/sessions/{session}/commit", data=b"{not json").status_code == 400
    assert lms.call(session, "commit", {"sessionToken": "wrong"}).get_json()["error"] == "invalid_token"
    started = lms.start(launch)
    bad = lms.call(session, "commit", {"sessionToken": started["sessionToken"], "cmi": ["x"]})
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_request"
    other = lms.call(str(uuid.uuid4()), "commit", {"sessionToken": started["sessionToken"], "cmi": {}})
    assert other.status_code == 401
    too_long = lms.commit(launch, started, {"cmi.suspend_data": "y" * 64_001})
    # Above the string setting: the data model's error (1.2: 405), the stored value unchanged.
    assert [(r["element"], r["code"]) for r in too_long.get_json()["rejected"]] == [("cmi.suspend_data", 405)]


def test_navigate_after_terminate_launches_the_next_item_and_suspend_all_suspends(lms):
    # Protocol, navigate: adl.nav.request is sent after Terminate; suspendAll ends the session suspended.
    course = lms.import_course(GOLF_12_MULTI)
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    assert lms.commit(launch, started, {"cmi.core.lesson_status": "completed"}, name="terminate").status_code == 200
    response = lms.call(launch["session"], "navigate", {"sessionToken": started["sessionToken"],
                                                        "request": "continue"})
    assert response.status_code == 200, response.data[:300]
    following = response.get_json()["launch"]
    session = following["url"].split("/player/")[1].split("#")[0]
    second = {"url": following["url"], "session": session}
    second_started = lms.start(second)
    assert next(entry for entry in second_started["toc"] if entry["current"])["index"] == 1
    response = lms.call(session, "navigate", {"sessionToken": second_started["sessionToken"], "request": "suspendAll",
                                              "cmi": {"cmi.core.lesson_location": "here"}})
    assert response.status_code == 200 and response.get_json()["launch"] is None
    resumed = lms.start(lms.launch(registration))
    assert resumed["cmi"]["cmi.core.entry"] == "resume" and resumed["cmi"]["cmi.core.lesson_location"] == "here"
    bad = lms.call(session, "navigate", {"sessionToken": second_started["sessionToken"], "request": "jump"})
    assert bad.status_code == 400


def test_browse_mode_is_no_credit_and_leaves_progress_as_it_was(lms):
    # launch-api.md, launchMode; SCORM 1.2 RTE 3.4.2 cmi.core.credit / lesson_mode.
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration, launchMode="Browse")
    started = lms.start(launch)
    assert started["cmi"]["cmi.core.credit"] == "no-credit" and started["cmi"]["cmi.core.lesson_mode"] == "browse"
    lms.commit(launch, started, {"cmi.core.lesson_status": "passed"}, name="terminate")
    assert lms.progress(registration)["completion"] == "not attempted"


def test_an_asset_is_completed_when_delivered_and_writes_no_statements(lms):
    # SCORM 2004 SN, Content Delivery Environment: an asset has no API, delivering it completes it.
    course = lms.import_course("golf_ContentPackagingOneFilePerSCO_SCORM12.zip")
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    assert started["content"]["scormType"] == "asset"
    assert lms.commit(launch, started, {}, name="terminate").status_code == 200
    progress = lms.progress(registration)
    assert progress["items"][0]["completion"] == "completed" and progress["items"][0]["satisfied"] is True
    assert progress["items"][0]["attempts"] == 1
    assert progress["completion"] == "incomplete"  # the other items are not delivered yet
    assert lms.statements(registration) == []


def test_scorm2004_global_objectives_carry_a_status_to_the_next_sco(lms):
    # SCORM 2004 RTE 4.2.17: cmi.objectives.n.id from the manifest, statuses read through global
    # objective maps; SN 3.10.3 imsss:mapInfo writeSatisfiedStatus / readSatisfiedStatus.
    course = lms.import_course("golf_SequencingForcedSequential_SCORM20043rdEdition.zip")
    registration = lms.register(course)
    first, second = course["launchables"][0]["id"], course["launchables"][1]["id"]
    launch = lms.launch(registration, launchable=first)
    started = lms.start(launch)
    objective_ids = {value for name, value in started["cmi"].items() if re.fullmatch(r"cmi\.objectives\.\d+\.id", name)}
    assert objective_ids == {"playing_satisfied"}
    lms.commit(launch, started, {"cmi.success_status": "passed", "cmi.completion_status": "completed"},
               name="terminate")
    started = lms.start(lms.launch(registration, launchable=second))
    cmi = started["cmi"]
    index = next(name.split(".")[2] for name, value in cmi.items()
                 if re.fullmatch(r"cmi\.objectives\.\d+\.id", name) and value == "previous_sco_satisfied")
    assert cmi[f"cmi.objectives.{index}.success_status"] == "passed"


def test_deleting_the_course_ends_its_open_sessions_with_their_last_commit(lms):
    # launch-api.md, Courses, DELETE: SCORM sessions end with their last commit; registrations and statements stay.
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    lms.commit(launch, started, {"cmi.core.lesson_status": "incomplete", "cmi.core.exit": "suspend"})
    assert lms.xapi.request("DELETE", f"/api/v1/courses/{course['id']}").status_code == 204
    late = lms.commit(launch, started, {"cmi.core.lesson_location": "x"})
    assert late.status_code == 409 and late.get_json()["error"] == "session_ended"
    assert _verbs(lms.statements(registration)) == ["initialized", "suspended"]
