"""moveOn and satisfaction (cmi5 9.3.9, 9.6.1, 13.1.4 moveOn), and the pure function the LRS hook calls."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from delivery.package import ManifestOnly
from delivery.standard import ItemRecord, RegistrationRecord, RegistrationState, Registration, StoredCourse
from cmi5 import vocabulary as v
from cmi5.course_structure import parse_course
from cmi5.identifiers import au_activity_id, block_object_id, course_object_id
from cmi5.progress import course_progress
from cmi5.satisfaction import (Satisfaction, mark_written, move_on_met, newly_satisfied, on_au_statement,
                               satisfied_aus, satisfied_statements)
from tests.unit.cmi5.support import au, block, course_xml

MOVE_ON = ["NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed"]
LEARNER = {"account": {"homePage": "https://lms.example.com", "name": "kim"}, "name": "Kim"}
B1, B2, INNER = "https://example.com/b1", "https://example.com/b2", "https://example.com/b1/inner"
A, B, C, D = (f"https://example.com/au/{name}" for name in "abcd")


@pytest.mark.parametrize("move_on, completed, passed, expected", [
    ("NotApplicable", False, False, True),
    ("Passed", False, False, False), ("Passed", True, False, False), ("Passed", False, True, True),
    ("Completed", False, True, False), ("Completed", True, False, True),
    ("CompletedAndPassed", True, False, False), ("CompletedAndPassed", False, True, False),
    ("CompletedAndPassed", True, True, True),
    ("CompletedOrPassed", False, False, False), ("CompletedOrPassed", True, False, True),
    ("CompletedOrPassed", False, True, True),
])
def test_move_on_values(move_on, completed, passed, expected):
    # cmi5 13.1.4 moveOn, each value as the spec words it.
    assert move_on_met(move_on, completed=completed, passed=passed) is expected


def state_of(move_ons: dict[str, str], items: dict[str, ItemRecord] | None = None, record_data: dict | None = None):
    """A course: block b1 (a, inner block (b)), block b2 (c), AU d at the root; moveOn as given."""
    def unit(au_id):
        return au(au_id, attributes=f'moveOn="{move_ons[au_id]}"')
    parsed = parse_course(ManifestOnly("cmi5.xml", course_xml(block(B1, unit(A), block(INNER, unit(B))),
                                                              block(B2, unit(C)), unit(D))), manifest_only=True)
    course = StoredCourse(id=str(uuid.uuid4()), store_id=1, standard="cmi5", edition=None, title=parsed.title,
                          launchables=parsed.launchables, structure=parsed.structure, runtime=parsed.runtime,
                          created_ms=0)
    registration = Registration(id=str(uuid.uuid4()), store_id=1, course_id=course.id, learner=LEARNER,
                                learner_key="account|x", created_ms=0)
    return RegistrationState(course=course, registration=registration,
                             record=RegistrationRecord(1, registration.id, record_data or {}),
                             items=items or {}, sessions=())


def test_at_registration_not_applicable_aus_satisfy_their_blocks_and_the_course():
    # cmi5 9.6.1: moveOn evaluated at registration; NotApplicable AUs "could generate satisfied statements".
    state = state_of({A: "NotApplicable", B: "NotApplicable", C: "Passed", D: "NotApplicable"})
    satisfied = satisfied_aus(state.course.runtime, {})
    assert satisfied == {A, B, D}
    change = newly_satisfied(state.course.runtime, satisfied, {})
    # Innermost first; b2 waits for C; the course for everything.
    assert change == Satisfaction(blocks=(INNER, B1), course=False)


def test_satisfied_statements_are_for_blocks_and_the_course_with_lms_ids():
    # cmi5 9.3.9, 9.4: objects are LMS-generated block/course IRIs, typed; publisher id in grouping (9.6.2.3).
    state = state_of(dict.fromkeys([A, B, C, D], "NotApplicable"))
    change = newly_satisfied(state.course.runtime, satisfied_aus(state.course.runtime, {}), {})
    assert change == Satisfaction(blocks=(INNER, B1, B2), course=True)
    session_id = str(uuid.uuid4())
    written = satisfied_statements(state, change, session_id, 1_000)
    assert [s["object"]["id"] for s in written] == [
        block_object_id(state.course.id, INNER), block_object_id(state.course.id, B1),
        block_object_id(state.course.id, B2), course_object_id(state.course.id, "https://example.com/course")]
    assert [s["object"]["definition"]["type"] for s in written] == [v.BLOCK_TYPE] * 3 + [v.COURSE_TYPE]
    assert [s["context"]["contextActivities"]["grouping"] for s in written] == [
        [{"id": INNER}], [{"id": B1}], [{"id": B2}], [{"id": "https://example.com/course"}]]
    for statement in written:
        assert statement["verb"]["id"] == v.SATISFIED
        assert statement["actor"] == {"objectType": "Agent", "account": LEARNER["account"], "name": "Kim"}
        assert statement["context"]["registration"] == state.registration.id
        assert statement["context"]["extensions"] == {v.SESSION_ID_EXTENSION: session_id}
        assert statement["context"]["contextActivities"]["category"] == [{"id": v.CMI5_CATEGORY}]
        assert statement["object"]["id"] not in (B1, B2, INNER, "https://example.com/course")
        assert statement["timestamp"].endswith("Z")


def test_lms_ids_are_stable_and_never_the_publishers():
    # cmi5 8.1.5: generated, the same on every launch, not the publisher id; 9.4 likewise for blocks/course.
    course_id = str(uuid.uuid4())
    assert au_activity_id(course_id, A) == au_activity_id(course_id, A) != A
    assert au_activity_id(course_id, A) != au_activity_id(course_id, B)
    assert au_activity_id(course_id, A) != au_activity_id(str(uuid.uuid4()), A)
    assert block_object_id(course_id, A) != au_activity_id(course_id, A)
    assert au_activity_id(course_id, A).startswith("urn:uuid:")


def statement(verb: str, scaled: float | None = None) -> dict:
    result = {"score": {"scaled": scaled}} if scaled is not None else {}
    return {"verb": {"id": verb}, "result": result}


def test_a_passed_au_statement_writes_its_blocks_and_course_satisfied_with_the_au_session_id():
    # cmi5 9.3.9: "the session ID from the AU launch for all Satisfied statements triggered as a result of
    # an AU launch session"; issue 12: right after the AU's statement.
    state = state_of({A: "NotApplicable", B: "Passed", C: "NotApplicable", D: "NotApplicable"},
                     record_data={"satisfiedBlocks": [B2], "evaluated": True})
    outcome = on_au_statement(state, B, statement(v.PASSED, 0.9), "session-1", 5_000)
    assert outcome.item.satisfied and outcome.item.success == "passed" and outcome.item.score == 0.9
    assert [s["context"]["contextActivities"]["grouping"][0]["id"] for s in outcome.statements] == \
        [INNER, B1, "https://example.com/course"]
    assert {s["context"]["extensions"][v.SESSION_ID_EXTENSION] for s in outcome.statements} == {"session-1"}
    assert outcome.record.data["satisfiedBlocks"] == [B2, INNER, B1] and outcome.record.data["courseSatisfied"]


def test_completed_and_passed_needs_both_in_either_order():
    # cmi5 13.1.4 CompletedAndPassed; issue 12: completed and passed may come in either order.
    for first, second in itertools.permutations([v.COMPLETED, v.PASSED]):
        state = state_of(dict.fromkeys([A, B, C, D], "NotApplicable") | {D: "CompletedAndPassed"})
        one = on_au_statement(state, D, statement(first), "s", 1)
        assert not one.item.satisfied and one.statements == []
        state = replace(state, items={D: replace(one.item, version=1)})
        two = on_au_statement(state, D, statement(second), "s", 2)
        assert two.item.satisfied and two.item.completion == "completed" and two.item.success == "passed"
        # D is at the root: only the course, and blocks not yet written (no registration evaluation here).
        assert two.statements[-1]["object"]["definition"]["type"] == v.COURSE_TYPE


def test_failed_does_not_satisfy_and_does_not_undo_a_pass():
    state = state_of(dict.fromkeys([A, B, C, D], "NotApplicable") | {C: "Passed"})
    failed = on_au_statement(state, C, statement(v.FAILED, 0.2), "s", 1)
    assert not failed.item.satisfied and failed.item.success == "failed" and failed.statements == []
    passed = on_au_statement(replace(state, items={C: failed.item}), C, statement(v.PASSED, 0.9), "s", 2)
    assert passed.item.success == "passed" and passed.item.satisfied


def test_nothing_is_written_twice():
    # cmi5 9.3: the LMS SHOULD NOT issue several satisfied statements per block or course in a registration.
    state = state_of(dict.fromkeys([A, B, C, D], "Completed"))
    items = {}
    written = []
    for au_id in (A, B, C, D, A):
        outcome = on_au_statement(replace(state, items=items), au_id, statement(v.COMPLETED), "s", 1)
        items[au_id] = outcome.item
        if outcome.record is not None:
            state = replace(state, record=outcome.record)
        written += [s["context"]["contextActivities"]["grouping"][0]["id"] for s in outcome.statements]
    assert written == [INNER, B1, B2, "https://example.com/course"]


def test_mark_written_accumulates():
    record = RegistrationRecord(1, "r", {"satisfiedBlocks": [B1]})
    assert mark_written(record, Satisfaction((B2,), True), evaluated=True).data == \
        {"satisfiedBlocks": [B1, B2], "courseSatisfied": True, "evaluated": True}


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({key: st.sampled_from(MOVE_ON) for key in (A, B, C, D)}),
       st.lists(st.tuples(st.sampled_from([A, B, C, D]), st.sampled_from([v.COMPLETED, v.PASSED, v.FAILED])),
                max_size=12))
def test_every_block_and_the_course_are_written_once_exactly_when_all_their_aus_are_satisfied(move_ons, events):
    state = state_of(move_ons)
    change = newly_satisfied(state.course.runtime, satisfied_aus(state.course.runtime, {}), {})
    state = replace(state, record=mark_written(state.record, change, evaluated=True))
    written = [*change.blocks, *(["course"] if change.course else [])]
    items: dict[str, ItemRecord] = {}
    for au_id, verb in events:
        outcome = on_au_statement(replace(state, items=items), au_id, statement(verb), "s", 1)
        items[au_id] = outcome.item
        if outcome.record is not None:
            state = replace(state, record=outcome.record)
        written += [s["context"]["contextActivities"]["grouping"][0]["id"] if s["object"]["definition"]["type"]
                    == v.BLOCK_TYPE else "course" for s in outcome.statements]
    satisfied = satisfied_aus(state.course.runtime, items)
    expected = [block_id for block_id, data in state.course.runtime["blocks"].items()
                if all(au_id in satisfied for au_id in data["aus"])]
    assert len(written) == len(set(written))
    assert set(written) == set(expected) | ({"course"} if satisfied == {A, B, C, D} else set())
    progress = course_progress(replace(state, items=items))
    assert progress.satisfied == (satisfied == {A, B, C, D})
    assert {block["id"] for block in progress.blocks if block["satisfied"]} == set(expected)


def test_progress_blocks_in_reading_order_and_waived_aus_count():
    # launch-api.md Registrations: blocks [{id, title, satisfied}]; an AU is satisfied when waived (9.3.9).
    state = state_of(dict.fromkeys([A, B, C, D], "Passed"))
    items = {C: ItemRecord(1, state.registration.id, C, waived=True, satisfied=True)}
    progress = course_progress(replace(state, items=items))
    assert [(block["id"], block["satisfied"]) for block in progress.blocks] == [(B1, False), (INNER, False),
                                                                                 (B2, True)]
    assert progress.blocks[0]["title"] == f"Block {B1}"
    assert progress.completion == "incomplete" and not progress.satisfied
