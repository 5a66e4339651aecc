"""Integer arrays sent to PostgreSQL prebuilt in its binary format (lrs/storage/pg_arrays.py): the server
reads back exactly the list given, for any values in range (issue 10: the statement write path)."""
from __future__ import annotations

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrs.storage.pg_arrays import Int2Array, Int8Array

INT8 = st.integers(min_value=-2**63, max_value=2**63 - 1)
INT2 = st.integers(min_value=-2**15, max_value=2**15 - 1)


@pytest.fixture(scope="module")
def connection(postgresql_database_url):
    with psycopg.connect(postgresql_database_url.replace("postgresql+psycopg://", "postgresql://", 1),
                         autocommit=True) as opened:
        yield opened


@settings(max_examples=60, deadline=None)
@given(bigints=st.lists(INT8, max_size=300), smallints=st.lists(INT2, max_size=300))
def test_the_server_reads_back_the_values_given(connection, bigints, smallints):
    row = connection.execute("SELECT %b::bigint[], %b::smallint[], pg_typeof(%b)::text, pg_typeof(%b)::text",
                             (Int8Array(bigints), Int2Array(smallints),
                              Int8Array(bigints), Int2Array(smallints))).fetchone()
    assert row == (bigints, smallints, "bigint[]", "smallint[]")


def test_out_of_range_values_are_refused_before_sending():
    with pytest.raises(OverflowError):
        Int2Array([2**15])
    with pytest.raises(OverflowError):
        Int8Array([2**63])
