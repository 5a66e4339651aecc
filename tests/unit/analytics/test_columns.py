"""CSV column paths (docs/analytics.md: CSV columns): parsed in one pass, refused with a 400 naming `columns`."""
from __future__ import annotations

import csv
import io
import re

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.columns import (COLUMNS_PATTERN, MAX_PATH_LENGTH, CsvWriter, JsonLinesWriter, cell, parse_columns,
                               parse_path, value_at)
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
    assert cell(value_at(STATEMENT, parse_path(path))) == value


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
