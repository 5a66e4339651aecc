"""CSV columns given as flattened statement paths: `actor.account.name`, `result.score.scaled`,
`context.contextActivities.parent[0].id`, `result.extensions["https://example.com/ext/x"]`.

A path is property names separated by dots; `[N]` (or a plain number) picks an array element and
`["..."]` a property whose name holds dots or brackets (a JSON string, so IRIs of extensions work).
A value is written as text: strings as they are (but one starting with = + - @ TAB or CR gets a leading
single quote, so no spreadsheet runs it as a formula), true/false, numbers as JSON writes them, objects and
arrays as JSON; a missing value is an empty cell.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain, count
from typing import Any, Union

import msgspec
import orjson

from lrs.xapi.errors import BadRequest

SECTION = "docs/analytics.md: CSV columns"
MAX_COLUMNS = 200
MAX_PATH_LENGTH = 4000
MAX_COLUMNS_LENGTH = 4000  # the whole `columns` value, as the OpenAPI document declares
# A path's steps bound the depth of the reader built per column set (a generated function and msgspec
# Structs, one level per step), far below Python's recursion limit.
MAX_STEPS = 64
# What the OpenAPI document promises is accepted (a subset of what parse_columns takes): names of
# letters, digits, _ and -, [N], and ["..."] without quotes, backslashes or control characters.
_NAME, _INDEX, _QUOTED = r"[A-Za-z0-9_\-]+", r"\[[0-9]{1,6}\]", r'\["[^"\\\x00-\x1f]*"\]'
_PATH = f"(?:{_NAME}|{_QUOTED})(?:\\.{_NAME}|{_INDEX}|{_QUOTED}){{0,{MAX_STEPS - 1}}}"
COLUMNS_PATTERN = f"^{_PATH}(?:,{_PATH}){{0,{MAX_COLUMNS - 2}}}$"
DEFAULT_COLUMNS = ("id", "timestamp", "stored", "actor.name", "actor.mbox", "actor.account.homePage",
                   "actor.account.name", "verb.id", "object.id", "result.score.scaled", "result.success",
                   "result.completion", "result.duration", "context.registration")


def _bad(message: str, path: str) -> BadRequest:
    return BadRequest(f"column '{path[:100]}': {message}", path="columns", section=SECTION)


def parse_path(path: str) -> tuple[str | int, ...]:
    """The steps of one column path, in one pass over it."""
    if not path or len(path) > MAX_PATH_LENGTH:
        raise _bad(f"a column is 1 to {MAX_PATH_LENGTH} characters", path)
    steps: list[str | int] = []
    position, length = 0, len(path)
    expect_step = True
    while position < length:
        char = path[position]
        if char == "[":
            close = path.find("]", position)
            if path.startswith('["', position):
                end = _json_string_end(path, position + 1)
                if end is None or end >= length or path[end] != "]":
                    raise _bad('a ["..."] step must hold one JSON string', path)
                try:
                    steps.append(orjson.loads(path[position + 1:end]))
                except orjson.JSONDecodeError:
                    raise _bad('a ["..."] step must hold one JSON string', path) from None
                position = end + 1
            elif close > position and path[position + 1:close].isascii() and path[position + 1:close].isdigit():
                steps.append(int(path[position + 1:close]))
                position = close + 1
            else:
                raise _bad("a [...] step holds an array position or a JSON string", path)
            expect_step = False
        elif char == ".":
            if expect_step:
                raise _bad("an empty step", path)
            expect_step = True
            position += 1
        elif char in ']"':
            raise _bad(f"unexpected {char}", path)
        else:
            if not expect_step:
                raise _bad("a step must follow a dot", path)
            end = position
            while end < length and path[end] not in '.[]"':
                end += 1
            name = path[position:end]
            steps.append(int(name) if name.isascii() and name.isdigit() else name)
            position = end
            expect_step = False
    if expect_step:
        raise _bad("a path cannot end with a dot", path)
    return tuple(steps)


def _json_string_end(text: str, start: int) -> int | None:
    """The index just after the JSON string starting at text[start] ('"'), or None."""
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == '"':
            return position + 1
        position += 1
    return None


def parse_columns(text: str | None) -> tuple[list[str], list[tuple]]:
    """The header and the parsed paths of a comma-separated `columns` value (a path holding a comma is
    written in ["..."] with \\u002c). `id` is always first: it is what an export resumes after."""
    if text is not None and len(text) > MAX_COLUMNS_LENGTH:
        raise BadRequest(f"columns is at most {MAX_COLUMNS_LENGTH} characters", path="columns", section=SECTION)
    names = list(DEFAULT_COLUMNS) if text is None else [name.strip() for name in _split_columns(text)]
    if len(names) > MAX_COLUMNS:
        raise BadRequest(f"at most {MAX_COLUMNS} columns", path="columns", section=SECTION)
    if "id" not in names:
        names.insert(0, "id")
    paths = [parse_path(name) for name in names]
    for name, steps in zip(names, paths):
        if len(steps) > MAX_STEPS:
            raise _bad(f"at most {MAX_STEPS} steps", name)
    return names, paths


def _split_columns(text: str) -> list[str]:
    """Splits on commas outside ["..."] steps."""
    parts, current, inside, escaped = [], [], False, False
    for char in text:
        if inside:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                inside = False
        elif char == '"':
            inside = True
        elif char == ",":
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def compile_reader(paths: list[tuple]) -> Callable[[object], list]:
    """A function from a statement parsed by orjson to its values at `paths`, in order, with "" where a path
    finds nothing (a missing property, an array too short, a step into a string, number or boolean)."""
    return _compile(paths, {})


def compile_decoder(paths: list[tuple]) -> tuple[Callable[[bytes | str], object], Callable[[object], list]]:
    """A decoder of a statement's JSON text that builds only what `paths` reach, and the reader of its values
    (as compile_reader's). msgspec decodes each object on the way to a column as a Struct of the properties
    the paths name, skipping the others; a column's own value, and an object a path reads by array position,
    is decoded whole, as orjson would. When the statement itself is, orjson.loads and compile_reader's."""
    structs: dict[tuple, type] = {}
    _decoded_by_name(_tree(paths), (), set(paths), structs)
    if not structs:
        return orjson.loads, compile_reader(paths)
    return msgspec.json.Decoder(structs[()]).decode, _compile(paths, structs)


def _tree(paths: list[tuple]) -> dict:
    tree: dict = {}
    for steps in paths:
        node = tree
        for step in steps:
            node = node.setdefault(step, {})
    return tree


# What msgspec refuses in a Struct's property names.
_UNNAMEABLE = re.compile(r'[\\"\x00-\x1f]').search


def _decoded_by_name(node: dict, steps: tuple, ends: set, structs: dict) -> object:
    """The msgspec type of the value at `steps`: a Struct of the properties `node` names (added to `structs`)
    when every step from it is a name msgspec takes and no column ends there, Any otherwise."""
    if not node or steps in ends or any(step.__class__ is int or _UNNAMEABLE(step) for step in node):
        return Any
    fields = []
    for number, (step, child) in enumerate(node.items()):
        kind = _decoded_by_name(child, steps + (step,), ends, structs)
        # Anything else found where an object was expected finds nothing further, as in compile_reader.
        kind = kind if kind is Any else Union[kind, str, int, float, bool, list, None]
        fields.append((f"f{number}", kind, msgspec.field(default="", name=step)))
    structs[steps] = msgspec.defstruct("Properties", fields, gc=False)  # decoded JSON holds no cycles
    return structs[steps]


def _compile(paths: list[tuple], structs: dict[tuple, type]) -> Callable[[object], list]:
    """The reader is generated once per column set, so a row costs one dict.get or attribute per distinct
    step and no loop over the paths; the steps reach the generated code as bound names, never as source text.
    `structs` are the Structs compile_decoder decodes objects on the way into, by their steps."""
    names: dict[str, object] = {"EMPTY": {}}
    lines, values, numbers = ["def read(v0):"], {}, count(1)

    def visit(node: dict, value: str, steps: tuple) -> None:
        values[steps] = value
        if not node:
            return
        node_number = next(numbers)
        container = f"c{node_number}"
        if steps in structs:
            # A value decoded as anything but this Struct becomes its empty instance, which finds "" everywhere.
            struct, empty = f"t{node_number}", f"e{node_number}"
            names[struct], names[empty] = structs[steps], structs[steps]()
            lines.append(f" {container} = {value} if {value}.__class__ is {struct} else {empty}")
            for field, (step, child) in enumerate(node.items()):
                number = next(numbers)
                lines.append(f" v{number} = {container}.f{field}")
                visit(child, f"v{number}", steps + (step,))
            return
        # orjson makes exact dicts and lists, so a class test does for isinstance at half the cost; a
        # value that cannot hold the next step becomes EMPTY, in which every step finds nothing.
        indexed = any(step.__class__ is int for step in node)
        kinds = f"{value}.__class__ is dict or {value}.__class__ is list" if indexed else f"{value}.__class__ is dict"
        lines.append(f" {container} = {value} if {kinds} else EMPTY")
        for step, child in node.items():
            number = next(numbers)
            names[f"k{number}"] = str(step)  # [N] on an object reads the property named N
            if step.__class__ is int:
                names[f"i{number}"] = step
                read = (f"({container}[i{number}] if i{number} < len({container}) else '')"
                        f" if {container}.__class__ is list else {container}.get(k{number}, '')")
            elif indexed:
                read = f"{container}.get(k{number}, '') if {container}.__class__ is dict else ''"
            else:
                read = f"{container}.get(k{number}, '')"
            lines.append(f" v{number} = {read}")
            visit(child, f"v{number}", steps + (step,))

    visit(_tree(paths), "v0", ())
    lines.append(f" return [{', '.join(values[steps] for steps in paths)}]")
    # The constants are the closure of the generated function, read as fast as its locals.
    source = f"def make({', '.join(names)}):\n" + "\n".join(" " + line for line in lines) + "\n return read"
    namespace: dict = {}
    exec(source, namespace)  # the source holds generated names only
    return namespace["make"](**names)


# A text cell starting with one of these is a formula to Excel, LibreOffice and Sheets (OWASP "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    if value.__class__ is str:
        # A leading single quote makes a spreadsheet show the text as text; JSON numbers are written as numbers.
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return orjson.dumps(value).decode()


# RFC 4180 2.6-2.7: a field holding a comma, a double quote or a line break is enclosed in double quotes,
# and a double quote inside is doubled (what csv.writer's QUOTE_MINIMAL writes).
_NEEDS_QUOTES = re.compile('[",\r\n]').search


def _field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES(text) else text


# In a page of rows written as JSON (orjson.dumps, which escapes only quotes, backslashes and control
# characters): a text value that starts with a formula character.
_FORMULA_TEXT = re.compile(rb'"[=+\-@]').search


class CsvWriter:
    """CSV (RFC 4180, CRLF line ends, UTF-8) for pages of statement bodies (JSON text as bytes or str)."""

    def __init__(self, names: list[str], paths: list[tuple]):
        self._decode, self._read = compile_decoder(paths)
        self._paths = paths
        # The reader of orjson's values: the same one when orjson decodes anyway, else compiled the first time
        # a page needs it (an integer past 64 bits): generating a reader is not free for long column sets.
        self._read_parsed = self._read if self._decode is orjson.loads else None
        self._commas = len(paths) - 1
        self.header = self._bytes([self._line([cell(name) for name in names])])  # a name is text too: guarded

    def _line(self, cells: list[str]) -> str:
        # Most rows hold no comma, quote or line break in any cell: one test of the whole line then does.
        line = ",".join(cells)
        if line.count(",") != self._commas or '"' in line or "\n" in line or "\r" in line:
            return ",".join(map(_field, cells))
        return line

    @staticmethod
    def _bytes(lines: list[str]) -> bytes:
        lines.append("")
        return "\r\n".join(lines).encode()

    def rows(self, bodies: list[bytes]) -> bytes:
        if not bodies:
            return b""
        if self._decode is not orjson.loads:
            try:
                return self._page(bodies, self._decode, self._read)
            except (msgspec.DecodeError, TypeError):
                # What the two read apart: an integer past 64 bits (a float to orjson, an int to msgspec that
                # orjson.dumps refuses), or text orjson refuses too. The page is read again as before.
                pass
        if self._read_parsed is None:
            self._read_parsed = compile_reader(self._paths)
        return self._page(bodies, orjson.loads, self._read_parsed)

    def _page(self, bodies: list[bytes], decode: Callable, read: Callable) -> bytes:
        line = self._line
        statements = map(decode, bodies)
        rows = [read(next(statements))]
        # A page whose first row holds an object or an array (a column such as `verb`) is written row by
        # row at once: holding its parsed values for a whole page would cost more than the plain path saves.
        if not any(value.__class__ is dict or value.__class__ is list for value in rows[0]):
            rows.extend(map(read, statements))
            plain = self._plain_rows(rows)
            if plain is not None:
                return plain
        return self._bytes([line(list(map(cell, row))) for row in chain(rows, map(read, statements))])

    def _plain_rows(self, rows: list[list]) -> bytes | None:
        """The page's CSV made from its rows written as one JSON array (by orjson, which escapes only quotes,
        backslashes and control characters), when every value is text that needs no quoting or formula
        guard, a number, a boolean or "" (nothing there): each cell is then its JSON without the quotes,
        and three passes over the page replace a Python step per cell. None when any value is not (null,
        an object or array, a comma, a bracket, an escaped character, text starting like a formula)."""
        count = len(rows)
        # An empty last row puts a line end after the last record too; few large buffers, as each costs
        # the allocator fresh memory pages.
        page = orjson.dumps([*rows, ()])
        if (b"\\" in page or b"{" in page or page.count(b"[") != count + 2 or page.count(b"]") != count + 2
                or page.count(b",") != count * (self._commas + 1) or b"null" in page or _FORMULA_TEXT(page)):
            return None
        # [["a",1,true],["b","",false],[]] -> a,1,true CRLF b,,false CRLF
        return page.replace(b"],[", b"\r\n").translate(None, b'"[]')


class JsonLinesWriter:
    """JSON Lines: each statement's text as stored, one a line; nothing is parsed or rewritten."""
    header = b""

    @staticmethod
    def rows(bodies: list[bytes]) -> bytes:
        return b"\n".join([*bodies, b""])  # the final line end without a copy of the page


def writer_for(output_format: str, columns: str | None) -> CsvWriter | JsonLinesWriter:
    """The writer of an export's format ("csv" or "jsonl"); `columns` are CSV's (parse_columns)."""
    return CsvWriter(*parse_columns(columns)) if output_format == "csv" else JsonLinesWriter()
