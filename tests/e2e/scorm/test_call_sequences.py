"""Exact SCORM API call sequences from small test SCOs in Chromium, each call's return value and
GetLastError code checked, then what the server kept of them (progress, launch-api.md Registrations)."""
from __future__ import annotations

import pytest

from tests.e2e.scorm.conftest import calls, open_player, wait_for_log
from tests.e2e.scorm.packages import Item, package12, package2004

pytestmark = pytest.mark.e2e

OK = "0"


def test_scorm12_call_sequence_returns_the_error_codes_of_the_spec(lms, learner, context):
    course = lms.import_course(package12("Calls 1.2", [Item("item_1", "Calls", "calls12.html", masteryscore=80)]))
    assert course["standard"] == "scorm12"
    registration = lms.register(course["id"], learner)
    launch = lms.launch(registration)
    assert "#launch=" in launch["url"]  # docs/scorm-player-protocol.md: the token rides in the fragment
    page = open_player(context, launch["url"])
    assert "#" not in page.url and "launch=" not in page.url  # the page took the one-time token out of the URL
    made = calls(wait_for_log(page, "done"))
    student_id = learner["account"]["name"]
    expected = [
        ("LMSGetValue", ("cmi.core.student_id",), "", "301"),            # RTE 3.3.2.1: not initialized
        ("LMSInitialize", ("",), "true", OK),
        ("LMSInitialize", ("",), "false", "101"),                        # RTE 3.3.2.1: already initialized
        ("LMSGetValue", ("cmi.core.student_id",), student_id, OK),       # launch-api.md Learner
        ("LMSGetValue", ("cmi.core.student_name",), "Ada Learner", OK),
        ("LMSGetValue", ("cmi.core.lesson_status",), "not attempted", OK),
        ("LMSGetValue", ("cmi.core.entry",), "ab-initio", OK),           # RTE 3.4.2: first launch
        ("LMSGetValue", ("cmi.core.credit",), "credit", OK),
        ("LMSGetValue", ("cmi.core.lesson_mode",), "normal", OK),
        ("LMSGetValue", ("cmi.student_data.mastery_score",), "80", OK),  # CAM adlcp:masteryscore
        ("LMSGetValue", ("cmi.launch_data",), "", OK),
    ]
    assert made[:len(expected)] == expected
    rest = made[len(expected):]
    assert rest[0][0:2] == ("LMSGetValue", ("cmi.core._children",)) and rest[0][3] == OK
    assert "lesson_location" in rest[0][2].split(",")
    assert rest[1:8] == [
        ("LMSSetValue", ("cmi.core.student_id", "someone-else"), "false", "403"),  # RTE 3.3.3: read only
        ("LMSGetValue", ("cmi.core.session_time",), "", "404"),                    # write only
        ("LMSSetValue", ("cmi.core.lesson_status", "finished"), "false", "405"),   # incorrect data type
        ("LMSSetValue", ("cmi.core.score.raw", "abc"), "false", "405"),
        ("LMSSetValue", ("cmi.core._children", "x"), "false", "402"),              # a keyword
        ("LMSGetValue", ("cmi.core.no_such_element",), "", "401"),                 # not implemented
        ("LMSGetValue", ("cmi.interactions._count",), "0", OK),
    ]
    sets = rest[8:18]
    assert all(result == "true" and error == OK for _, _, result, error in sets), sets
    assert rest[18] == ("LMSGetValue", ("cmi.interactions.0.student_response",), "", "404")
    assert rest[19:22] == [
        ("LMSSetValue", ("cmi.core.session_time", "00:01:30"), "true", OK),
        ("LMSCommit", ("",), "true", OK),
        ("LMSGetValue", ("cmi.core.lesson_location",), "page-3", OK),
    ]
    assert rest[22][0] == "LMSGetErrorString" and rest[22][2]
    assert rest[23] == ("LMSFinish", ("",), "true", OK)
    assert rest[24][0:3] == ("LMSCommit", ("",), "false") and rest[24][3] in {"101", "301"}  # after LMSFinish
    assert len(rest) == 25

    # What the server kept: lesson_status passed, raw 85 of 0..100 (launch-api.md Registrations, Score).
    progress = lms.progress(registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert progress["score"] == pytest.approx(0.85)
    assert progress["items"][0]["attempts"] == 1
    assert not page.locator("#notice").is_visible()


def test_scorm2004_call_sequence_returns_the_error_codes_of_the_spec(lms, learner, context):
    course = lms.import_course(package2004("Calls 2004", [Item("item_1", "Calls", "calls2004.html")]))
    assert (course["standard"], course["edition"]) == ("scorm2004", "3rd")
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    made = calls(wait_for_log(page, "done"))
    student_id = learner["account"]["name"]
    expected = [
        ("GetValue", ("cmi.learner_id",), "", "122"),              # RTE 3.1.7.6: retrieve before initialization
        ("SetValue", ("cmi.location", "x"), "false", "132"),      # store before initialization
        ("Initialize", ("",), "true", OK),
        ("Initialize", ("",), "false", "103"),                    # already initialized
        ("GetValue", ("cmi.learner_id",), student_id, OK),
        ("GetValue", ("cmi.learner_name",), "Ada Learner", OK),
        ("GetValue", ("cmi.completion_status",), "unknown", OK),  # RTE 4.2.4
        ("GetValue", ("cmi.success_status",), "unknown", OK),
        ("GetValue", ("cmi.entry",), "ab-initio", OK),
        ("GetValue", ("cmi.credit",), "credit", OK),
        ("GetValue", ("cmi.mode",), "normal", OK),
    ]
    assert made[:len(expected)] == expected
    rest = made[len(expected):]
    assert rest[0][0:3] == ("GetValue", ("cmi.scaled_passing_score",), "") and rest[0][3] in {OK, "403"}
    assert rest[1:18] == [
        ("GetValue", ("cmi.location",), "", "403"),                                  # value not initialized
        ("SetValue", ("cmi.learner_id", "someone-else"), "false", "404"),           # read only
        ("GetValue", ("cmi.exit",), "", "405"),                                      # write only
        ("SetValue", ("cmi.completion_status", "finished"), "false", "406"),        # type mismatch
        ("SetValue", ("cmi.score.scaled", "2"), "false", "407"),                    # out of range
        ("GetValue", ("cmi.no_such_element",), "", "401"),                           # undefined element
        ("SetValue", ("cmi.interactions.1.id", "q2"), "false", "351"),              # not the next index
        ("SetValue", ("cmi.interactions.0.id", "q1"), "true", OK),
        ("SetValue", ("cmi.interactions.0.learner_response", "b"), "false", "408"),  # type not set yet
        ("SetValue", ("cmi.interactions.0.type", "choice"), "true", OK),
        ("SetValue", ("cmi.interactions.0.learner_response", "b"), "true", OK),
        ("SetValue", ("cmi.interactions.0.correct_responses.0.pattern", "b"), "true", OK),
        ("SetValue", ("cmi.interactions.0.result", "correct"), "true", OK),
        ("GetValue", ("cmi.interactions._count",), "1", OK),
        ("SetValue", ("cmi.location", "page-3"), "true", OK),
        ("SetValue", ("cmi.suspend_data", "answered=q1"), "true", OK),
        ("SetValue", ("cmi.score.scaled", "0.9"), "true", OK),
    ]
    assert all(result == "true" and error == OK for _, _, result, error in rest[18:25]), rest[18:25]
    assert rest[25:27] == [("Commit", ("",), "true", OK), ("GetValue", ("cmi.location",), "page-3", OK)]
    assert rest[27][0] == "GetErrorString" and rest[27][2]
    assert rest[28:] == [
        ("Terminate", ("",), "true", OK),
        ("GetValue", ("cmi.location",), "", "123"),   # retrieve after termination
        ("Commit", ("",), "false", "143"),            # commit after termination
        ("Terminate", ("",), "false", "113"),         # termination after termination
    ]
    page.wait_for_selector("html[data-player-state=terminated]")

    progress = lms.progress(registration)
    assert (progress["completion"], progress["success"]) == ("completed", "passed")
    assert progress["score"] == pytest.approx(0.9)
    assert progress["items"][0]["attempts"] == 1
    assert not page.locator("#notice").is_visible()
