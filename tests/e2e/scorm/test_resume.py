"""A learner answers, suspends, closes the tab, relaunches with no item and resumes where they left off;
total_time adds up across sessions (issue 11, Runtime: resume; launch-api.md SCORM specifics, Launch)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.scorm.conftest import open_player, sco, wait_for_log, wait_until_stored
from tests.e2e.scorm.packages import Item, package12, package2004

pytestmark = pytest.mark.e2e

VERSIONS = {
    "1.2": (package12, "learner12.html", ("00:01:30", "00:02:00")),
    "2004": (package2004, "learner2004.html", ("PT1M30S", "PT2M")),
}
LOCATION = {"1.2": "cmi.core.lesson_location", "2004": "cmi.location"}


def seconds(duration: str) -> float:
    """1.2 CMITimespan (HHHH:MM:SS.SS) or an ISO 8601 duration (2004 timeinterval, the contract's totalTime)."""
    if duration.startswith("P"):
        match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?", duration)
        assert match, duration
        days, hours, minutes, secs = (float(part or 0) for part in match.groups())
        return days * 86400 + hours * 3600 + minutes * 60 + secs
    hours, minutes, secs = duration.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(secs)


def shown(page, field: str) -> str:
    return sco(page).locator(f"#{field}").text_content()


@pytest.mark.parametrize("version", VERSIONS)
def test_a_learner_suspends_closes_the_tab_and_resumes_where_they_left_off(app, lms, learner, context, version):
    build, page_name, (first_time, second_time) = VERSIONS[version]
    course = lms.import_course(build(f"Resume {version}", [Item("lesson", "Lesson", page_name)]))
    registration = lms.register(course["id"], learner)

    # Session 1: answer, suspend with LMSFinish/Terminate, close the tab.
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert shown(page, "entry") == "ab-initio"
    sco(page).locator("#session-time").fill(first_time)
    sco(page).locator("#answer").click()
    sco(page).locator("#suspend").click()
    page.wait_for_selector("html[data-player-state=terminated]", state="attached")
    page.close()

    # Session 2, launched with no item (launch-api.md: "continue"): everything comes back.
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert shown(page, "entry") == "resume"            # RTE 1.2 3.4.2 cmi.core.entry, 2004 4.2.7 cmi.entry
    assert shown(page, "location") == "page-2"
    assert shown(page, "suspend-data") == "answered=q1"
    assert shown(page, "interactions") == "1"
    if version == "2004":  # 1.2 interactions are write only but for _count (1.2 RTE 3.4.2)
        assert shown(page, "first-answer") == "q1=b"
    assert seconds(shown(page, "total-time")) == 90
    # This time the tab closes before the content can finish: the page's unload commit carries it.
    sco(page).locator("#new-location").fill("page-5")
    sco(page).locator("#new-suspend-data").fill("answered=q1,q2")
    sco(page).locator("#session-time").fill(second_time)
    sco(page).locator("#answer").click()
    sco(page).locator("#suspend-no-finish").click()
    wait_for_log(page, "suspended")
    page.close()
    # The keepalive commit is still on its way when the tab is gone; the learner relaunches after it lands.
    wait_until_stored(app, lms, registration, course["launchables"][0]["id"], LOCATION[version], "page-5")

    # Session 3: the second session's location, suspend_data and interactions; total_time adds up.
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert shown(page, "entry") == "resume"
    assert shown(page, "location") == "page-5"
    assert shown(page, "suspend-data") == "answered=q1,q2"
    assert shown(page, "interactions") == "2"
    assert seconds(shown(page, "total-time")) == 90 + 120
    progress = lms.progress(registration)
    assert seconds(progress["totalTime"]) == 90 + 120
    assert progress["items"][0]["attempts"] == 1  # launch-api.md: a resumed session continues its attempt
    assert progress["completion"] != "not attempted"


@pytest.mark.parametrize("version", VERSIONS)
def test_large_suspend_data_is_committed_as_soon_as_it_is_set(lms, learner, context, version):
    # launch-api.md Session end: beacons are capped at about 64 KB, so large suspend_data is committed when set
    build, page_name, _ = VERSIONS[version]
    course = lms.import_course(build(f"Large {version}", [Item("lesson", "Lesson", page_name)]))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    with page.expect_request(lambda request: request.url.endswith("/commit")) as commit:
        sco(page).locator("#big").click()
    assert len(commit.value.post_data_json["cmi"]["cmi.suspend_data"]) >= 20000
    sco(page).locator("#suspend-no-finish").click()
    wait_for_log(page, "suspended")
    # The exit reaches the server before the next launch ends this session (no race with an unload commit).
    with page.expect_response(lambda response: response.url.endswith("/commit")):
        sco(page).locator("#commit").click()
    page.close()

    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert len(shown(page, "suspend-data")) >= 20000
    assert shown(page, "suspend-data").startswith("0123456789abcdef")


@pytest.mark.parametrize("version", VERSIONS)
def test_suspend_data_up_to_the_servers_limit_is_kept_and_one_character_more_is_refused(lms, learner, context,
                                                                                      version):
    # issue 11 Runtime: strings are stored up to a setting; scorm-again is configured like the server's rules
    # (docs/scorm-player-protocol.md: string limits as settings.maxStringLength). Above it: 1.2 405, 2004 406.
    build, page_name, _ = VERSIONS[version]
    course = lms.import_course(build(f"Limit {version}", [Item("lesson", "Lesson", page_name)]))
    registration = lms.register(course["id"], learner)
    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    limit = page.started["settings"]["maxStringLength"]
    assert limit >= 64000  # issue 11: at least 64,000 characters for every version
    frame = next(frame for frame in page.frames if "/content/" in frame.url)
    answers = frame.evaluate("""([limit, v12]) => {
        const api = v12 ? window.parent.API : window.parent.API_1484_11;
        const set = v12 ? "LMSSetValue" : "SetValue", error = v12 ? "LMSGetLastError" : "GetLastError";
        const tooLong = api[set]("cmi.suspend_data", "x".repeat(limit + 1)), tooLongError = api[error]();
        const fits = api[set]("cmi.suspend_data", "y".repeat(limit)), fitsError = api[error]();
        api[set](v12 ? "cmi.core.exit" : "cmi.exit", "suspend");
        const finished = api[v12 ? "LMSFinish" : "Terminate"]("");
        return [tooLong, tooLongError, fits, fitsError, finished];
    }""", [limit, version == "1.2"])
    assert answers == ["false", "405" if version == "1.2" else "406", "true", "0", "true"]
    page.close()

    page = open_player(context, lms.launch(registration)["url"])
    wait_for_log(page, "ready")
    assert shown(page, "suspend-data") == "y" * limit


def test_the_page_commits_what_the_sco_set_on_its_timer(lms, learner, context):
    # docs/scorm-player-protocol.md The page: commits every settings.commitIntervalSeconds
    course = lms.import_course(package2004("Timer", [Item("lesson", "Lesson", "learner2004.html")]))
    registration = lms.register(course["id"], learner)
    page = context.new_page()
    page.clock.install()  # the page's timers run on a clock the test moves
    commits = []
    page.on("request", lambda request: commits.append(request.post_data_json)
            if request.url.endswith("/commit") else None)
    with page.expect_response(lambda response: response.url.endswith("/start")) as started:
        page.goto(lms.launch(registration)["url"])
    interval = started.value.json()["settings"]["commitIntervalSeconds"]
    wait_for_log(page, "ready")
    sco(page).locator("#answer").click()
    assert not commits
    page.clock.run_for(interval * 1000 + 1000)
    page.wait_for_timeout(500)
    assert len(commits) == 1
    assert commits[0]["cmi"]["cmi.location"] == "page-2"
    assert commits[0]["cmi"]["cmi.interactions.0.learner_response"] == "b"
    page.clock.run_for(interval * 1000 + 1000)  # nothing new set: nothing to send
    page.wait_for_timeout(300)
    assert len(commits) == 1
