"""When a SCORM session's token stops working for navigate (attack review F2), navigate racing the SCO's own
Terminate, and previous/next agreeing with 1.2 prerequisites. docs/scorm-player-protocol.md, Calls;
launch-api.md, Sessions ("its token stops working"). On SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from scorm_runtime import sessions
from tests.api.test_scorm_runtime import GOLF_12_MULTI, Lms, lms  # noqa: F401
from tests.unit.delivery.support import MANIFEST_12, zip_bytes

PREREQUISITES_12 = MANIFEST_12.replace(
    b'<item identifier="i2" identifierref="r2">',
    b'<item identifier="i2" identifierref="r2"><adlcp:prerequisites type="aicc_script">i1</adlcp:prerequisites>')


def _navigate(lms: Lms, launch: dict, started: dict, request: str, **body):
    return lms.call(launch["session"], "navigate", {"sessionToken": started["sessionToken"], "request": request,
                                                    **body})


def _refused_token(response) -> None:
    # Protocol, Calls: 401 invalid_token for a wrong, used or expired token.
    assert response.status_code == 401, (response.status_code, response.data[:300])
    assert response.get_json()["error"] == "invalid_token"


def _started_multi(lms: Lms) -> tuple[str, dict, dict, dict]:
    course = lms.import_course(GOLF_12_MULTI)
    registration = lms.register(course)
    launch = lms.launch(registration)
    return registration, course, launch, lms.start(launch)


def test_an_abandoned_sessions_token_does_not_navigate(lms: Lms):
    # launch-api.md, Sessions: on abandon "its token stops working" (attack review F2).
    _, course, launch, started = _started_multi(lms)
    assert lms.xapi.request("POST", f"/api/v1/sessions/{launch['session']}/abandon").status_code == 204
    target = course["launchables"][1]["id"]
    _refused_token(_navigate(lms, launch, started, "choice", target=target))
    _refused_token(_navigate(lms, launch, started, "continue"))


def test_an_ended_sessions_token_launches_once(lms: Lms):
    # Protocol, navigate: after Terminate the token delivers once; a used token is 401.
    _, course, launch, started = _started_multi(lms)
    assert lms.commit(launch, started, {}, name="terminate").status_code == 200
    target = course["launchables"][1]["id"]
    first = _navigate(lms, launch, started, "choice", target=target)
    assert first.status_code == 200 and first.get_json()["launch"], first.data[:300]
    _refused_token(_navigate(lms, launch, started, "choice", target=target))


def test_a_stale_session_cannot_navigate_once_a_newer_one_exists(lms: Lms):
    # Protocol, navigate: a session superseded by a newer launch of the registration has a dead token, so it
    # cannot end the learner's newer session.
    registration, course, launch, started = _started_multi(lms)
    assert lms.commit(launch, started, {}, name="terminate").status_code == 200
    newer = lms.launch(registration)
    newer_started = lms.start(newer)
    _refused_token(_navigate(lms, launch, started, "choice", target=course["launchables"][1]["id"]))
    still = lms.commit(newer, newer_started, {"cmi.core.lesson_location": "p2"})
    assert still.status_code == 200, still.data[:300]


def test_an_ended_sessions_token_expires_shortly_after_the_end(lms: Lms, app, monkeypatch):
    # Protocol, navigate: only shortly after the end.
    _, _, launch, started = _started_multi(lms)
    assert lms.commit(launch, started, {}, name="terminate").status_code == 200
    runtime = app.extensions["delivery"].runtime
    real_clock = runtime._clock
    monkeypatch.setattr(runtime, "_clock", lambda: real_clock() + sessions.NAVIGATE_AFTER_END_MS + 1_000)
    _refused_token(_navigate(lms, launch, started, "continue"))


def test_navigate_racing_the_scos_terminate_continues_with_the_ended_session(lms: Lms, monkeypatch):
    # Protocol, navigate accepts a session ended by Terminate: one that ends during the call (the SCO's
    # keepalive Terminate arriving meanwhile) is navigated as ended, not refused with 409 session_ended.
    _, _, launch, started = _started_multi(lms)
    real_apply = sessions._apply
    raced = []

    def terminate_arrives_first(runtime, session, values, settings):
        if not raced:  # navigate's call; the terminate inside it goes straight through
            raced.append(None)
            raced[0] = lms.commit(launch, started, {"cmi.core.lesson_status": "completed"}, name="terminate")
        return real_apply(runtime, session, values, settings)

    monkeypatch.setattr(sessions, "_apply", terminate_arrives_first)
    response = _navigate(lms, launch, started, "continue", cmi={"cmi.core.lesson_status": "completed"})
    assert raced and raced[0].status_code == 200
    assert response.status_code == 200, response.data[:300]
    assert response.get_json()["launch"]


def test_previous_and_next_follow_scorm12_prerequisites(lms: Lms):
    # SCORM 1.2 CAM 2.3.2.5 adlcp:prerequisites: start's `navigation` agrees with toc[].enabled and request-valid.
    response = lms.xapi.request("POST", "/api/v1/courses", data=zip_bytes(
        {"imsmanifest.xml": PREREQUISITES_12, "one.html": b"1", "two.html": b"2"}),
        headers={"Content-Type": "application/zip"})
    assert response.status_code == 201, response.data[:300]
    registration = lms.register(response.get_json())
    launch = lms.launch(registration)
    started = lms.start(launch)
    assert [entry["enabled"] for entry in started["toc"]] == [True, False]
    valid = lms.call(launch["session"], "request-valid", {"sessionToken": started["sessionToken"]}).get_json()
    assert valid["continue"] is False
    assert started["navigation"] == {"continue": False, "previous": False}
    ended = lms.commit(launch, started, {"cmi.core.lesson_status": "completed"}, name="terminate")
    assert ended.get_json()["navigation"] == {"continue": True, "previous": False}


def test_an_exit_that_delivers_nothing_offers_the_toc_and_keeps_the_token_for_the_choice(lms: Lms):
    # Protocol, navigate: nothing delivered while the sequencing session goes on answers `toc`, and the ended
    # session's token stays for the learner's choice from it; exitAll ends the sequencing session: no `toc`,
    # and the token is spent.
    from tests.api.test_scorm_sequencing import FORCED, PASSED, Learner
    learner = Learner(lms, FORCED)
    first = learner.item
    learner.terminate(PASSED)
    exited = learner.navigate("exit")
    assert exited.status_code == 200, exited.data[:300]
    answer = exited.get_json()
    assert answer["launch"] is None and [entry["launchable"] for entry in answer["toc"]][0] == first
    target = next(entry["launchable"] for entry in answer["toc"] if entry["enabled"] and entry["launchable"] != first)
    chosen = learner.navigate("choice", target)
    assert chosen.status_code == 200 and chosen.get_json()["launch"], chosen.data[:300]
    assert learner.follow(chosen.get_json()) == target
    learner.terminate(PASSED)
    ended = learner.navigate("exitAll")
    assert ended.status_code == 200 and ended.get_json()["launch"] is None and "toc" not in ended.get_json()
    _refused_token(learner.navigate("exitAll"))


def test_a_refused_navigate_after_terminate_answers_the_toc_and_keeps_the_token(lms: Lms):
    # Protocol, navigate: a refusal is 409 not_allowed with `exception` and the `toc` as it stands; it changes
    # nothing, so the ended session's token still takes the learner's next request.
    from tests.api.test_scorm_sequencing import FORCED, PASSED, Learner
    learner = Learner(lms, FORCED)
    learner.terminate(PASSED)
    refused = learner.navigate("choice", "havingfun_item")
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["error"] == "not_allowed" and body["exception"] == "DB.1.1-3"
    toc = {entry["launchable"]: entry for entry in body["toc"]}
    assert toc["etuqiette_item"]["enabled"] and not toc["havingfun_item"]["enabled"]
    allowed = learner.navigate("choice", "etuqiette_item")
    assert allowed.status_code == 200 and allowed.get_json()["launch"], allowed.data[:300]
