"""cmi5 AUs built on the `@xapi/cmi5` library, in headless Chromium against the real server on SQLite and
PostgreSQL: a conformant AU runs its session to the end and the course is satisfied; an AU that breaks the
session rules gets 403 for each broken rule and the store does not change (cmi5 6.3, 7.1, 9.3, 10.2.2)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import requests

from tests.e2e.cmi5.course import CONFORMANT_AU, COURSE_ID, RULE_BREAKING_AU, course_zip

AU_TIMEOUT_MS = 20_000
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
INITIALIZED = "http://adlnet.gov/expapi/verbs/initialized"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
TERMINATED = "http://adlnet.gov/expapi/verbs/terminated"
ABANDONED = "https://w3id.org/xapi/adl/verbs/abandoned"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"


def launch_parameters(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def record_lrs_traffic(page, base_url: str) -> list[list]:
    """[method, path, status] of every request the page makes to /xapi and the fetch URL, in the order they
    are made; status stays None while no answer came (a request still pending says where the AU is stuck)."""
    traffic: list[list] = []
    requests_seen: dict = {}

    def lrs(url: str) -> bool:
        return url.startswith((f"{base_url}/xapi", f"{base_url}/cmi5/"))

    def on_request(request) -> None:
        if lrs(request.url) and request.method != "OPTIONS":
            requests_seen[request] = [request.method, urlsplit(request.url).path, None]
            traffic.append(requests_seen[request])

    def on_response(response) -> None:
        if response.request in requests_seen:
            requests_seen[response.request][2] = response.status

    page.on("request", on_request)
    page.on("response", on_response)
    return traffic


def verbs(statements: list[dict]) -> list[str]:
    return [statement["verb"]["id"] for statement in statements]


def test_a_conformant_au_initializes_completes_passes_terminates_returns_and_satisfies_the_course(
        lms, learner, au_origin, page):
    course = lms.import_course(course_zip(au_origin))
    assert course["standard"] == "cmi5"  # launch-api.md Courses
    assert [launchable["id"] for launchable in course["launchables"]] == [CONFORMANT_AU, RULE_BREAKING_AU]
    registration_id = lms.register(course["id"], learner)
    return_url = f"{au_origin}/returned.html"
    launched = lms.launch(registration_id, launchable=CONFORMANT_AU, returnUrl=return_url)
    # cmi5 14.1: the packaged AU is served by the LRS; cmi5 8.1: the five launch parameters.
    assert launched["url"].startswith(f"{lms.base_url}/content/")
    parameters = launch_parameters(launched["url"])
    assert parameters["endpoint"] == f"{lms.base_url}/xapi" and parameters["registration"] == registration_id
    traffic = record_lrs_traffic(page, lms.base_url)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(launched["url"])
    try:
        # cmi5 10.2.6: once terminated, the AU sends the learner to the returnURL of LMS.LaunchData.
        page.wait_for_url(return_url, timeout=AU_TIMEOUT_MS)
    except Exception as error:  # noqa: BLE001 - say what the AU saw
        log = page.locator("#log").text_content() if page.url != return_url else ""
        raise AssertionError(f"the AU did not return to the LMS: {log}\nLRS traffic: {traffic}\n"
                             f"page errors: {problems}") from error

    # cmi5 8.2: one POST to the fetch URL; then LMS.LaunchData (10) and cmi5LearnerPreferences (11) with
    # the token, and the four statements (7.1.1, 9.3.3, 9.3.4, 7.1.2), each accepted.
    session = launched["session"]
    assert traffic[0] == ["POST", f"/cmi5/fetch/{session}", 200], traffic
    assert traffic[1] == ["GET", "/xapi/activities/state", 200], traffic
    assert traffic[2][:2] == ["GET", "/xapi/agents/profile"] and traffic[2][2] in (200, 404), traffic
    writes = traffic[3:]
    assert len(writes) == 4 and all(path == "/xapi/statements" and status in (200, 204)
                                    for _, path, status in writes), traffic

    # What the LRS holds for the registration, in write order (9.3): the course `satisfied` right after the
    # `passed` that met CompletedAndPassed (9.3.9), with the AU session's id and the course as its object (9.4).
    written = lms.statements(f"registration={registration_id}")
    assert verbs(written) == [LAUNCHED, INITIALIZED, COMPLETED, PASSED, SATISFIED, TERMINATED]
    assert {statement["context"]["extensions"][SESSION_ID] for statement in written} == {session}
    au_statements = [statement for statement in written if statement["verb"]["id"] != SATISFIED]
    assert {statement["object"]["id"] for statement in au_statements} == {parameters["activityId"]}  # 9.4
    passed = written[3]
    assert passed["result"]["score"]["scaled"] == 0.9 and passed["result"]["success"] is True
    assert passed["context"]["extensions"][MASTERY_SCORE] == 0.8  # 9.6.3.2
    satisfied = written[4]
    assert satisfied["object"]["definition"]["type"] == COURSE_TYPE
    assert satisfied["object"]["id"] != COURSE_ID  # an LMS-generated IRI; the publisher id is in grouping
    assert {"id": COURSE_ID} in satisfied["context"]["contextActivities"]["grouping"]  # 9.6.2.3

    # launch-api.md Registrations: the course satisfied, the AU completed and passed, the session ended
    # (the registration's own completion also weighs the other AU, which was never launched).
    progress = lms.progress(registration_id)
    assert progress["satisfied"] is True
    item = progress["items"][0]
    assert (item["launchable"], item["completion"], item["success"], item["satisfied"]) == (
        CONFORMANT_AU, "completed", "passed", True)
    assert [(found["id"], found["state"]) for found in progress["sessions"]] == [(session, "ended")]


def test_an_au_breaking_the_session_rules_gets_403_for_each_and_the_store_is_unchanged(
        lms, learner, au_origin, page):
    course = lms.import_course(course_zip(au_origin))
    registration_id = lms.register(course["id"], learner)
    another_registration = lms.register(course["id"], learner)
    answers: dict[str, dict] = {}

    def open_au(launch_mode: str) -> dict:
        launched = lms.launch(registration_id, launchable=RULE_BREAKING_AU, launchMode=launch_mode,
                              returnUrl=f"{au_origin}/returned.html")
        assert launched["url"].startswith(f"{au_origin}/rules.html?")  # cmi5 14.1: on another origin
        page.goto(launched["url"])
        page.wait_for_function("() => window.au !== undefined", timeout=AU_TIMEOUT_MS)
        return launched

    def step(name: str, *arguments) -> dict:
        # A request the LRS never answers (or a browser credentials prompt) ends the step, not the test run.
        return page.evaluate(
            "([name, args, ms]) => Promise.race([window.au[name](...args), new Promise((resolve) => setTimeout("
            "() => resolve({status: null, body: `no answer in ${ms} ms`}), ms))])",
            [name, list(arguments), AU_TIMEOUT_MS])

    def accepted(name: str, *arguments) -> dict:
        answer = step(name, *arguments)
        assert answer["status"] in (200, 204), (name, answer)
        return answer

    def refused(rule: str, sections: tuple[str, ...], name: str, *arguments) -> dict:
        """The step gets 403 with a message naming the requirement (one of `sections`), and the store does not
        change (issue 12, Session rules: "Each rejection is 403 with a message naming the requirement, and
        stores nothing")."""
        before = lms.statements()
        answer = step(name, *arguments)
        answers[rule] = answer
        assert answer["status"] == 403, (rule, answer)
        message = answer["body"].get("message", "") if isinstance(answer["body"], dict) else ""
        assert any(f"cmi5 {section}" in message for section in sections), (rule, answer)
        assert lms.statements() == before, rule
        assert not lms.statement_exists(answer["statementId"]), rule
        return answer

    # cmi5 9.3, 9.3.2, 7.1.3: nothing before "initialized", in a session that has read LMS.LaunchData and
    # cmi5LearnerPreferences (11.0) and so breaks no other rule.
    open_au("Normal")
    assert step("startWithoutInitialized") == {"launchMode": "Normal"}
    refused("a statement before initialized", ("9.3", "7.1.1"), "complete")

    # cmi5 10.2.2: a Browse session initializes and terminates, and sends no other cmi5 defined statement.
    open_au("Browse")
    accepted("initialize")
    refused("passed in Browse mode", ("10.2.2",), "passIgnoringLaunchMode")
    token = page.evaluate("() => window.au.token()")
    accepted("terminate")
    # cmi5 8.2.1: the token is "limited to the duration of the session", which terminated ended (9.3.8).
    after_session = requests.get(f"{lms.base_url}/xapi/statements?registration={registration_id}", timeout=30,
                                 headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
    assert after_session.status_code == 401, (after_session.status_code, after_session.text[:500])

    # cmi5 9.6.1: the registration is the one the LMS launched the AU with; cmi5 9.3, 9.3.3: one completed
    # per session and per registration. Between the two refusals, the rightful completed is accepted.
    open_au("Normal")
    accepted("initialize")
    refused("a statement for another registration", ("9.6.1",), "completeFor", another_registration)
    first_completed = accepted("complete")
    refused("a second completed", ("9.3",), "complete")
    accepted("terminate")

    # cmi5 9.3, 9.3.3: nor in a later session of the same registration.
    open_au("Normal")
    accepted("initialize")
    refused("a completed in a later session", ("9.3",), "complete")
    accepted("terminate")

    # Nothing of the refused statements anywhere, and the rightful ones in write order: the first session
    # abandoned by the Browse launch (9.3.6), the Browse session, then the two Normal ones.
    assert lms.statements(f"registration={another_registration}") == []
    written = lms.statements(f"registration={registration_id}")
    assert verbs(written) == [LAUNCHED, ABANDONED, LAUNCHED, INITIALIZED, TERMINATED,
                              LAUNCHED, INITIALIZED, COMPLETED, TERMINATED,
                              LAUNCHED, INITIALIZED, TERMINATED], answers
    assert written[7]["id"] == first_completed["statementId"]
    item = lms.progress(registration_id)["items"][1]
    assert (item["launchable"], item["completion"], item["success"]) == (RULE_BREAKING_AU, "completed", "unknown")
