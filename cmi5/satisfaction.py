"""moveOn and satisfaction (cmi5 9.3.9, 9.6.1, 13.1.4 moveOn): pure functions over a registration's
records, for delivery's calls (registration, waive) and for the LRS hook that writes the `satisfied`
statements an AU's `completed` or `passed` decides, in the same transaction, right after it.

What is stored (delivery's records, read only by cmi5):
- ItemRecord per AU: `satisfied`, `waived`, `completion`, `success`, `score`; `data` {"completed": bool,
  "passed": bool}: the verbs moveOn counts.
- RegistrationRecord `data`: {"satisfiedBlocks": [publisher block id, ...], "courseSatisfied": bool,
  "evaluated": bool (the registration-time evaluation of 9.6.1 has been written)}.

An AU with moveOn NotApplicable is satisfied from the start (13.1.4), record or not."""
from __future__ import annotations

from dataclasses import dataclass, replace

from delivery.standard import ItemRecord, RegistrationRecord, RegistrationState

from cmi5 import statements as lms_statements
from cmi5 import vocabulary as v
from cmi5.identifiers import block_object_id, course_object_id


def move_on_met(move_on: str, *, completed: bool, passed: bool) -> bool:
    """cmi5 13.1.4 moveOn: whether the verbs received so far satisfy the AU."""
    if move_on == "NotApplicable":
        return True
    if move_on == "Passed":
        return passed
    if move_on == "Completed":
        return completed
    if move_on == "CompletedAndPassed":
        return completed and passed
    if move_on == "CompletedOrPassed":
        return completed or passed
    raise ValueError(f"unknown moveOn '{move_on}'")


def au_is_satisfied(move_on: str, record: ItemRecord) -> bool:
    """cmi5 9.3.9: a waived AU has met its moveOn criteria."""
    return record.waived or record.satisfied or move_on_met(
        move_on, completed=bool(record.data.get("completed")), passed=bool(record.data.get("passed")))


def satisfied_aus(course_runtime: dict, items: dict[str, ItemRecord]) -> set[str]:
    """The AU ids satisfied in the registration."""
    satisfied = set()
    for au_id, au in course_runtime["aus"].items():
        record = items.get(au_id)
        if au["moveOn"] == "NotApplicable" or (record is not None and au_is_satisfied(au["moveOn"], record)):
            satisfied.add(au_id)
    return satisfied


@dataclass(frozen=True)
class Satisfaction:
    """What became satisfied: publisher block ids, innermost first, then the course."""
    blocks: tuple[str, ...] = ()
    course: bool = False

    def __bool__(self) -> bool:
        return bool(self.blocks) or self.course


def newly_satisfied(course_runtime: dict, satisfied: set[str], record_data: dict, *,
                    only_blocks_of: str | None = None) -> Satisfaction:
    """The blocks and course whose every AU is in `satisfied` and that have no `satisfied` statement yet
    (cmi5 9.3: SHOULD NOT issue several per block or course in a registration). `only_blocks_of`: look
    only at the blocks of that AU (what one AU statement can change)."""
    done = set(record_data.get("satisfiedBlocks") or ())
    if only_blocks_of is not None:
        candidates = reversed(course_runtime["aus"][only_blocks_of]["blocks"])  # innermost first
    else:
        candidates = course_runtime["blocks"]  # stored in the order blocks close: innermost first
    blocks = tuple(block_id for block_id in candidates if block_id not in done
                   and all(au_id in satisfied for au_id in course_runtime["blocks"][block_id]["aus"]))
    course = not record_data.get("courseSatisfied") and all(au_id in satisfied for au_id in course_runtime["aus"])
    return Satisfaction(blocks, course)


def mark_written(record: RegistrationRecord, satisfaction: Satisfaction, **extra) -> RegistrationRecord:
    data = dict(record.data)
    data["satisfiedBlocks"] = list(data.get("satisfiedBlocks") or ()) + list(satisfaction.blocks)
    data["courseSatisfied"] = bool(data.get("courseSatisfied")) or satisfaction.course
    data.update(extra)
    return replace(record, data=data)


def satisfied_statements(state: RegistrationState, satisfaction: Satisfaction, session_id: str,
                         at_ms: int) -> list[dict]:
    """cmi5 9.3.9: one `satisfied` per block, then the course; `session_id` is the AU session's when an AU
    statement triggered them, a fresh one otherwise."""
    course, registration = state.course, state.registration
    runtime = course.runtime
    actor = lms_statements.actor_of(registration.learner)
    result = [lms_statements.satisfied(actor, registration.id, session_id, block_object_id(course.id, block_id),
                                       block_id, block=True, title=runtime["blocks"][block_id]["title"], at_ms=at_ms)
              for block_id in satisfaction.blocks]
    if satisfaction.course:
        result.append(lms_statements.satisfied(actor, registration.id, session_id,
                                               course_object_id(course.id, runtime["courseId"]), runtime["courseId"],
                                               block=False, title=course.title, at_ms=at_ms))
    return result


@dataclass(frozen=True)
class AuOutcome:
    """What one AU statement changes: the AU's record, the registration record (None: unchanged), and the
    `satisfied` statements to store right after the AU's statement."""
    item: ItemRecord
    record: RegistrationRecord | None
    statements: list[dict]


def on_au_statement(state: RegistrationState, au_id: str, statement: dict, session_id: str,
                    at_ms: int) -> AuOutcome:
    """For the LRS hook, once an AU's cmi5 defined `completed`, `passed` or `failed` has been accepted in a
    Normal session: the AU's summary, its satisfaction, and the block and course `satisfied` statements
    (with the AU session's id, 9.3.9) it decides. Pure: the hook saves the records
    (DeliveryRuntime.save_records, with their versions) and stores the statements in its transaction."""
    au = state.course.runtime["aus"][au_id]
    record = state.item(au_id)
    verb = statement["verb"]["id"]
    data = dict(record.data)
    changes: dict = {}
    score = ((statement.get("result") or {}).get("score") or {}).get("scaled")
    if verb == v.COMPLETED:
        data["completed"] = True
        changes["completion"] = "completed"
    elif verb == v.PASSED:
        data["passed"] = True
        changes["success"] = "passed"
    elif verb == v.FAILED and not data.get("passed"):
        changes["success"] = "failed"
    if verb in (v.PASSED, v.FAILED) and isinstance(score, (int, float)):
        changes["score"] = float(score)
    if record.completion == "not attempted" and "completion" not in changes:
        changes["completion"] = "incomplete"
    item = replace(record, data=data, **changes)
    item = replace(item, satisfied=au_is_satisfied(au["moveOn"], item))
    if not item.satisfied or record.satisfied:
        return AuOutcome(item, None, [])
    items = {**state.items, au_id: item}
    satisfaction = newly_satisfied(state.course.runtime, satisfied_aus(state.course.runtime, items), state.record.data,
                                   only_blocks_of=au_id)
    if not satisfaction:
        return AuOutcome(item, None, [])
    return AuOutcome(item, mark_written(state.record, satisfaction),
                     satisfied_statements(state, satisfaction, session_id, at_ms))
