"""The JSONPath subset of xAPI Profiles Part Two §8.1 (Statement Template Rules): Goessner's JSONPath without
filter or script expressions; a child or array expression holds strings, non-negative integers, `*` or a
comma union of these; several paths may be joined with `|`. A leading `$` may be left out (the spec's own
example `context.contextActivities.grouping[*].id`, and ADL's SCORM profile, do so).

Paths come from uploaded profiles and run on every statement a profile applies to, so both halves are
bounded: a path is at most MAX_PATH_LENGTH characters parsed in one left-to-right pass, and each step of an
evaluation visits each location of the document at most once (results are kept per location, not per route
to it), so a path of s steps over a statement of n values costs O(s * n) whatever the unions or `..` say.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

MAX_PATH_LENGTH = 2048
MAX_STEPS = 64
# Linear per path is not enough: a profile holds thousands of rules, each run on every statement it applies to.
# A caller opens a budget of locations visited (budget()); evaluations inside it charge each location and
# raise EvaluationTooCostly once it is spent. Outside a budget nothing is counted.
_BUDGET: ContextVar[list[int] | None] = ContextVar("jsonpath_budget", default=None)


class EvaluationTooCostly(Exception):
    """The open budget of locations visited is spent."""


@contextmanager
def budget(locations: int):
    """Evaluations in this block may visit at most `locations` locations between them."""
    token = _BUDGET.set([locations])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def _charge(count: int) -> None:
    remaining = _BUDGET.get()
    if remaining is not None:
        remaining[0] -= count
        if remaining[0] < 0:
            raise EvaluationTooCostly()


class JsonPathError(ValueError):
    """The text is not a JSONPath of the §8.1 subset; `position` is the 0-based character where reading stopped."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position})")
        self.position = position


STAR = object()  # a `*` member of a child or array expression


@dataclass(frozen=True)
class Step:
    members: tuple  # str (child), int (array index) or STAR
    descend: bool = False  # `..`: the members of this step are looked for at any depth


@dataclass(frozen=True)
class JsonPath:
    text: str
    alternatives: tuple[tuple[Step, ...], ...]  # the `|`-joined paths

    def values(self, document) -> list:
        """Every value the path finds (xAPI Profiles Part Three §2.1 apply_jsonpath), each location once."""
        found: list = []
        for steps in self.alternatives:
            found.extend(value for value, _location in _evaluate(document, steps))
        return found


def parse(text: str) -> JsonPath:
    if not isinstance(text, str) or not text.strip():
        raise JsonPathError("a JSONPath must be a non-empty string", 0)
    if len(text) > MAX_PATH_LENGTH:
        raise JsonPathError(f"a JSONPath longer than {MAX_PATH_LENGTH} characters is refused", MAX_PATH_LENGTH)
    control = next((index for index, char in enumerate(text) if char < " " and char not in "\t\r\n"), None)
    if control is not None:
        raise JsonPathError("a JSONPath holds no control characters", control)
    alternatives = []
    reader = _Reader(text)
    while True:
        alternatives.append(reader.path())
        reader.skip_spaces()
        if reader.at_end():
            break
        if reader.peek() != "|":
            raise JsonPathError(f"unexpected {reader.peek()!r}", reader.position)
        reader.position += 1
    return JsonPath(text, tuple(alternatives))


class _Reader:
    _NAME_STOP = frozenset(".[]|,' \"\t\r\n")

    def __init__(self, text: str):
        self.text = text
        self.position = 0

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def peek(self) -> str:
        return self.text[self.position]

    def skip_spaces(self) -> None:
        while not self.at_end() and self.peek() in " \t\r\n":
            self.position += 1

    def path(self) -> tuple[Step, ...]:
        self.skip_spaces()
        steps: list[Step] = []
        if not self.at_end() and self.peek() == "$":
            self.position += 1
        elif not self.at_end() and self.peek() not in ".[|":
            steps.append(Step((self.name(),)))  # the relative form: `context.extensions`
        while not self.at_end() and self.peek() in ".[":
            if len(steps) >= MAX_STEPS:
                raise JsonPathError(f"a JSONPath of more than {MAX_STEPS} steps is refused", self.position)
            if self.peek() == "[":
                steps.append(Step(self.bracket()))
                continue
            self.position += 1  # "."
            descend = not self.at_end() and self.peek() == "."
            if descend:
                self.position += 1
            if self.at_end():
                raise JsonPathError("a JSONPath cannot end with '.'", self.position)
            if self.peek() == "[":
                if not descend:
                    raise JsonPathError("'.' must be followed by a name or '*'", self.position)
                steps.append(Step(self.bracket(), descend=True))
            elif self.peek() == "*":
                self.position += 1
                steps.append(Step((STAR,), descend))
            else:
                steps.append(Step((self.name(),), descend))
        return tuple(steps)

    def name(self) -> str:
        start = self.position
        while not self.at_end() and self.peek() not in self._NAME_STOP:
            if self.peek() in "()?@":
                raise JsonPathError("filter and script expressions are not allowed (xAPI Profiles Part Two §8.1)",
                                    self.position)
            self.position += 1
        if self.position == start:
            raise JsonPathError("a name was expected", self.position)
        return self.text[start:self.position]

    def bracket(self) -> tuple:
        self.position += 1  # "["
        members = []
        while True:
            self.skip_spaces()
            if self.at_end():
                raise JsonPathError("unclosed '['", self.position)
            char = self.peek()
            if char in "'\"":
                members.append(self.quoted(char))
            elif char == "*":
                self.position += 1
                members.append(STAR)
            elif char.isdigit():
                start = self.position
                while not self.at_end() and self.peek().isdigit():
                    self.position += 1
                members.append(int(self.text[start:self.position]))
            elif char in "?(":
                raise JsonPathError("filter and script expressions are not allowed (xAPI Profiles Part Two §8.1)",
                                    self.position)
            else:
                raise JsonPathError("a child or array expression holds only quoted strings, non-negative "
                                    "integers, '*' and ',' unions of these (xAPI Profiles Part Two §8.1)",
                                    self.position)
            self.skip_spaces()
            if self.at_end():
                raise JsonPathError("unclosed '['", self.position)
            if self.peek() == ",":
                self.position += 1
                continue
            if self.peek() == "]":
                self.position += 1
                return tuple(members)
            raise JsonPathError(f"unexpected {self.peek()!r} in a child or array expression", self.position)

    def quoted(self, quote: str) -> str:
        self.position += 1
        parts = []
        while True:
            if self.at_end():
                raise JsonPathError("unterminated string", self.position)
            char = self.peek()
            if char == "\\" and self.position + 1 < len(self.text):
                parts.append(self.text[self.position + 1])
                self.position += 2
                continue
            self.position += 1
            if char == quote:
                return "".join(parts)
            parts.append(char)


# A location is identified by (id of its container, key): two routes to one place count once, while two
# equal values at different places stay two values.
_ROOT = ("$",)


def _evaluate(document, steps: tuple[Step, ...]) -> list[tuple[object, tuple]]:
    current = [(document, _ROOT)]
    for step in steps:
        seen: set = set()
        following: list = []
        sources = _descendants(current) if step.descend else current
        _charge(len(sources) * len(step.members))
        for value, _location in sources:
            for member in step.members:
                for child in _children(value, member):
                    if child[1] not in seen:
                        seen.add(child[1])
                        following.append(child)
        current = following
        if not current:
            break
    return current


def _children(value, member):
    if member is STAR:
        if isinstance(value, dict):
            return [(child, (id(value), key)) for key, child in value.items()]
        if isinstance(value, list):
            return [(child, (id(value), index)) for index, child in enumerate(value)]
        return []
    if isinstance(member, str):
        if isinstance(value, dict) and member in value:
            return [(value[member], (id(value), member))]
        return []
    if isinstance(value, list) and member < len(value):
        return [(value[member], (id(value), member))]
    return []


def _descendants(start: list) -> list:
    """Each location in `start` and every location below it, once: iterative, so depth is no risk."""
    seen: set = set()
    result = []
    stack = list(reversed(start))
    while stack:
        value, location = stack.pop()
        if location in seen:
            continue
        seen.add(location)
        result.append((value, location))
        if isinstance(value, (dict, list)):
            stack.extend(reversed(_children(value, STAR)))
    _charge(len(result))
    return result
