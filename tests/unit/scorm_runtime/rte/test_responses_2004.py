"""SCORM 2004 interaction responses by type: cmi.interactions.n.learner_response (RTE 4.2.9.2,
Table 4.2.9.2a) and cmi.interactions.n.correct_responses.n.pattern (RTE 4.2.9.1, Table 4.2.9.1a)."""

from __future__ import annotations

import pytest

from .helpers import commit_ok, fresh, rejected_code, with_interaction

LEARNER = {
    "true-false": (["true", "false"], ["True", "1", "t", ""]),
    "choice": (["a", "a[,]b[,]c", "urn:x:choice_1", ""], ["a[,]a", "a[,][,]b"]),
    "fill-in": (["Paris", "{lang=fr}Paris[,]Lyon", ""], ["{lang=zz-12345678901}x"]),
    "long-fill-in": (["A long essay, with commas.", "{lang=en}Text"], ["{lang=}x"]),
    "likert": (["strongly_agree", "3"], ["", "two words", "a[,]b"]),
    "matching": (["1[.]a", "1[.]a[,]2[.]b", ""], ["1-a", "1[.]", "[.]a", "1[.]a b"]),
    "performance": (
        ["step1[.]answer one", "[.]just an answer", "step1[.]", "s1[.]a[,]s2[.]b"],
        ["", "[.]", "bad name[.]x"],
    ),
    "sequencing": (["a[,]b[,]c", "step_1"], ["", "a[,]b c"]),
    "numeric": (["42", "-3.14"], ["4e2", "", "1[:]2", "forty"]),
    "other": (["anything at all", ""], ["o" * 64_001]),
}

CORRECT = {
    "true-false": (["true", "false"], ["yes"]),
    "choice": (["a[,]b", "a", ""], ["a[,]a"]),
    "fill-in": (
        [
            "Paris",
            "{case_matters=true}Paris",
            "{order_matters=false}{case_matters=true}a[,]b",
            "{lang=en}color[,]{lang=en}colour",
        ],
        ["{case_matters=maybe}x", "{case_matters=true}{case_matters=false}x", "{lang=@@}x"],
    ),
    "long-fill-in": (["{case_matters=false}An answer", "plain"], ["{order_matters=true}x"]),
    "likert": (["agree"], ["", "a b"]),
    "matching": (["1[.]a[,]2[.]b"], ["1[.]a[,]2"]),
    "performance": (
        ["{order_matters=false}s1[.]a[,]s2[.]b", "s1[.]1[:]5", "s1[.][:]5", "[.]answer"],
        ["{case_matters=true}s1[.]a", "s1[.]5[:]1", ""],
    ),
    "sequencing": (["a[,]b[,]c"], ["", "a[,][,]b"]),
    "numeric": (["1[:]5", "[:]5", "1[:]", "2.5[:]2.5", "3"], ["5[:]1", "a[:]b", "1[:]2[:]3"]),
    "other": (["whatever"], []),
}


@pytest.mark.parametrize("interaction_type", sorted(LEARNER))
def test_learner_response_format_by_type(interaction_type):  # RTE 4.2.9.2 Table 4.2.9.2a
    good, bad = LEARNER[interaction_type]
    state = with_interaction(fresh("scorm2004"), interaction_type)
    element = "cmi.interactions.0.learner_response"
    for value in good:
        assert rejected_code(state, element, value) is None, (interaction_type, value)
    # From a stored response, so that "" is a change too (an unset element sent as "" is not).
    state = commit_ok(state, {element: good[0]})
    for value in bad:
        code = rejected_code(state, element, value)
        assert code == 406, (interaction_type, value, code)


@pytest.mark.parametrize("interaction_type", sorted(CORRECT))
def test_correct_response_pattern_format_by_type(interaction_type):  # RTE 4.2.9.1 Table 4.2.9.1a
    good, bad = CORRECT[interaction_type]
    state = with_interaction(fresh("scorm2004"), interaction_type)
    element = "cmi.interactions.0.correct_responses.0.pattern"
    for value in good:
        assert rejected_code(state, element, value) is None, (interaction_type, value)
    for value in bad:
        code = rejected_code(state, element, value)
        assert code == 406, (interaction_type, value, code)


def test_learner_response_is_checked_against_a_type_set_in_the_same_commit():  # RTE 4.2.9.2
    from scorm_runtime.rte import apply_commit

    state = fresh("scorm2004")
    result = apply_commit(
        state,
        {
            "cmi.interactions.0.learner_response": "42",  # listed first, applied after id and type
            "cmi.interactions.0.type": "numeric",
            "cmi.interactions.0.id": "q1",
        },
    )
    assert result.rejected == []
    assert result.state.values["cmi.interactions.0.learner_response"] == "42"
