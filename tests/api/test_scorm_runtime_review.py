"""launchMode Review (launch-api.md, Launch): the SCO sees the last attempt's data, read-only. SCORM 2004
RTE 4.2.16 cmi.mode "review" and 4.2.6 cmi.credit "no-credit"; SCORM 1.2 RTE 3.4.2 cmi.core.lesson_mode
and cmi.core.credit. The review session's commits are checked but change nothing stored, and it writes no
statement. On SQLite and PostgreSQL."""
from __future__ import annotations

from tests.api.test_scorm_runtime import GOLF_12_SINGLE, GOLF_2004_SINGLE, Lms, _verbs, lms  # noqa: F401


def test_a_scorm2004_review_shows_the_last_attempt_and_changes_nothing(lms: Lms):
    course = lms.import_course(GOLF_2004_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    lms.commit(launch, started, {"cmi.location": "p7", "cmi.suspend_data": "kept", "cmi.completion_status": "completed",
                                 "cmi.score.scaled": "0.8", "cmi.exit": "suspend", "cmi.session_time": "PT10S"},
               name="terminate")
    before = lms.progress(registration)
    verbs_before = _verbs(lms.statements(registration))

    review = lms.launch(registration, launchMode="Review")
    shown = lms.start(review)
    cmi = shown["cmi"]
    assert (cmi["cmi.mode"], cmi["cmi.credit"]) == ("review", "no-credit")
    assert (cmi["cmi.location"], cmi["cmi.suspend_data"], cmi["cmi.completion_status"], cmi["cmi.score.scaled"]) == \
        ("p7", "kept", "completed", "0.8")
    changed = lms.commit(review, shown, {"cmi.location": "p9", "cmi.completion_status": "incomplete",
                                         "cmi.score.scaled": "0.1", "cmi.bogus": "1"})
    assert changed.status_code == 200
    assert [r["code"] for r in changed.get_json()["rejected"]] == [401]  # still checked against the data model
    assert lms.commit(review, shown, {"cmi.exit": "normal", "cmi.session_time": "PT30S"},
                      name="terminate").status_code == 200

    after = lms.progress(registration)
    for name in ("completion", "success", "score", "totalTime", "satisfied"):
        assert after[name] == before[name], name
    assert after["items"][0]["attempts"] == before["items"][0]["attempts"] == 1
    assert _verbs(lms.statements(registration)) == verbs_before
    # The suspended attempt is still the learner's, as it was before the review.
    resumed = lms.start(lms.launch(registration))
    assert (resumed["cmi"]["cmi.entry"], resumed["cmi"]["cmi.location"]) == ("resume", "p7")
    assert resumed["cmi"]["cmi.mode"] == "normal"


def test_a_scorm12_review_after_a_finished_attempt_shows_its_data(lms: Lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    launch = lms.launch(registration)
    started = lms.start(launch)
    lms.commit(launch, started, {"cmi.core.lesson_location": "end", "cmi.core.lesson_status": "passed",
                                 "cmi.core.score.raw": "90", "cmi.core.session_time": "00:00:05"}, name="terminate")
    review = lms.launch(registration, launchMode="Review")
    shown = lms.start(review)
    cmi = shown["cmi"]
    assert (cmi["cmi.core.lesson_mode"], cmi["cmi.core.credit"]) == ("review", "no-credit")
    assert (cmi["cmi.core.lesson_location"], cmi["cmi.core.lesson_status"], cmi["cmi.core.score.raw"]) == \
        ("end", "passed", "90")
    lms.commit(review, shown, {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "10"}, name="terminate")
    progress = lms.progress(registration)
    assert (progress["success"], progress["score"], progress["items"][0]["attempts"]) == ("passed", 0.9, 1)


def test_a_review_of_an_item_never_attempted_starts_empty(lms: Lms):
    course = lms.import_course(GOLF_12_SINGLE)
    registration = lms.register(course)
    shown = lms.start(lms.launch(registration, launchMode="Review"))
    cmi = shown["cmi"]
    assert (cmi["cmi.core.lesson_mode"], cmi["cmi.core.lesson_status"]) == ("review", "not attempted")
    assert lms.progress(registration)["items"][0]["attempts"] == 0
