"""Course-level statements from the root activity's rollup (issue 13, Rollup feeds the xAPI statements;
scorm_runtime.statements.course_statements) against ADL's xAPI SCORM Profile and the LRS's validation."""
from __future__ import annotations

import pytest

from lrs.xapi.validation import validate_statement
from scorm_runtime import statements as xs
from tests.unit.scorm_runtime.test_statements import context

UNKNOWN = {"completion": "unknown", "success": "unknown", "scaled": None}


def rollup(completion: str = "unknown", success: str = "unknown", scaled: float | None = None) -> dict:
    return {"completion": completion, "success": success, "scaled": scaled}


@pytest.mark.parametrize(("before", "after", "verbs"), [
    (UNKNOWN, rollup("completed"), [xs.VERB_COMPLETED]),
    (UNKNOWN, rollup("completed", "passed", 0.9), [xs.VERB_COMPLETED, xs.VERB_PASSED]),
    (rollup("completed"), rollup("completed", "failed", 0.2), [xs.VERB_FAILED]),
    (rollup("completed", "failed"), rollup("completed", "passed"), [xs.VERB_PASSED]),
    (rollup("completed", "passed"), rollup("completed", "passed"), []),  # nothing turned: nothing written
    (UNKNOWN, rollup("incomplete"), []),
])
def test_the_course_is_reported_when_its_rollup_turns(before, after, verbs):
    ctx = context()
    statements = xs.course_statements(ctx, 1_700_000_000_000, before, after)
    assert [statement["verb"]["id"] for statement in statements] == verbs
    for statement in statements:
        validate_statement(statement, "1.0.3")
        assert statement["object"] == xs.course_activity(ctx)
        # The course in grouping; no SCO attempt, so the attempt's own statements keep the profile's pattern
        # (initialized ... terminated); and so no claim of the profile in category, whose generalrestrictions
        # ask for an attempt in grouping (xAPI SCORM Profile, template generalrestrictions).
        activities = statement["context"]["contextActivities"]
        assert [a["id"] for a in activities["grouping"]] == [ctx.course_iri]
        assert "category" not in activities
        assert ctx.attempt_iri not in str(statement)
    passed = [statement for statement in statements if statement["verb"]["id"] == xs.VERB_PASSED]
    if passed and after["scaled"] is not None:
        assert passed[0]["result"] == {"success": True, "score": {"scaled": after["scaled"]}}


def test_course_statement_ids_are_stable_for_a_retried_write():
    ctx = context(session_id="5f1c3c2e-8f1e-4a57-9d0a-1c2b3c4d5e6f")
    first = xs.course_statements(ctx, 1, UNKNOWN, rollup("completed"))
    again = xs.course_statements(ctx, 2, UNKNOWN, rollup("completed"))
    assert first[0]["id"] == again[0]["id"]
