"""The SCORM Standard's pure parts: what a launch delivers (continue, 1.2 prerequisites), the launch URL,
the course rollup, and the player's navigation in tree order (launch-api.md; SCORM 1.2 CAM 2.3.5.2.1)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from delivery.course import Launchable
from delivery.errors import NotAllowed, NotFound
from delivery.standard import ItemRecord, LaunchRequest, Registration, RegistrationRecord, RegistrationState, StoredCourse
from scorm_runtime import prerequisites
from scorm_runtime.sessions import learner_id, lesson_iri, navigation, next_item, table_of_contents
from scorm_runtime.standard import ScormStandard, course_progress, player_url

REGISTRATION = "5f0e4c1a-7a47-4b5e-8a57-0c0c7d1e2f10"


def course(standard: str = "scorm12", prerequisites_of: dict | None = None, count: int = 3) -> StoredCourse:
    ids = [f"item_{n}" for n in range(1, count + 1)]
    launchables = tuple(Launchable(id=item, index=index, title=item.title()) for index, item in enumerate(ids))
    runtime = {"launchables": [{"id": item, "index": index, "scormType": "sco", "launchUrl": f"{item}/index.html",
                                "prerequisites": {"type": "aicc_script", "script": (prerequisites_of or {})[item]}
                                if item in (prerequisites_of or {}) else None}
                               for index, item in enumerate(ids)]}
    structure = {"identifier": "org", "title": "Golf",
                 "items": [{"identifier": "module", "title": "Module",
                            "items": [{"identifier": item, "title": item, "items": []} for item in ids]}]}
    return StoredCourse(id="c1", store_id=1, standard=standard, edition=None, title="Golf", launchables=launchables,
                        structure=structure, runtime=runtime, created_ms=0)


def state(stored: StoredCourse, **records: ItemRecord) -> RegistrationState:
    registration = Registration(id=REGISTRATION, store_id=1, course_id=stored.id, learner={"mbox": "mailto:a@b.c"},
                                learner_key="k", created_ms=0)
    return RegistrationState(course=stored, registration=registration, record=RegistrationRecord(1, REGISTRATION),
                             items=records, sessions=())


def record(item: str, **changes) -> ItemRecord:
    return ItemRecord(store_id=1, registration_id=REGISTRATION, launchable_id=item, **changes)


# --- launch --------------------------------------------------------------------------------------------

def test_player_url_carries_the_token_in_the_fragment():
    # docs/scorm-player-protocol.md, The launch URL.
    assert player_url("https://lrs.example/", "s-1", "tok") == "https://lrs.example/player/s-1#launch=tok"


def test_continue_is_the_first_item_when_nothing_was_launched():
    # launch-api.md, Launch: "the suspended or last launched item, else the first".
    assert ScormStandard().choose(state(course()), LaunchRequest(None), runtime=None) == "item_1"


def test_continue_is_the_last_launched_item():
    current = state(course(), item_1=record("item_1", last_launched_ms=10), item_3=record("item_3", last_launched_ms=20))
    assert ScormStandard().choose(current, LaunchRequest(None), runtime=None) == "item_3"


def test_continue_prefers_the_suspended_item_over_a_later_launched_one():
    suspended = record("item_2", last_launched_ms=10, data={"attempt": {"id": "a", "suspended": True}})
    current = state(course(), item_2=suspended, item_3=record("item_3", last_launched_ms=20))
    assert ScormStandard().choose(current, LaunchRequest(None), runtime=None) == "item_2"


def test_scorm12_prerequisites_not_met_is_409():
    # launch-api.md, Launch: 409 an item that prerequisites do not allow yet; SCORM 1.2 CAM 2.3.5.2.1.
    stored = course(prerequisites_of={"item_2": "item_1"})
    with pytest.raises(NotAllowed):
        ScormStandard().choose(state(stored), LaunchRequest("item_2"), runtime=None)
    passed = state(stored, item_1=record("item_1", completion="completed", success="passed"))
    assert ScormStandard().choose(passed, LaunchRequest("item_2"), runtime=None) == "item_2"


def test_scorm2004_choice_is_allowed_in_tree_order_until_sequencing_lands():
    # issue 11, Navigation: flow and choice in tree order until the sequencing engine lands.
    stored = course("scorm2004", prerequisites_of={"item_3": "item_1"})
    assert ScormStandard().choose(state(stored), LaunchRequest("item_3"), runtime=None) == "item_3"


def test_navigation_flows_in_tree_order_and_choice_names_an_item():
    current = state(course())
    assert navigation(current, "item_1") == {"continue": True, "previous": False}
    assert navigation(current, "item_3") == {"continue": False, "previous": True}
    assert next_item(current, "item_2", "continue", None) == "item_3"
    assert next_item(current, "item_2", "previous", None) == "item_1"
    assert next_item(current, "item_3", "continue", None) is None
    assert next_item(current, "item_1", "choice", "item_3") == "item_3"
    assert next_item(current, "item_1", "exitAll", None) is None
    with pytest.raises(NotFound):
        next_item(current, "item_1", "choice", "nope")


def test_table_of_contents_has_depth_and_disables_blocked_items():
    toc = table_of_contents(state(course(prerequisites_of={"item_3": "item_2"})), "item_1")
    assert [(entry["launchable"], entry["depth"], entry["current"], entry["enabled"]) for entry in toc] == [
        ("item_1", 1, True, True), ("item_2", 1, False, True), ("item_3", 1, False, False)]


@pytest.mark.parametrize("agent,expected", [
    ({"account": {"homePage": "https://h", "name": "u-1"}, "mbox": "mailto:x@y.z"}, "u-1"),
    ({"mbox": "mailto:x@y.z"}, "mailto:x@y.z"),
    ({"mbox_sha1sum": "a" * 40}, "a" * 40),
    ({"openid": "https://id.example/me"}, "https://id.example/me")])
def test_learner_id_is_account_name_else_the_identifier_value(agent, expected):
    # launch-api.md, SCORM specifics, Learner.
    assert learner_id(agent) == expected


def test_lesson_iri_is_built_from_the_course_and_item():
    # xAPI SCORM Profile 3.2, Activity IRI: `<courseIRI>/<sco path>`.
    assert lesson_iri("https://lrs.example", "c1", "a b/c") == "https://lrs.example/api/v1/courses/c1/items/a%20b%2Fc"


# --- progress (launch-api.md, Registrations) -------------------------------------------------------------

def test_course_is_not_attempted_until_an_item_is():
    progress = course_progress(state(course()))
    assert (progress.completion, progress.success, progress.score, progress.satisfied) == \
        ("not attempted", "unknown", None, False)


def test_course_is_completed_when_every_item_is_and_scores_average():
    done = {f"item_{n}": record(f"item_{n}", completion="completed", satisfied=True, attempts=1,
                                success="passed" if n == 3 else "unknown", score=0.5 * (n == 1) or None)
            for n in (1, 2, 3)}
    done["item_2"] = record("item_2", completion="completed", satisfied=True, attempts=1, score=1.0)
    progress = course_progress(state(course(), **done))
    assert (progress.completion, progress.success, progress.satisfied) == ("completed", "passed", True)
    assert progress.score == pytest.approx(0.75)


def test_one_failed_item_fails_the_course_and_one_incomplete_keeps_it_incomplete():
    records = {"item_1": record("item_1", completion="completed", success="failed", satisfied=True, attempts=1),
               "item_2": record("item_2", completion="incomplete", attempts=1)}
    progress = course_progress(state(course(), **records))
    assert (progress.completion, progress.success, progress.satisfied) == ("incomplete", "failed", False)


def test_single_sco_course_takes_its_score():
    progress = course_progress(state(course(count=1), item_1=record("item_1", score=-0.25, attempts=1)))
    assert progress.score == -0.25


# --- SCORM 1.2 prerequisites (AICC script) ------------------------------------------------------------

STATUSES = {"a": "passed", "b": "completed", "c": "incomplete", "d": "failed", "e": "browsed"}


@pytest.mark.parametrize("expression,expected", [
    ("a", True), ("c", False), ("a & b", True), ("a & c", False), ("c | b", True), ("~c", True),
    ("(a | c) & d", False), ("(c | a) & ~d", True), ("c = incomplete", True), ("c = i", True), ("d <> failed", False),
    ("f = not attempted", True), ("2*{a,b,c}", True), ("3*{a,b,c}", False), ("", True),
    ("unknown_item", True),                 # an identifier the course lacks does not block
    ("a & (", True),                        # an expression that cannot be parsed does not block
])
def test_prerequisites_follow_the_aicc_script(expression, expected):
    known = set(STATUSES) | {"f"}
    assert prerequisites.allowed(expression, STATUSES, known=known.__contains__) is expected


@given(st.text(max_size=40))
def test_prerequisites_never_raise_on_any_text(expression):
    assert prerequisites.allowed(expression, STATUSES, known=STATUSES.__contains__) in (True, False)


@given(st.sampled_from(sorted(STATUSES)), st.sampled_from(sorted(STATUSES)))
def test_prerequisites_and_or_agree_with_python(left, right):
    def holds(item):
        return STATUSES[item] in ("passed", "completed")
    known = STATUSES.__contains__
    assert prerequisites.allowed(f"{left} & {right}", STATUSES, known=known) is (holds(left) and holds(right))
    assert prerequisites.allowed(f"{left} | ~{right}", STATUSES, known=known) is (holds(left) or not holds(right))
