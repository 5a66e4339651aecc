"""Statements read in stored order in keyset pages, for exports of any size in constant memory.

The same filters as a statements query (lrs/storage/statements.py `page`), read page after page on
(stored_ms, seq) so each page is one index range scan that starts where the last one ended: the read
costs the same at the millionth statement as at the first, and never holds more than a page.

Bodies come out as the UTF-8 bytes of the stored text, never as Python text: an export writes them as
they are (JSON Lines) or hands them to orjson (CSV), so decoding and encoding again would be wasted work.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lrs.storage.body_codec import decompress_body_bytes
from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.statements import PagePosition

_TERM_ID = "(SELECT id FROM terms WHERE value = ?)"
# Drivers hand TEXT over as str, decoded from UTF-8 first; as a BLOB (bytea) it is the stored bytes.
_COLUMNS = {"sqlite": "s.stored_ms, s.seq, s.statement_id, CAST(s.body AS BLOB), s.body_zstd",
            "postgresql": "s.stored_ms, s.seq, s.statement_id, convert_to(s.body, 'UTF8'), s.body_zstd"}


@dataclass(frozen=True)
class ExportFilter:
    """What a statements query filters on: every (term, role) must match; stored_ms in (since, until]."""
    terms: tuple = ()
    since_ms: int | None = None
    until_ms: int | None = None
    include_voided: bool = False


@dataclass(frozen=True)
class ExportPage:
    """Statement bodies (UTF-8 JSON bytes, as stored) in stored order, and where the last one is (the next
    page starts after it)."""
    bodies: list[bytes]
    last_position: PagePosition
    last_statement_id: str


def matching_statements_sql(store_id: int, selection: ExportFilter, columns: str) -> tuple[str, list, str]:
    """SELECT `columns` FROM the statements matching `selection`, without ORDER BY; returns the SQL, its
    parameters and the alias ("i" or "s") whose stored_ms and seq carry the order. Statements are `s`;
    with term filters the driving index rows are `i`. Shared by exports and aggregations."""
    if selection.terms:
        value, role = selection.terms[0]
        sql = (f"SELECT {columns} FROM statement_index i JOIN statements s ON s.seq = i.seq "
               f"WHERE i.store_id = ? AND i.term_id = {_TERM_ID} AND i.role = ?")
        parameters: list = [store_id, value, int(role)]
        for value, role in selection.terms[1:]:
            sql += (f" AND EXISTS (SELECT 1 FROM statement_index o WHERE o.store_id = ? AND o.term_id = {_TERM_ID}"
                    " AND o.role = ? AND o.stored_ms = i.stored_ms AND o.seq = i.seq)")
            parameters += [store_id, value, int(role)]
        source = "i"
    else:
        sql = f"SELECT {columns} FROM statements s WHERE s.store_id = ?"
        parameters, source = [store_id], "s"
    if not selection.include_voided:
        sql += " AND s.voided = ?"
        parameters.append(False)
    if selection.since_ms is not None:
        sql += f" AND {source}.stored_ms > ?"
        parameters.append(selection.since_ms)
    if selection.until_ms is not None:
        sql += f" AND {source}.stored_ms <= ?"
        parameters.append(selection.until_ms)
    return sql, parameters, source


class StatementExportStorage:
    def __init__(self, engines: Engines, *, page_size: int = 2000):
        self._engines = engines
        self._page_size = page_size

    def position_of(self, store_id: int, statement_id: str) -> PagePosition | None:
        rows = self._engines.rows("SELECT stored_ms, seq FROM statements WHERE store_id = ? AND statement_id = ?",
                                  (store_id, statement_id))
        return PagePosition(*rows[0]) if rows else None

    def count(self, store_id: int, selection: ExportFilter, *, after: PagePosition | None = None,
              ascending: bool = True) -> int:
        sql, parameters, source = matching_statements_sql(store_id, selection, "count(*)")
        if after is not None:
            sql += f" AND ({source}.stored_ms, {source}.seq) {'>' if ascending else '<'} (?, ?)"
            parameters += [after.stored_ms, after.seq]
        return self._engines.rows(sql, parameters)[0][0]

    def pages(self, store_id: int, selection: ExportFilter, *, ascending: bool = True,
              after: PagePosition | None = None, limit: int | None = None) -> Iterator[ExportPage]:
        """The matching statements in stored order (oldest first when `ascending`), a page at a time,
        strictly after `after`; at most `limit` in all."""
        remaining = limit
        columns, decompress = _COLUMNS[self._engines.dialect], decompress_body_bytes
        while remaining is None or remaining > 0:
            size = self._page_size if remaining is None else min(self._page_size, remaining)
            sql, parameters, source = matching_statements_sql(store_id, selection, columns)
            if after is not None:
                sql += f" AND ({source}.stored_ms, {source}.seq) {'>' if ascending else '<'} (?, ?)"
                parameters += [after.stored_ms, after.seq]
            direction = "" if ascending else " DESC"
            sql += f" ORDER BY {source}.stored_ms{direction}, {source}.seq{direction} LIMIT ?"
            parameters.append(size)
            rows = self._rows(sql, parameters)
            if not rows:
                return
            last = rows[-1]
            after = PagePosition(last[0], last[1])
            yield ExportPage([body if compressed is None else decompress(compressed)
                              for _, _, _, body, compressed in rows], after, last[2])
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < size:
                return

    def _rows(self, sql: str, parameters: list) -> list[tuple]:
        """Engines.rows, but on PostgreSQL with results in binary: a compressed body then arrives as its
        bytes, not as hex text twice its size for psycopg to decode."""
        if self._engines.dialect != "postgresql":
            return self._engines.rows(sql, parameters)
        with translated_errors(), self._engines.driver() as connection:
            with connection.cursor(binary=True) as cursor:
                cursor.execute(sql.replace("?", "%s"), parameters)
                return cursor.fetchall()
