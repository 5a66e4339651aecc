"""Pattern matching against a literal reading of the spec's pseudocode (reference_patterns.py), on random
patterns and random valid and invalid statement sequences. # xAPI Profiles Part Three §2.2, Part Two §9.0"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.profiles.model import Pattern
from analytics.profiles.patterns import Matcher, follow
from tests.unit.analytics.profiles import reference_patterns as reference

TEMPLATES = ("t0", "t1", "t2")  # few, so alternates and loops often compete for a statement


@st.composite
def pattern_sets(draw):
    """An acyclic set of Patterns as Part Two §9.0 allows them: alternates of two or more members with no optional
    or zeroOrMore directly inside, sequences of two or more; members are templates or earlier Patterns."""
    patterns: dict[str, Pattern] = {}
    for index in range(draw(st.integers(1, 7))):
        earlier = list(patterns)
        kind = draw(st.sampled_from(("sequence", "alternates", "optional", "oneOrMore", "zeroOrMore")))
        member = st.sampled_from(TEMPLATES + tuple(earlier))
        if kind == "alternates":
            allowed = TEMPLATES + tuple(p for p in earlier if patterns[p].kind not in ("optional", "zeroOrMore"))
            members = tuple(draw(st.lists(st.sampled_from(allowed), min_size=2, max_size=3)))
        elif kind == "sequence":
            members = tuple(draw(st.lists(member, min_size=2, max_size=3)))
        else:
            members = (draw(member),)
        patterns[f"p{index}"] = Pattern(id=f"p{index}", kind=kind, members=members)
    return patterns


def _generate(draw, patterns: dict, element: str, budget: list) -> list[str]:
    """A template sequence the pattern describes read as a plain grammar (valid, before greediness)."""
    budget[0] -= 1
    if element not in patterns:
        return [element]
    if budget[0] <= 0:
        return []
    pattern = patterns[element]
    if pattern.kind == "sequence":
        return [t for member in pattern.members for t in _generate(draw, patterns, member, budget)]
    if pattern.kind == "alternates":
        return _generate(draw, patterns, draw(st.sampled_from(pattern.members)), budget)
    low = 1 if pattern.kind == "oneOrMore" else 0
    high = 1 if pattern.kind == "optional" else 3
    return [t for _ in range(draw(st.integers(low, high)))
            for t in _generate(draw, patterns, pattern.members[0], budget)]


@st.composite
def cases(draw):
    patterns = draw(pattern_sets())
    root = list(patterns)[-1]
    sequence = _generate(draw, patterns, root, [40])
    mutation = draw(st.sampled_from(("none", "drop", "insert", "swap", "truncate")))
    if mutation == "drop" and sequence:
        del sequence[draw(st.integers(0, len(sequence) - 1))]
    elif mutation == "insert":
        sequence.insert(draw(st.integers(0, len(sequence))), draw(st.sampled_from(TEMPLATES)))
    elif mutation == "swap" and len(sequence) > 1:
        i = draw(st.integers(0, len(sequence) - 2))
        sequence[i], sequence[i + 1] = sequence[i + 1], sequence[i]
    elif mutation == "truncate" and sequence:
        sequence = sequence[:draw(st.integers(0, len(sequence) - 1))]
    # a statement may match more than one template (Part Three §2.1 returns all matching templates)
    stream = [frozenset({name} | (draw(st.sets(st.sampled_from(TEMPLATES), max_size=1))
                                  if draw(st.booleans()) else set())) for name in sequence]
    return patterns, root, stream


def _as_reference(patterns: dict) -> dict:
    return {pattern.id: (pattern.kind, pattern.members) for pattern in patterns.values()}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_matches_agrees_with_the_spec_pseudocode_on_random_patterns_and_sequences(case):
    # xAPI Profiles Part Three §2.2: outcome and remaining statements, greedy, no backtracking
    patterns, root, stream = case
    expected_outcome, remaining = reference.matches(list(stream), root, _as_reference(patterns))
    got = Matcher(patterns, stream).matches(root, 0)
    assert (got.outcome, got.end) == (expected_outcome, len(stream) - len(remaining))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_element_from_every_position_agrees_with_the_pseudocode(case):
    # the memory shared between positions must not change any answer: Part Three §2.2 for every sub-pattern
    patterns, _root, stream = case
    matcher = Matcher(patterns, stream)
    for element in list(patterns) + list(TEMPLATES):
        for start in range(len(stream) + 1):
            outcome, remaining = reference.matches(list(stream[start:]), element, _as_reference(patterns))
            got = matcher.matches(element, start)
            assert (got.outcome, got.end) == (outcome, len(stream) - len(remaining)), (element, start)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_follow_reports_followed_exactly_when_the_pseudocode_succeeds_on_all_statements(case):
    # Part Three §2.2 follows: success when a primary Pattern matches with no statements remaining
    patterns, root, stream = case
    primary = Pattern(id=root, kind=patterns[root].kind, members=patterns[root].members, primary=True)
    result = follow(patterns, (primary,), stream)[0]
    outcome, remaining = reference.matches(list(stream), root, _as_reference(patterns))
    assert (result.outcome == "followed") == (outcome == "success" and not remaining)
    if result.outcome == "left":
        assert 0 <= result.left_at <= len(stream)
        # the statement where it left is not one the pattern expected there
        if result.left_at < len(stream) and result.expected:
            assert not set(result.expected) & stream[result.left_at]


def test_a_sequence_left_half_way_names_the_statement_and_the_template_expected():
    # Part Two §9.0 sequence; the report says where the learner's sequence left the pattern
    patterns = {"p": Pattern("p", "sequence", ("t0", "t1", "t2"), primary=True)}
    stream = [frozenset({"t0"}), frozenset({"t1"}), frozenset({"t0"})]
    result = follow(patterns, (patterns["p"],), stream)[0]
    assert (result.outcome, result.left_at, result.expected) == ("left", 2, ["t2"])


def test_a_stream_that_stops_inside_the_pattern_is_in_progress():
    # Part Three §2.2 table: partial, empty remaining = "in the middle of matching and ran out of Statements"
    patterns = {"p": Pattern("p", "sequence", ("t0", "t1", "t2"), primary=True)}
    result = follow(patterns, (patterns["p"],), [frozenset({"t0"}), frozenset({"t1"})])[0]
    assert (result.outcome, result.expected) == ("in-progress", ["t2"])


def test_alternates_take_the_longest_match_not_the_first():
    # Part Three §2.2: "if maybe statements is shorter than next statements"; Part Two §9.0 greedy matching
    patterns = {"pair": Pattern("pair", "sequence", ("t0", "t1")),
                "p": Pattern("p", "alternates", ("t0", "pair"), primary=True)}
    result = follow(patterns, (patterns["p"],), [frozenset({"t0"}), frozenset({"t1"})])[0]
    assert result.outcome == "followed"


def test_greedy_matching_never_backtracks():
    # Part Three §2.2: zeroOrMore takes every t0, so the t0 the sequence wants next is never there
    patterns = {"many": Pattern("many", "zeroOrMore", ("t0",)),
                "p": Pattern("p", "sequence", ("many", "t0"), primary=True)}
    result = follow(patterns, (patterns["p"],), [frozenset({"t0"})] * 3)[0]
    assert result.outcome == "in-progress"


def test_matching_work_is_linear_in_the_stream_on_a_pattern_the_pseudocode_makes_quadratic():
    # hostile input: each loop step re-runs a failing alternate over the whole rest of the stream in the
    # pseudocode; remembered (element, position) answers bound the work to O(n * patterns)
    patterns = {"runs": Pattern("runs", "oneOrMore", ("t0",)),
                "long": Pattern("long", "sequence", ("runs", "t1")),
                "either": Pattern("either", "alternates", ("t0", "long")),
                "p": Pattern("p", "oneOrMore", ("either",), primary=True)}
    size = 20_000
    matcher = Matcher(patterns, [frozenset({"t0"})] * size)
    match = matcher.matches("p", 0)
    assert match.end == size
    assert len(matcher._memo) <= 4 * size * len(patterns)
