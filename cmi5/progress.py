"""A cmi5 registration's rollup (launch-api.md, Registrations): the course and blocks satisfied as the
moveOn rules decide (cmi5 13.1.4), an AU satisfied when its moveOn is met or it is waived (9.3.9)."""
from __future__ import annotations

from delivery.standard import CourseProgress, RegistrationState

from cmi5.satisfaction import satisfied_aus


def _blocks_in_order(node: dict) -> list[dict]:
    """Blocks depth-first, each before its children (the course structure's reading order)."""
    found = []
    for child in node.get("children", ()):
        if child.get("type") == "block":
            found.append(child)
            found.extend(_blocks_in_order(child))
    return found


def course_progress(state: RegistrationState) -> CourseProgress:
    """- completion: completed when every AU is completed or waived; not attempted when none was launched
      or waived; else incomplete;
    - success: failed when an AU failed and was neither passed nor waived since; passed when every AU
      whose moveOn asks for Passed is passed or waived (at least one); else unknown;
    - score: the average of the AUs' scaled scores;
    - satisfied: every AU satisfied; blocks likewise over their AUs; each AU's own in `satisfied_items`
      (an AU with moveOn NotApplicable has no record to say so)."""
    course_runtime = state.course.runtime
    satisfied = satisfied_aus(course_runtime, state.items)
    records = [state.item(au_id) for au_id in course_runtime["aus"]]
    if all(record.completion == "completed" or record.waived for record in records):
        completion = "completed"
    elif not any(record.attempts or record.waived for record in records):
        completion = "not attempted"
    else:
        completion = "incomplete"
    judged = [state.item(au_id) for au_id, au in course_runtime["aus"].items() if "Passed" in au["moveOn"]]
    if any(record.success == "failed" and not record.waived for record in records):
        success = "failed"
    elif judged and all(record.success == "passed" or record.waived for record in judged):
        success = "passed"
    else:
        success = "unknown"
    scores = [record.score for record in records if record.score is not None]
    blocks = tuple({"id": block["id"], "title": course_runtime["blocks"][block["id"]]["title"],
                    "satisfied": all(au_id in satisfied for au_id in course_runtime["blocks"][block["id"]]["aus"])}
                   for block in _blocks_in_order(state.course.structure))
    return CourseProgress(completion=completion, success=success,
                          score=round(sum(scores) / len(scores), 7) if scores else None,
                          satisfied=len(satisfied) == len(course_runtime["aus"]), blocks=blocks,
                          satisfied_items=frozenset(satisfied))
