"""SCORM 2004 sequencing over HTTP (issue 13; launch-api.md, Launch and SCORM specifics; docs/scorm-player-protocol.md):
the golf sequencing courses, driven as an LMS (launch) and as the player (start, commit, terminate, navigate,
request-valid) would. Their manifests' rules decide what is delivered and how the course rolls up. On SQLite
and PostgreSQL (tests/conftest.py `app`)."""
from __future__ import annotations

import re

import pytest

from scorm_runtime import statements as xs
from tests.api.test_scorm_runtime import Lms

FORCED = "golf_SequencingForcedSequential_SCORM20043rdEdition.zip"
POST_TEST = "golf_SequencingPostTestRollup_SCORM20043rdEdition.zip"
REMEDIATION = "golf_SequencingSimpleRemediation_SCORM20043rdEdition.zip"
CONTENT = ["playing_item", "etuqiette_item", "handicapping_item", "havingfun_item"]

PASSED = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9",
          "cmi.exit": "normal", "cmi.session_time": "PT10S"}
FAILED = {"cmi.completion_status": "completed", "cmi.success_status": "failed", "cmi.score.scaled": "0.2",
          "cmi.exit": "normal", "cmi.session_time": "PT10S"}


@pytest.fixture
def lms(xapi) -> Lms:
    return Lms(xapi)


class Learner:
    """One learner in the player: the current session, its started answer, and the items delivered so far."""

    def __init__(self, lms: Lms, course_name: str):
        self.lms = lms
        self.course = lms.import_course(course_name)
        self.registration = lms.register(self.course)
        self.launch = lms.launch(self.registration)
        self.started = lms.start(self.launch)
        self.delivered = [self.item]

    @property
    def item(self) -> str:
        return next(entry["launchable"] for entry in self.started["toc"] if entry["current"])

    def token(self) -> dict:
        return {"sessionToken": self.started["sessionToken"]}

    def request_valid(self) -> dict:
        response = self.lms.call(self.launch["session"], "request-valid", self.token())
        assert response.status_code == 200, response.data[:500]
        return response.get_json()

    def terminate(self, cmi: dict) -> dict:
        response = self.lms.commit(self.launch, self.started, cmi, name="terminate")
        assert response.status_code == 200, response.data[:500]
        return response.get_json()

    def navigate(self, request: str, target: str | None = None, cmi: dict | None = None):
        body = {**self.token(), "request": request, "target": target, "cmi": cmi}
        return self.lms.call(self.launch["session"], "navigate", body)

    def follow(self, answer: dict) -> str | None:
        """Starts what a navigate delivered (the player loads the next session's URL)."""
        if answer["launch"] is None:
            return None
        url = answer["launch"]["url"]
        session = re.fullmatch(r".+/player/([0-9a-f-]+)#launch=.+", url).group(1)
        self.launch = {"url": url, "session": session}
        self.started = self.lms.start(self.launch)
        self.delivered.append(self.item)
        return self.item

    def finish_and_continue(self, cmi: dict) -> str | None:
        """The SCO sets its data, Terminate, then adl.nav.request continue (RTE 4.2.8: after Terminate)."""
        self.terminate(cmi)
        response = self.navigate("continue")
        assert response.status_code == 200, response.data[:500]
        return self.follow(response.get_json())


def course_statements(lms: Lms, learner: Learner) -> list[str]:
    statements = lms.statements(learner.registration)
    course_iri = next(activity["id"] for activity in statements[0]["context"]["contextActivities"]["grouping"]
                      if activity["definition"]["type"] == xs.TYPE_COURSE)
    found = [statement for statement in statements if statement["object"]["id"] == course_iri]
    for statement in found:
        # The course stays in grouping; no SCO attempt, so no claim of the SCORM profile (scorm_runtime/statements.py).
        assert course_iri in [a["id"] for a in statement["context"]["contextActivities"]["grouping"]]
        assert statement["context"]["registration"] == learner.registration
    return [statement["verb"]["id"].rsplit("/", 1)[-1] for statement in found]


def test_forced_sequential_refuses_an_out_of_order_choice_naming_the_rule(lms):
    learner = Learner(lms, FORCED)
    # launch-api.md, Launch: no item is Start -> the first activity (SN SB.2.5 Start, flow into the tree).
    assert learner.item == "playing_item"
    toc = {entry["launchable"]: entry for entry in learner.started["toc"]}
    # SN 3.2 preConditionRule disabled (previous objective not satisfied): visible, not enabled.
    assert toc["playing_item"]["enabled"] and not toc["handicapping_item"]["enabled"]
    valid = learner.request_valid()
    assert valid["choice"]["playing_item"] is True and valid["choice"]["handicapping_item"] is False

    # launch-api.md, Launch: "409 an item that sequencing ... do[es] not allow yet", naming the SN rule.
    response = lms.xapi.request("POST", f"/api/v1/registrations/{learner.registration}/launch",
                                json={"launchable": "handicapping_item"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "not_allowed" and body["exception"].startswith(("DB.", "SB.", "NB."))
    assert body["exception"] in body["message"]
    assert body["exception"] == "DB.1.1-3"  # SN DB.1.1: an activity on the path is disabled


def test_forced_sequential_player_choice_is_refused_while_the_sco_runs_then_continue_works(lms):
    learner = Learner(lms, FORCED)
    response = learner.navigate("choice", "havingfun_item")
    # SN 5.3: the LMS may refuse a request before processing it; the SCO keeps running.
    assert response.status_code == 409
    assert response.get_json()["exception"]
    assert lms.commit(learner.launch, learner.started, {"cmi.location": "p2"}).status_code == 200

    # After Terminate (adl.nav.request _none_) the activity waits for the learner's request (SN 4.4.2); a
    # refused Choice changes nothing, an allowed one is delivered.
    learner.terminate(PASSED)
    response = learner.navigate("choice", "havingfun_item")
    assert response.status_code == 409 and response.get_json()["exception"] == "DB.1.1-3"
    response = learner.navigate("choice", "etuqiette_item")
    assert response.status_code == 200, response.data[:500]
    assert learner.follow(response.get_json()) == "etuqiette_item"

    for expected in CONTENT[2:] + ["assessment_item"]:
        assert learner.finish_and_continue(PASSED) == expected
    assert learner.finish_and_continue(PASSED) is None  # SN: continue past the last activity ends the session

    progress = lms.progress(learner.registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert course_statements(lms, learner) == ["completed", "passed"]

    # The sequencing session ended: the next launch is Start, a new attempt on the course (SN SB.2.5); the
    # registration keeps what the course achieved (launch-api.md, Registrations).
    relaunched = lms.launch(learner.registration)
    assert lms.start(relaunched)["cmi"]["cmi.entry"] == "ab-initio"
    progress = lms.progress(learner.registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")


def test_continue_with_the_scos_last_data_ends_the_session_and_sequences_in_one_save(lms, app, store_credential):
    # docs/scorm-player-protocol.md, navigate on an open session: its data is applied and the session ends as
    # Terminate would, then the request goes through the engine (SN: the SCO's data reaches the tracking model
    # before its navigation request). The registration record is saved once for both, once more by the launch.
    runtime = app.extensions["delivery"].runtime
    learner = Learner(lms, FORCED)

    def record_version() -> int:
        return runtime.registration_record(store_credential.store_id, learner.registration).version

    for expected in CONTENT[1:] + ["assessment_item"]:
        before, ended = record_version(), (learner.launch, learner.started)
        response = learner.navigate("continue", cmi=PASSED)
        assert response.status_code == 200, response.data[:500]
        assert record_version() - before == 2  # the session's end with the navigation; the launch
        assert lms.commit(*ended, {"cmi.location": "p2"}).status_code == 409  # that session has ended
        assert learner.follow(response.get_json()) == expected
    response = learner.navigate("continue", cmi=PASSED)
    assert response.status_code == 200 and response.get_json()["launch"] is None
    progress = lms.progress(learner.registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert course_statements(lms, learner) == ["completed", "passed"]
    assert [item["completion"] for item in progress["items"]] == ["completed"] * 5


def test_post_test_rollup_passing_the_post_test_completes_the_course(lms):
    learner = Learner(lms, POST_TEST)
    for expected in CONTENT[1:] + ["assessment_item"]:
        learner.finish_and_continue({"cmi.completion_status": "completed", "cmi.success_status": "passed",
                                     "cmi.exit": "normal"})
        assert learner.item == expected
    # Only the quiz rolls up (content_seq_rules: rollupObjectiveSatisfied/ProgressCompletion false).
    assert lms.progress(learner.registration)["completion"] != "completed"
    learner.terminate(PASSED)
    progress = lms.progress(learner.registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert progress["score"] == pytest.approx(0.9)
    assert course_statements(lms, learner) == ["completed", "passed"]


def test_post_test_rollup_failing_the_post_test_fails_the_course(lms):
    learner = Learner(lms, POST_TEST)
    for _ in CONTENT:
        learner.finish_and_continue(PASSED)
    assert learner.item == "assessment_item"
    learner.terminate(FAILED)
    progress = lms.progress(learner.registration)
    assert progress["success"] == "failed"
    assert "failed" in course_statements(lms, learner)
    assert "passed" not in course_statements(lms, learner)


def test_simple_remediation_failing_a_test_sends_the_learner_back_to_its_content(lms):
    learner = Learner(lms, REMEDIATION)
    assert learner.item == "playing_item"
    for _ in CONTENT:
        learner.finish_and_continue({"cmi.completion_status": "completed", "cmi.exit": "normal"})
    assert learner.item == "test_1"
    learner.finish_and_continue(PASSED)        # test_1 passed
    learner.finish_and_continue(FAILED)        # test_2 failed: etiquette is not learnt
    learner.finish_and_continue(PASSED)        # test_3
    # test_4's exitParent post-condition ends the wrapper; its retry rule starts it again, where the
    # satisfied objectives skip their content: the learner is sent to Etiquette (remediation).
    remediation = learner.finish_and_continue(PASSED)
    assert remediation == "etuqiette_item"
    assert learner.delivered[:9] == [*CONTENT, "test_1", "test_2", "test_3", "test_4", "etuqiette_item"]
    assert learner.started["cmi"]["cmi.entry"] == "ab-initio"  # the wrapper's retry: a new attempt (SN DB.2)
    # Every test was taken (completed), but the course's objective is not met while one test is failed.
    assert lms.progress(learner.registration)["success"] != "passed"

    learner.finish_and_continue({"cmi.completion_status": "completed", "cmi.exit": "normal"})
    assert learner.item == "test_2"  # the passed tests are skipped too
    learner.terminate(PASSED)
    response = learner.navigate("continue")
    assert response.status_code == 200
    progress = lms.progress(learner.registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    # launch-api.md, Registrations: every item satisfied (completed, passed or failed; 2004 by rollup).
    assert all(item["satisfied"] for item in progress["items"])
    # The first round completed every test but failed one; the remediation round passes the course.
    assert course_statements(lms, learner) == ["completed", "failed", "passed"]


def test_a_course_exited_for_good_starts_over_with_new_attempts_and_keeps_its_progress(lms):
    learner = Learner(lms, FORCED)
    learner.terminate({**PASSED, "cmi.location": "3"})  # cmi.exit normal: the attempt ends
    response = learner.navigate("exitAll")
    assert response.status_code == 200 and response.get_json()["launch"] is None
    before = lms.progress(learner.registration)
    assert before["completion"] != "completed"

    # launch-api.md, Launch: no item is Start once nothing is suspended; a new attempt on the course (SN
    # SB.2.5, DB.2), so the SCO starts a new attempt too: RTE 4.2.7 cmi.entry ab-initio, no bookmark.
    learner.launch = lms.launch(learner.registration)
    learner.started = lms.start(learner.launch)
    assert learner.item == "playing_item"
    assert learner.started["cmi"]["cmi.entry"] == "ab-initio"
    assert "cmi.location" not in learner.started["cmi"]
    progress = lms.progress(learner.registration)
    assert progress["items"][0]["attempts"] == 2
    # The first course attempt's satisfied objective is kept in the global objective (objectivesGlobalToSystem
    # false: within the registration), so the course's progress does not go back.
    assert progress["completion"] == before["completion"] and progress["success"] == before["success"]
