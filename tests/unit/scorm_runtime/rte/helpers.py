"""Small builders shared by the data model tests."""

from __future__ import annotations

from scorm_runtime.rte import CmiState, LaunchInputs, apply_commit, initial_state


def fresh(standard: str, **inputs) -> CmiState:
    inputs.setdefault("learner_id", "learner-1")
    inputs.setdefault("learner_name", "Ada Lovelace")
    return initial_state(standard, LaunchInputs(**inputs))


def commit_ok(state: CmiState, changes: dict[str, str]) -> CmiState:
    """Apply a commit that must be accepted whole."""
    result = apply_commit(state, changes)
    assert result.rejected == [], result.rejected
    return result.state


def rejected_code(state: CmiState, element: str, value: str) -> int | None:
    """The error code a single-element commit gets, None when accepted; asserts nothing changed."""
    result = apply_commit(state, {element: value})
    if not result.rejected:
        return None
    assert [rejection.element for rejection in result.rejected] == [element]
    assert dict(result.state.values) == dict(state.values), "a rejected value changed the state"
    return result.rejected[0].error_code


def with_interaction(state: CmiState, interaction_type: str, index: int = 0) -> CmiState:
    """A 2004 interaction with its id and type set."""
    return commit_ok(
        state,
        {
            f"cmi.interactions.{index}.id": f"urn:test:q{index}",
            f"cmi.interactions.{index}.type": interaction_type,
        },
    )
