"""Pattern matching (xAPI Profiles Part Three §2.2 `matches` and `follows`), greedy and without backtracking as
the spec requires, and bounded on hostile input.

The pseudocode re-matches an element from the same position as often as enclosing alternates and loops ask,
which is quadratic (or worse) on some patterns. Here a result depends only on (element, position), so each is
computed once and remembered; the loops of oneOrMore and zeroOrMore are walked iteratively and every position
they pass gets the loop's answer, so a stream of n statements and a profile of p patterns and templates cost
O(n * p) steps, and the recursion is no deeper than patterns nest (at most 64, analytics.profiles.structure).

Besides the outcome, the matcher notes the furthest position at which a Statement Template was expected and
not found, and which ones: that is where a learner's sequence left the pattern.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analytics.profiles.model import Pattern

SUCCESS, PARTIAL, FAILURE = "success", "partial", "failure"


@dataclass
class Match:
    outcome: str
    end: int  # position of the first statement not consumed (the pseudocode's "remaining statements")


@dataclass
class PatternResult:
    pattern: str
    outcome: str          # "followed", "in-progress" (ran out of statements mid-pattern) or "left"
    matched: int          # statements consumed
    left_at: int | None = None          # index of the first statement the pattern could not take
    expected: list[str] = field(default_factory=list)  # templates the pattern would have taken there

    def to_dict(self) -> dict:
        return {"pattern": self.pattern, "outcome": self.outcome, "matched": self.matched,
                "left_at": self.left_at, "expected": self.expected}


class Matcher:
    """One stream (each statement's matched template ids, in order) against one profile's patterns."""

    def __init__(self, patterns: dict[str, Pattern], stream: list[frozenset[str]] | list[set[str]]):
        self.patterns = patterns
        self.stream = stream
        self.size = len(stream)
        self._memo: dict[tuple[str, str, int], Match] = {}
        self.furthest = -1
        self.expected: set[str] = set()

    def matches(self, element: str, position: int = 0) -> Match:
        pattern = self.patterns.get(element)
        if pattern is None:
            return self._template(element, position)
        key = ("pattern", element, position)
        found = self._memo.get(key)
        if found is None:
            found = getattr(self, "_" + pattern.kind)(pattern, position)
            self._memo[key] = found
        return found

    def _note_miss(self, template: str, position: int) -> None:
        if position > self.furthest:
            self.furthest, self.expected = position, {template}
        elif position == self.furthest:
            self.expected.add(template)

    def _template(self, template: str, position: int) -> Match:
        if position >= self.size:
            self._note_miss(template, position)
            return Match(PARTIAL, self.size)
        if template in self.stream[position]:
            return Match(SUCCESS, position + 1)
        self._note_miss(template, position)
        return Match(FAILURE, position)

    def _sequence(self, pattern: Pattern, position: int) -> Match:
        current = position
        for member in pattern.members:
            step = self.matches(member, current)
            if step.outcome == FAILURE:
                return Match(FAILURE, position)
            if step.outcome == PARTIAL:
                return Match(PARTIAL, self.size)
            current = step.end
        return Match(SUCCESS, current)

    def _alternates(self, pattern: Pattern, position: int) -> Match:
        outcome, end = FAILURE, position
        for member in pattern.members:
            step = self.matches(member, position)
            if step.outcome == SUCCESS:
                outcome = SUCCESS
                end = max(end, step.end)  # the longest match: the fewest statements remaining
            elif step.outcome == PARTIAL and outcome == FAILURE:
                outcome = PARTIAL
        if outcome == PARTIAL:
            return Match(PARTIAL, self.size)
        return Match(outcome, end)

    def _optional(self, pattern: Pattern, position: int) -> Match:
        if position >= self.size:
            return Match(SUCCESS, self.size)
        step = self.matches(pattern.members[0], position)
        if step.outcome in (SUCCESS, PARTIAL):
            return step
        return Match(SUCCESS, position)

    def _one_or_more_first(self, pattern: Pattern, position: int) -> Match:
        step = self.matches(pattern.members[0], position)
        if step.outcome == SUCCESS:
            return Match(SUCCESS, step.end) if step.end == position else self._repeat(pattern, step.end, "more")
        if step.outcome == PARTIAL:
            return Match(PARTIAL, self.size)
        return Match(FAILURE, position)

    _oneOrMore = _one_or_more_first

    def _zeroOrMore(self, pattern: Pattern, position: int) -> Match:
        return self._repeat(pattern, position, "zero")

    def _repeat(self, pattern: Pattern, position: int, mode: str) -> Match:
        """The loop of zeroOrMore ("zero") or of oneOrMore after its first match ("more"): its state is only the
        position, so the walk stops at a position already answered and all positions walked share the answer."""
        walked: list[int] = []
        last = position
        while True:
            known = self._memo.get((mode, pattern.id, last))
            if known is not None:
                answer = known
                break
            walked.append(last)
            step = self.matches(pattern.members[0], last)
            if mode == "zero":
                if step.outcome == FAILURE:
                    answer = Match(SUCCESS, last)
                    break
                if step.outcome == PARTIAL and step.end != self.size:
                    answer = Match(PARTIAL, step.end)
                    break
            elif step.outcome != SUCCESS:
                answer = Match(PARTIAL, last) if step.outcome == PARTIAL and last != self.size \
                    else Match(SUCCESS, last)
                break
            if step.end == last:
                answer = Match(SUCCESS, step.end)
                break
            last = step.end
        for walked_position in walked:
            self._memo[(mode, pattern.id, walked_position)] = answer
        return answer


def follow(patterns: dict[str, Pattern], primary: tuple[Pattern, ...], stream: list) -> list[PatternResult]:
    """Each primary Pattern against the stream; the stream follows the profile when one result is "followed"."""
    results = []
    for pattern in primary:
        matcher = Matcher(patterns, stream)
        match = matcher.matches(pattern.id, 0)
        if match.outcome == SUCCESS and match.end == len(stream):
            results.append(PatternResult(pattern.id, "followed", match.end))
        elif match.outcome == PARTIAL:
            results.append(PatternResult(pattern.id, "in-progress", len(stream), None,
                                         sorted(matcher.expected) if matcher.furthest >= len(stream) else []))
        else:
            consumed = match.end if match.outcome == SUCCESS else 0
            left_at = max(consumed, matcher.furthest) if matcher.furthest < len(stream) else consumed
            expected = sorted(matcher.expected) if matcher.furthest == left_at else []
            results.append(PatternResult(pattern.id, "left", consumed, left_at, expected))
    return results
