"""CSV column paths (docs/analytics.md: CSV columns): parsed in one pass, refused with a 400 naming `columns`."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.columns import COLUMNS_PATTERN, MAX_PATH_LENGTH, cell, parse_columns, parse_path, value_at
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
