"""CSV column paths (docs/analytics.md: CSV columns): parsed in one pass, refused with a 400 naming `columns`."""
from __future__ import annotations

import csv
import io
import json
import re

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.columns import (COLUMNS_PATTERN, MAX_PATH_LENGTH, CsvWriter, JsonLinesWriter, cell, compile_decoder,
                               compile_reader, parse_columns, parse_path)
from lrs.xapi.errors import BadRequest

STATEMENT = {"id": "x", "actor": {"account": {"homePage": "https://sso.example.com", "name": "ada"}},
             "result": {"score": {"scaled": 0.5}, "success": False,
                        "extensions": {"https://example.com/ext/time.spent": 42, "https://example.com/ext/o": {"a": 1}}},
             "context": {"contextActivities": {"parent": [{"id": "https://example.com/course/1"}]}},
             "formula": '=HYPERLINK("http://evil.example")', "negative": -2}


@pytest.mark.parametrize("path, value", [
    ("actor.account.name", "ada"),
    ("result.score.scaled", "0.5"),
    ("result.success", "false"),
    ('result.extensions["https://example.com/ext/time.spent"]', "42"),
    ('result.extensions["https://example.com/ext/o"]', '{"a":1}'),
    ("context.contextActivities.parent[0].id", "https://example.com/course/1"),
    ("context.contextActivities.parent.0.id", "https://example.com/course/1"),
    ("context.contextActivities.parent[1].id", ""),
    ("actor.mbox", ""),
    ("formula", "'=HYPERLINK(\"http://evil.example\")"),
    ("negative", "-2"),
    ("result.score.scaled.deeper", ""),
])
def test_a_path_reads_its_value_as_a_cell(path, value):
    assert cell(compile_reader([parse_path(path)])(STATEMENT)[0]) == value


@pytest.mark.parametrize("path", ["", "a..b", ".a", "a.", "a[", "a[x]", 'a["unclosed', 'a["x"', "a]b", 'a"b',
                                  "a[0]b", 'a["\\q"]', "x" * (MAX_PATH_LENGTH + 1)])
def test_malformed_paths_are_refused_naming_columns(path):
    with pytest.raises(BadRequest) as refused:
        parse_path(path)
    assert refused.value.path == "columns"


def test_id_is_always_the_first_column_and_commas_inside_quoted_steps_stay():
    names, paths = parse_columns('verb.id,result.extensions["https://example.com/a,b"]')
    assert names == ["id", "verb.id", 'result.extensions["https://example.com/a,b"]']
    assert paths[2] == ("result", "extensions", "https://example.com/a,b")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(COLUMNS_PATTERN, fullmatch=True).filter(lambda text: len(text) <= MAX_PATH_LENGTH))
def test_every_value_the_documented_pattern_allows_is_taken(text):
    # The OpenAPI document promises this pattern is accepted (tests/api/test_openapi_contract.py sends it).
    names, paths = parse_columns(text)
    assert len(names) == len(paths) and re.fullmatch(COLUMNS_PATTERN, text)


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
                            | st.text(), lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


@settings(max_examples=300, deadline=None)
@given(st.lists(_JSON_VALUES, min_size=1, max_size=4))
def test_csv_rows_read_back_as_their_cells_with_any_text(values):
    # RFC 4180 2.6-2.7: commas, double quotes and line breaks inside a cell are quoted, quotes doubled
    names = ["id"] + [f"v{number}" for number in range(len(values))]
    writer = CsvWriter(*parse_columns(",".join(names)))
    body = orjson.dumps({"id": "x", **{f"v{number}": value for number, value in enumerate(values)}})
    text = (writer.header + writer.rows([body, body])).decode()
    assert text.endswith("\r\n")
    expected = ["x"] + [cell(value) for value in values]
    assert list(csv.reader(io.StringIO(text, newline=""))) == [names, expected, expected]


def test_csv_writes_plain_rows_as_they_are_and_quotes_only_where_needed():
    writer = CsvWriter(*parse_columns("id,actor.name,result.response"))
    bodies = [orjson.dumps({"id": "a", "actor": {"name": "Ada"}, "result": {"response": "yes"}}),
              orjson.dumps({"id": "b", "actor": {"name": 'Bob "B", Jr.'}, "result": {"response": "one\r\ntwo"}}),
              orjson.dumps({"id": "c", "actor": {"name": "=1+1"}})]
    assert writer.header == b"id,actor.name,result.response\r\n"
    assert writer.rows(bodies) == b'a,Ada,yes\r\nb,"Bob ""B"", Jr.","one\r\ntwo"\r\nc,\'=1+1,\r\n'


def test_json_lines_are_the_bodies_as_given():
    bodies = [b'{"id":"a"}', '{"id":"é"}'.encode()]
    assert JsonLinesWriter.header == b""
    assert JsonLinesWriter.rows(bodies) == b'{"id":"a"}\n{"id":"\xc3\xa9"}\n'


def _value_at(value, steps: tuple):
    """The plain reading of a path (docs/analytics.md: CSV columns), as exports read it before the reader
    was generated: a name on an object, [N] on an array or as a name on an object, nothing otherwise."""
    for step in steps:
        if isinstance(value, dict):
            value = value.get(str(step))
        elif isinstance(value, list) and isinstance(step, int):
            value = value[step] if step < len(value) else None
        else:
            return None
    return value


def _reference_rows(paths: list[tuple], bodies: list[bytes]) -> bytes:
    # RFC 4180 2.6-2.7 quoting, CRLF after every record
    lines = []
    for body in bodies:
        cells = [cell(_value_at(orjson.loads(body), steps)) for steps in paths]
        lines.append(",".join('"' + text.replace('"', '""') + '"' if any(char in text for char in ',"\r\n') else text
                              for text in cells))
    return "".join(line + "\r\n" for line in lines).encode()


# Text made of pieces that each test one of the writer's shortcuts: quoting, formula cells, escapes,
# brackets and braces, and "null" inside text.
_PIECES = st.sampled_from(["a", "B", "1", " ", "é", "😀", ",", '"', "\r", "\n", "\t", "\\", "=", "+", "-", "@", "'",
                           "[", "]", "{", "}", "null", "true", "\x00", "\u2028"])
_TEXT = st.lists(_PIECES, max_size=4).map("".join) | st.text(max_size=6)
_KEYS = st.sampled_from(["a", "b", "0", "1", "id", "__import__", 'x"y', "a.b"]) | st.text(max_size=4)
_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
    | _TEXT, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)
_SCALARS = (st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1)
            | st.floats(allow_nan=False, allow_infinity=False) | _TEXT)
_STATEMENTS = st.builds(lambda identifier, rest: {"id": identifier, **rest}, _TEXT,
                        st.dictionaries(_KEYS, _VALUES, max_size=5))
# Statements with a text, number or boolean wherever the paths below usually look.
_PLAIN_STATEMENTS = st.fixed_dictionaries({"id": _TEXT, "a": _SCALARS, "0": _SCALARS,
                                           "b": st.fixed_dictionaries({"a": _SCALARS, "1": _SCALARS}),
                                           "c": st.lists(_SCALARS, max_size=2)})
_STEPS = st.lists(st.sampled_from(["a", "b", "0", "1", "c", "id", 0, 1]) | _KEYS | st.integers(0, 2),
                  min_size=1, max_size=3)


def _path_text(steps: list) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f"[{orjson.dumps(step).decode()}]" for step in steps)


@settings(max_examples=500, deadline=None)
@given(st.lists(_STEPS, min_size=1, max_size=6), st.lists(_PLAIN_STATEMENTS | _STATEMENTS, min_size=1, max_size=8))
def test_csv_rows_are_the_plain_reading_of_every_path_for_any_statements(step_lists, statements):
    # Pages of plain text, numbers and booleans take a faster road than pages with quotes, formulas, null or
    # objects; both must give the bytes of the plain reading, for any paths (names here reach generated code).
    names, paths = parse_columns(",".join(["id"] + [_path_text(steps) for steps in step_lists]))
    bodies = [orjson.dumps(statement) for statement in statements]
    assert CsvWriter(names, paths).rows(bodies) == _reference_rows(paths, bodies)


def test_a_page_of_plain_values_and_a_page_needing_quotes_give_the_plain_reading():
    names, paths = parse_columns("id,a,b.a,c[1],0")
    plain = [orjson.dumps({"id": f"s{number}", "a": number - 2, "b": {"a": number % 2 == 0}, "c": ["x", 0.25],
                           "0": "é text"}) for number in range(5)]
    writer = CsvWriter(names, paths)
    assert writer.rows(plain) == _reference_rows(paths, plain)
    assert writer.rows(plain).startswith(b"s0,-2,true,0.25,\xc3\xa9 text\r\n")
    for odd in ("a, b", 'say "hi"', "=1+1", "-x", "null", None, "two\r\nlines", "[", {"k": 1}, [1]):
        page = plain + [orjson.dumps({"id": "odd", "a": odd})]
        assert writer.rows(page) == _reference_rows(paths, page)
    assert writer.rows([]) == b""


# JSON texts as other writers send them: every non-ASCII character as \\u escapes (surrogate pairs past
# U+FFFF), keys escaped, integers past 64 bits (read as floats), floats as Python writes them (1e-07, -0.0).
_WIDE_SCALARS = (st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | _TEXT
                 | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e-7, -0.0, 1.0, 1, 2 ** 64]))
_NAMES = st.sampled_from(["a", "b", "c", "id", "é", "😀", "https://example.com/ext/a.b", "a,b", "[0]", "x y",
                          "\u2028", "\x7f", 'x"y', "\\", "\x00"]) | st.text(max_size=3)
_WIDE_VALUES = st.recursive(_WIDE_SCALARS, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(_NAMES, inner, max_size=4), max_leaves=12)
_WIDE_STATEMENTS = st.builds(lambda identifier, rest: {"id": identifier, **rest}, _TEXT,
                             st.dictionaries(_NAMES, _WIDE_VALUES, max_size=5))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_NAMES, min_size=1, max_size=3), min_size=1, max_size=6),
       st.lists(_PLAIN_STATEMENTS | _WIDE_STATEMENTS, min_size=1, max_size=8), st.booleans())
def test_paths_of_names_read_only_what_they_name_and_give_the_plain_reading(step_lists, statements, ascii_only):
    # Paths of names only are decoded property by property (compile_decoder); any JSON text must give the
    # bytes of the plain reading of its orjson parse, whichever properties are skipped.
    names, paths = parse_columns(",".join(["id"] + [_path_text(steps) for steps in step_lists]))
    bodies = [json.dumps(statement, ensure_ascii=ascii_only).encode() for statement in statements]
    assert CsvWriter(names, paths).rows(bodies) == _reference_rows(paths, bodies)


@pytest.mark.parametrize("columns", [
    "id,a,b.c,b.d", "id,a,b,b.c", 'id,b["c"],b.e.f,b.e["g.h"]', "id,b.c,l[0],l.1.a", "id,a.b.c.d", 'id,k["x\\"y"].a',
])
@pytest.mark.parametrize("text", [
    '{"id":"s","a":18446744073709551615,"b":{"c":18446744073709551616,"d":-9223372036854775809}}',
    '{"id":"s","a":123456789012345678901234567890,"b":{"c":[1,{"d":99999999999999999999}]}}',
    '{"id":"s","a":1e-7,"b":{"c":-0.0,"d":1.0,"e":{"f":1,"g.h":1E2}},"l":[0.10000000000000000555111512312578,5e-324]}',
    '{"id":"s","a":2.2250738585072011e-308,"b":{"c":-0,"d":1.5e+3,"e":{"f":0e0}}}',
    '{"id":"s\\u0000","a":"\\ud83d\\ude00 \\u00e9",'
    '"b":{"c":"\\u0022quoted\\" \\\\ \\/ \\b\\f\\n\\r\\t","d":"\\u2028"}}',
    '{"\\u0069d":"s","\\u0061":"escaped key","b":{"\\u0063":"c","d":"d"},"k":{"x\\"y":{"a":1}}}',
    '{"id":"s","b":{"c":"first","c":"last"},"b":{"d":"second b"},"a":{"dup":1,"dup":2}}',
    '{"id":"s","a":{"b":{"c":{"d":[1,"x",{"y":null}]}}},"b":[{"c":1}],"l":{"0":"zero","1":{"a":"one"}}}',
    '{"id":"s","a":"=1+1","b":{"c":"a,b","d":null,"e":"not an object"},"l":[{"a":1},{"a":[2]}]}',
    '{"id":"s","a":null,"b":null,"l":"text"}',
    '{"id":"s"}',
])
def test_decoded_numbers_escapes_and_shapes_give_the_plain_reading(columns, text):
    # orjson reads an integer past 64 bits as a float and msgspec as an int: such a page is read again by orjson.
    names, paths = parse_columns(columns)
    bodies = [text.encode(), text, '{"id":"plain","a":1,"b":{"c":"x","d":2.5}}'.encode()]
    writer = CsvWriter(names, paths)
    assert writer.rows(bodies) == _reference_rows(paths, bodies)
    assert writer.rows(bodies[1:]) == _reference_rows(paths, bodies[1:])


def test_the_default_columns_decode_only_the_properties_they_name():
    decode, read = compile_decoder(parse_columns(None)[1])
    statement = decode(b'{"id":"s","actor":{"name":"Ada","objectType":"Agent"},"object":{"id":"o","definition":{}}}')
    actor = statement.f3  # after id, timestamp and stored
    assert not isinstance(actor, dict) and actor.f0 == "Ada" and not hasattr(actor, "objectType")
    assert read(statement) == ["s", "", "", "Ada", "", "", "", "", "o", "", "", "", "", ""]
    # A statement read by array position, or by a name msgspec takes for no property, is decoded whole.
    assert compile_decoder([("id",), (0,)])[0] is orjson.loads
    assert compile_decoder([("id",), ('x"y', "a")])[0] is orjson.loads


def test_a_path_deeper_than_the_step_limit_is_a_400_not_a_recursion_error():
    # Attack review 2026-11-30: the reader built per column set recursed once per step, so ~1,000 steps gave
    # a RecursionError (500). A path has at most MAX_STEPS steps; the documented pattern says the same.
    from analytics.columns import MAX_STEPS
    deepest = "a" + ".a" * (MAX_STEPS - 1)
    names, paths = parse_columns(deepest)
    assert len(paths[-1]) == MAX_STEPS and re.fullmatch(COLUMNS_PATTERN, deepest)
    CsvWriter(names, paths).rows([b'{"id": "x", "a": {"a": 1}}'])  # builds and reads at the limit
    for too_deep in ("a" + ".a" * MAX_STEPS, "a" + "[0]" * MAX_STEPS, "a" + ".a" * 999):
        with pytest.raises(BadRequest) as refused:
            parse_columns(too_deep)
        assert refused.value.path == "columns"
        assert not re.fullmatch(COLUMNS_PATTERN, too_deep)


def test_a_columns_value_over_its_documented_length_is_a_400():
    from analytics.columns import MAX_COLUMNS_LENGTH
    text = ",".join(["verb.id"] * (MAX_COLUMNS_LENGTH // 8 + 1))[:MAX_COLUMNS_LENGTH + 1].rstrip(",.")
    assert len(text) > MAX_COLUMNS_LENGTH or pytest.fail("the text must be over the limit")
    with pytest.raises(BadRequest) as refused:
        parse_columns(text)
    assert refused.value.path == "columns" and "characters" in refused.value.message


def test_column_names_in_the_header_are_guarded_against_formulas_as_cells_are():
    # Attack review 2026-11-30: a crafted export link put =1+1 in the header row unguarded (OWASP CSV injection).
    names, paths = parse_columns("=1+1,@SUM(A1),-2+3,verb.id")
    header = CsvWriter(names, paths).header.decode().rstrip("\r\n")
    assert next(csv.reader([header])) == ["id", "'=1+1", "'@SUM(A1)", "'-2+3", "verb.id"]
