"""initial_state: the CMI data the server builds for a launch (issue 11 "Runtime", launch-api.md
"SCORM specifics"; 1.2 RTE 3.4.2, 2004 RTE 4.2)."""

from __future__ import annotations

from scorm_runtime.rte import (
    LaunchInputs,
    ObjectiveInput,
    SharedDataInput,
    finish_session,
    get_value,
    initial_state,
)

from .helpers import commit_ok, fresh


def test_1_2_initial_data_from_launch_inputs():  # 1.2 RTE 3.4.2; launch-api.md Learner
    state = initial_state(
        "scorm12",
        LaunchInputs(
            learner_id="mailto:ada@example.com",
            learner_name="Ada",
            entry="ab-initio",
            credit="no-credit",
            mode="browse",
            launch_data="chapter=1",
            mastery_score="75",
            max_time_allowed="00:30:00",
            time_limit_action="exit,message",
            comments_from_lms=["Read chapter 1", "Then the quiz"],
        ),
    )
    expected = {
        "cmi.core.student_id": "mailto:ada@example.com",
        "cmi.core.student_name": "Ada",
        "cmi.core.entry": "ab-initio",
        "cmi.core.credit": "no-credit",
        "cmi.core.lesson_mode": "browse",
        "cmi.core.lesson_status": "not attempted",  # 1.2 RTE p. 3-25: the LMS's initial value
        "cmi.core.total_time": "0000:00:00.00",
        "cmi.launch_data": "chapter=1",
        "cmi.student_data.mastery_score": "75",
        "cmi.student_data.max_time_allowed": "00:30:00",
        "cmi.student_data.time_limit_action": "exit,message",
        "cmi.comments_from_lms": "Read chapter 1\nThen the quiz",
    }
    for element, value in expected.items():
        assert get_value(state, element) == (value, 0), element


def test_2004_initial_data_from_launch_inputs():  # 2004 RTE 4.2.5 .. 4.2.24
    state = initial_state(
        "scorm2004",
        LaunchInputs(
            learner_id="acct-42",
            learner_name="Grace",
            entry="",
            credit="credit",
            mode="review",
            launch_data="<data/>",
            scaled_passing_score="0.6",
            max_time_allowed="PT45M",
            time_limit_action="continue,message",
            completion_threshold="0.75",
        ),
    )
    expected = {
        "cmi.learner_id": "acct-42",
        "cmi.learner_name": "Grace",
        "cmi.entry": "",
        "cmi.credit": "credit",
        "cmi.mode": "review",
        "cmi.launch_data": "<data/>",
        "cmi.scaled_passing_score": "0.6",
        "cmi.max_time_allowed": "PT45M",
        "cmi.time_limit_action": "continue,message",
        "cmi.completion_threshold": "0.75",
        "cmi.total_time": "PT0H0M0S",
    }
    for element, value in expected.items():
        assert get_value(state, element) == (value, 0), element


def test_2004_objectives_from_the_manifest_with_global_statuses():  # 2004 RTE 4.2.17
    state = fresh(
        "scorm2004",
        objectives=[
            ObjectiveInput("urn:obj:primary"),
            ObjectiveInput("urn:obj:shared", success_status="passed", score_scaled="0.9"),
            ObjectiveInput("urn:obj:other", completion_status="completed", progress_measure="1"),
        ],
    )
    assert get_value(state, "cmi.objectives._count").value == "3"
    assert get_value(state, "cmi.objectives.0.id").value == "urn:obj:primary"
    assert get_value(state, "cmi.objectives.0.success_status").value == "unknown"
    assert get_value(state, "cmi.objectives.1.success_status").value == "passed"
    assert get_value(state, "cmi.objectives.1.score.scaled").value == "0.9"
    assert get_value(state, "cmi.objectives.2.completion_status").value == "completed"
    # the SCO can add its own objectives after the manifest's, and not reuse their ids (351)
    state = commit_ok(state, {"cmi.objectives.3.id": "urn:obj:local"})
    assert get_value(state, "cmi.objectives._count").value == "4"


def test_2004_4th_edition_shared_data():  # 2004 4th ed RTE 4.3; CAM adlcp:data
    state = fresh(
        "scorm2004",
        shared_data=[SharedDataInput("urn:store:a", store="42"), SharedDataInput("urn:store:b")],
    )
    assert get_value(state, "adl.data._count").value == "2"
    assert get_value(state, "adl.data.0.id").value == "urn:store:a"
    assert get_value(state, "adl.data.0.store").value == "42"
    assert get_value(state, "adl.data.1.store") == ("", 403)  # never written yet
    state = commit_ok(state, {"adl.data.1.store": "new"})
    assert get_value(state, "adl.data.1.store").value == "new"


def test_invalid_manifest_values_are_left_unset():
    state = fresh(
        "scorm12", mastery_score="80%", max_time_allowed="30 minutes", time_limit_action="stop"
    )
    for element in (
        "cmi.student_data.mastery_score",
        "cmi.student_data.max_time_allowed",
        "cmi.student_data.time_limit_action",
    ):
        assert element not in state.values
    state = fresh("scorm2004", completion_threshold="1.5", scaled_passing_score="x")
    assert "cmi.completion_threshold" not in state.values
    assert "cmi.scaled_passing_score" not in state.values


def _session_12():
    state = fresh("scorm12", mastery_score="80")
    state = commit_ok(
        state,
        {
            "cmi.core.lesson_location": "slide-7",
            "cmi.suspend_data": "x" * 10_000,
            "cmi.core.lesson_status": "incomplete",
            "cmi.core.score.raw": "40",
            "cmi.objectives.0.id": "obj1",
            "cmi.objectives.0.status": "failed",
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.student_response": "b",
            "cmi.core.session_time": "00:05:00",
            "cmi.core.exit": "suspend",
            "cmi.student_preference.audio": "50",
        },
    )
    return finish_session(state)


def test_1_2_resume_brings_back_the_attempt():  # launch-api.md SCORM specifics "Launch"
    end = _session_12()
    assert end.next_entry == "resume"
    state = fresh("scorm12", entry=end.next_entry, mastery_score="80", previous=end.state)
    assert get_value(state, "cmi.core.entry").value == "resume"
    assert get_value(state, "cmi.core.lesson_location").value == "slide-7"
    assert get_value(state, "cmi.suspend_data").value == "x" * 10_000
    assert get_value(state, "cmi.core.lesson_status").value == "failed"  # 40 < mastery 80
    assert get_value(state, "cmi.core.score.raw").value == "40"
    assert get_value(state, "cmi.core.total_time").value == "0000:05:00.00"
    assert get_value(state, "cmi.objectives.0.status").value == "failed"
    assert get_value(state, "cmi.interactions._count").value == "1"
    assert get_value(state, "cmi.student_preference.audio").value == "50"
    assert "cmi.core.exit" not in state.values and "cmi.core.session_time" not in state.values


def test_new_attempt_starts_clean():
    end = _session_12()
    state = fresh("scorm12", entry="", previous=end.state)  # not a resume: nothing carried
    assert get_value(state, "cmi.core.lesson_location").value == ""
    assert get_value(state, "cmi.core.total_time").value == "0000:00:00.00"
    assert get_value(state, "cmi.interactions._count").value == "0"


def test_2004_resume_keeps_data_and_refreshes_lms_values():  # 2004 RTE 4.2.7 entry resume
    state = fresh(
        "scorm2004",
        objectives=[ObjectiveInput("urn:obj:g")],
        shared_data=[SharedDataInput("urn:store", store="v1")],
        comments_from_lms=["hello"],
    )
    state = commit_ok(
        state,
        {
            "cmi.location": "page-4",
            "cmi.suspend_data": '{"a":1}',
            "cmi.interactions.0.id": "q1",
            "cmi.interactions.0.type": "numeric",
            "cmi.interactions.0.learner_response": "12",
            "cmi.objectives.0.success_status": "failed",
            "cmi.score.scaled": "0.3",
            "cmi.session_time": "PT2M",
            "cmi.exit": "suspend",
            "adl.data.0.store": "v2",
            "cmi.comments_from_learner.0.comment": "hard",
        },
    )
    end = finish_session(state)
    resumed = fresh(
        "scorm2004",
        entry=end.next_entry,
        previous=end.state,
        objectives=[
            ObjectiveInput("urn:obj:g", success_status="passed")
        ],  # another SCO satisfied it
        shared_data=[SharedDataInput("urn:store", store="v3")],  # read again from the shared store
        comments_from_lms=["hello"],
    )
    values = resumed.values
    assert values["cmi.entry"] == "resume"
    assert values["cmi.location"] == "page-4"
    assert values["cmi.suspend_data"] == '{"a":1}'
    assert values["cmi.interactions.0.learner_response"] == "12"
    assert values["cmi.score.scaled"] == "0.3"
    assert values["cmi.total_time"] == "PT0H2M0S"
    assert values["cmi.objectives._count"] == "1"
    assert values["cmi.objectives.0.success_status"] == "passed"
    assert values["adl.data.0.store"] == "v3"
    assert values["cmi.comments_from_lms._count"] == "1"
    assert values["cmi.comments_from_learner.0.comment"] == "hard"
    assert "cmi.exit" not in values


def test_learner_id_and_name_are_passed_whatever_their_characters():  # launch-api.md Learner
    for standard, element in (("scorm12", "cmi.core.student_id"), ("scorm2004", "cmi.learner_id")):
        state = fresh(standard, learner_id="mailto:jöe@exämple.com", learner_name="{Zoë}")
        assert state.values[element] == "mailto:jöe@exämple.com"
