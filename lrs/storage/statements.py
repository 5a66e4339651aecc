"""Statement storage on SQLAlchemy Core: writes in one transaction, reads as index range scans."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import literal, select, tuple_, update

from lrs.storage.dialect import (allocate_statement_seqs, bulk_insert, driver_rows,
                                 insert_ignoring_conflicts, placeholders, translated_errors)
from lrs.storage.engines import Engines
from lrs.xapi.attachments import AttachmentPart
from lrs.storage.tables import attachments, statement_index, statement_refs, statements
from lrs.storage.terms import TermDictionary

_CHUNK = 500
# Bounds StatementRef chains followed when a targeted statement arrives after its referrers.
_MAX_REF_PROPAGATION_STEPS = 10_000
_STATEMENT_COLUMNS = ("seq", "store_id", "statement_id", "stored_ms", "voided", "voids", "credential_id", "body")
_INDEX_COLUMNS = ("store_id", "term_id", "role", "stored_ms", "seq")
_REF_COLUMNS = ("store_id", "target_statement_id", "referrer_seq")

# Hot-path SQL for driver_rows and Engines.rows; `t` is the table looked up by id (see _rows_by_ids).
_FIND = ("t.statement_id, t.body, t.stored_ms, t.voided, t.voids, t.credential_id", "statements", "statement_id", "")
_SEQS_OF = ("t.statement_id, t.seq", "statements", "statement_id", "")
_REFERRERS = ("t.target_statement_id, t.referrer_seq, s.voids", "statement_refs", "target_statement_id",
              "JOIN statements s ON s.seq = t.referrer_seq")
# Sequence numbers in batch order, the statements and their index rows, all or nothing; nothing at all
# when a stored statement already targets one of the ids. Returns how many statements it stored. Arrays
# go in binary (%b): psycopg's text format escapes every quote of every JSON body with a regex.
_PLAIN_INSERT_POSTGRESQL = """
WITH input AS (
    SELECT statement_id, body, position
    FROM unnest(%(ids)b::text[], %(bodies)b::text[]) WITH ORDINALITY AS i(statement_id, body, position)
), numbered AS (
    SELECT seq, row_number() OVER (ORDER BY seq) AS position
    FROM (SELECT nextval(pg_get_serial_sequence('statements', 'seq')) AS seq FROM input) AS allocated
), referred AS (
    SELECT 1 FROM statement_refs
    WHERE store_id = %(store)s::integer AND target_statement_id = ANY(%(ids)b::text[]) LIMIT 1
), new AS (
    INSERT INTO statements (seq, store_id, statement_id, stored_ms, voided, voids, credential_id, body)
    SELECT numbered.seq, %(store)s::integer, input.statement_id, %(stored)s::bigint, false, NULL,
           %(credential)s::integer, input.body
    FROM input JOIN numbered USING (position)
    WHERE NOT EXISTS (SELECT 1 FROM referred)
    RETURNING seq
), indexed AS (
    INSERT INTO statement_index (store_id, term_id, role, stored_ms, seq)
    SELECT %(store)s::integer, term.term_id, term.role, %(stored)s::bigint, numbered.seq
    FROM unnest(%(term_positions)b::bigint[], %(term_ids)b::bigint[], %(roles)b::smallint[])
         AS term(position, term_id, role)
    JOIN numbered USING (position)
    WHERE EXISTS (SELECT 1 FROM new)
)
SELECT count(*) FROM new
"""


@dataclass(frozen=True)
class StatementRecord:
    """A statement ready to store: its final JSON text and what it is found by."""
    statement_id: str
    body: str
    terms: frozenset  # (term value, role)
    ref_target: str | None = None
    voids: str | None = None


@dataclass(frozen=True)
class StoredStatement:
    statement_id: str
    body: str
    stored_ms: int
    voided: bool
    voids: str | None
    credential_id: int | None = None


@dataclass(frozen=True)
class PagePosition:
    stored_ms: int
    seq: int


@dataclass(frozen=True)
class StatementPage:
    bodies: list[str]
    next_position: PagePosition | None


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _rows_by_ids(run, dialect: str, query: tuple[str, str, str, str], store_id: int,
                 ids: list[str]) -> list[tuple]:
    """Rows of a store whose id column is one of `ids`; `run(sql, parameters)` executes. On PostgreSQL
    the ids arrive as one array joined to the table, so the plan is a unique-index probe per id whatever
    the statistics say: a long IN list on stale statistics (autovacuum off, a freshly loaded table) was
    planned as a scan of every statement in the store."""
    columns, table, id_column, join = query
    if dialect == "postgresql":
        return run(f"SELECT {columns} FROM unnest(?::varchar[]) AS wanted(id) "
                   f"JOIN {table} t ON t.store_id = ? AND t.{id_column} = wanted.id {join}", (list(ids), store_id))
    found = []
    for chunk in _chunks(ids):
        found.extend(run(f"SELECT {columns} FROM {table} t {join} "
                         f"WHERE t.store_id = ? AND t.{id_column} IN ({placeholders(len(chunk))})", (store_id, *chunk)))
    return found


class StatementStorage:
    def __init__(self, engines: Engines, term_dictionary: TermDictionary):
        self._engines = engines
        self._terms = term_dictionary

    # --- reads -----------------------------------------------------------------------------

    def find(self, store_id: int, statement_ids: list[str]) -> dict[str, StoredStatement]:
        found = {}
        for row in _rows_by_ids(self._engines.rows, self._engines.dialect, _FIND, store_id, statement_ids):
            statement_id, body, stored_ms, voided, voids, credential_id = row
            found[statement_id] = StoredStatement(statement_id, body, stored_ms, bool(voided), voids, credential_id)
        return found

    def page(self, store_id: int, *, terms: tuple, since_ms: int | None, until_ms: int | None,
             ascending: bool, limit: int, after: PagePosition | None,
             credential_id: int | None = None) -> StatementPage:
        """One page of non-voided statements matching every term, in stored order; with
        `credential_id`, only those that credential stored (statements/read/mine)."""
        term_ids = self._terms.lookup(value for value, _ in terms)
        if len(term_ids) < len({value for value, _ in terms}):
            return StatementPage([], None)
        # Built as driver SQL: compiling the equivalent SQLAlchemy select cost more than running it.
        if terms:
            source = "i"
            sql = "SELECT i.stored_ms, i.seq, s.body FROM statement_index i JOIN statements s ON s.seq = i.seq"
            driver_value, driver_role = terms[0]
            conditions = ["i.store_id = ?", "i.term_id = ?", "i.role = ?"]
            parameters = [store_id, term_ids[driver_value], int(driver_role)]
            for value, role in terms[1:]:
                conditions.append("EXISTS (SELECT 1 FROM statement_index o WHERE o.store_id = ? AND o.term_id = ? "
                                  "AND o.role = ? AND o.stored_ms = i.stored_ms AND o.seq = i.seq)")
                parameters += [store_id, term_ids[value], int(role)]
        else:
            source = "s"
            sql = "SELECT s.stored_ms, s.seq, s.body FROM statements s"
            conditions, parameters = ["s.store_id = ?"], [store_id]
        conditions.append("s.voided = ?")
        parameters.append(False)
        if credential_id is not None:
            conditions.append("s.credential_id = ?")
            parameters.append(credential_id)
        if since_ms is not None:
            conditions.append(f"{source}.stored_ms > ?")
            parameters.append(since_ms)
        if until_ms is not None:
            conditions.append(f"{source}.stored_ms <= ?")
            parameters.append(until_ms)
        if after is not None:
            conditions.append(f"({source}.stored_ms, {source}.seq) {'>' if ascending else '<'} (?, ?)")
            parameters += [after.stored_ms, after.seq]
        direction = "" if ascending else " DESC"
        sql += (f" WHERE {' AND '.join(conditions)}"
                f" ORDER BY {source}.stored_ms{direction}, {source}.seq{direction} LIMIT ?")
        parameters.append(limit + 1)
        rows = self._engines.rows(sql, parameters)
        more = len(rows) > limit
        rows = rows[:limit]
        next_position = PagePosition(rows[-1][0], rows[-1][1]) if more else None
        return StatementPage([body for _, _, body in rows], next_position)

    # --- writes ----------------------------------------------------------------------------

    def insert(self, store_id: int, records: list[StatementRecord], *, stored_ms: int,
               credential_id: int | None, payloads: list[AttachmentPart] = ()) -> None:
        """Stores the records and their attachment payloads in one transaction, voiding and StatementRef
        filters included. Raises ConcurrentInsert when another writer stored one of the ids first."""
        term_ids = self._terms.intern({value for record in records for value, _ in record.terms})
        if (self._engines.dialect == "postgresql" and not payloads
                and all(record.ref_target is None for record in records)
                and self._insert_plain_postgresql(store_id, records, term_ids, stored_ms, credential_id)):
            return
        with translated_errors(), self._engines.write.begin() as connection:
            seqs = allocate_statement_seqs(connection, len(records))
            bulk_insert(connection, statements, _STATEMENT_COLUMNS, [
                (seq, store_id, record.statement_id, stored_ms, False, record.voids, credential_id, record.body)
                for record, seq in zip(records, seqs)])
            bulk_insert(connection, statement_index, _INDEX_COLUMNS, [
                (store_id, term_ids[value], int(role), stored_ms, seq)
                for record, seq in zip(records, seqs) for value, role in record.terms])
            bulk_insert(connection, statement_refs, _REF_COLUMNS, [
                (store_id, record.ref_target, seq)
                for record, seq in zip(records, seqs) if record.ref_target is not None])
            if payloads:
                # Stored once per hash: a payload already kept for this store is not written again.
                connection.execute(insert_ignoring_conflicts(attachments, self._engines.dialect), [
                    {"store_id": store_id, "sha2": payload.sha2, "content_type": payload.content_type,
                     "length": len(payload.content), "content": payload.content} for payload in payloads])
            # One look-up serves voiding and filter inheritance: who already targets the new ids.
            referrers = self._referrers(connection, store_id, [record.statement_id for record in records])
            self._apply_voiding(connection, store_id, records, referrers)
            self._propagate_statement_refs(connection, store_id, records, seqs, referrers)

    def _insert_plain_postgresql(self, store_id: int, records: list[StatementRecord], term_ids: dict,
                                 stored_ms: int, credential_id: int | None) -> bool:
        """The common case on PostgreSQL, statements that target no other statement and that none
        already stored targets, as one self-committing SQL statement: one round trip instead of nine.
        False, with nothing written, when a stored statement targets one of them (the full path
        then links them)."""
        positions, ids, roles = [], [], []
        for position, record in enumerate(records, start=1):
            for value, role in record.terms:
                positions.append(position)
                ids.append(term_ids[value])
                roles.append(int(role))
        with translated_errors(), self._engines.driver() as connection:
            inserted = connection.execute(_PLAIN_INSERT_POSTGRESQL, {
                "ids": [record.statement_id for record in records], "bodies": [record.body for record in records],
                "store": store_id, "stored": stored_ms, "credential": credential_id,
                "term_positions": positions, "term_ids": ids, "roles": roles}).fetchone()[0]
        return inserted == len(records)

    def payloads(self, store_id: int, hashes) -> list[AttachmentPart]:
        """The stored attachment payloads among these SHA-2 hashes."""
        wanted = sorted(set(hashes))
        found = []
        with self._engines.read.connect() as connection:
            for chunk in _chunks(wanted):
                found.extend(AttachmentPart(row.sha2, row.content_type, bytes(row.content))
                             for row in connection.execute(select(
                                 attachments.c.sha2, attachments.c.content_type, attachments.c.content)
                                 .where(attachments.c.store_id == store_id, attachments.c.sha2.in_(chunk))))
        return found

    def _apply_voiding(self, connection, store_id: int, records: list[StatementRecord],
                       referrers: list[tuple[str, int, bool]]) -> None:
        """A statement is voided iff it is not a voiding statement and a voiding statement targets it
        (xAPI-Data 2.3.2.s2.b3), whichever of the two arrived first."""
        targets = [record.voids for record in records if record.voids]
        targets.extend(target_id for target_id, _, voiding in referrers if voiding)
        for chunk in _chunks(sorted(set(targets))):
            connection.execute(update(statements).where(
                statements.c.store_id == store_id, statements.c.statement_id.in_(chunk),
                statements.c.voids.is_(None), statements.c.voided == False)  # noqa: E712
                .values(voided=True))

    def _propagate_statement_refs(self, connection, store_id: int, records: list[StatementRecord],
                                  seqs: list[int], referrers: list[tuple[str, int, bool]]) -> None:
        """Statements that target another statement also match its filters (xAPI-Communication 2.1.3.s3):
        copy the targeted statement's index rows onto its referrers, recursively, whichever came first."""
        targets = sorted({record.ref_target for record in records if record.ref_target})
        target_seqs = self._seqs_of(connection, store_id, targets) if targets else {}
        for record, seq in zip(records, seqs):  # in batch order, so chains inside a batch resolve
            if record.ref_target in target_seqs:
                self._copy_index_rows(connection, store_id, target_seqs[record.ref_target], seq)
        new_seqs = {record.statement_id: seq for record, seq in zip(records, seqs)}
        work = [(new_seqs[target_id], referrer_seq) for target_id, referrer_seq, _ in referrers]
        steps = 0
        while work and steps < _MAX_REF_PROPAGATION_STEPS:
            steps += 1
            source_seq, referrer_seq = work.pop()
            if source_seq == referrer_seq or not self._copy_index_rows(connection, store_id, source_seq,
                                                                         referrer_seq):
                continue
            referrer_id = connection.execute(
                select(statements.c.statement_id).where(statements.c.seq == referrer_seq)).scalar()
            work.extend((referrer_seq, next_referrer)
                        for _, next_referrer, _ in self._referrers(connection, store_id, [referrer_id]))

    @staticmethod
    def _seqs_of(connection, store_id: int, statement_ids: list[str]) -> dict[str, int]:
        return dict(_rows_by_ids(partial(driver_rows, connection), connection.dialect.name, _SEQS_OF, store_id,
                                 statement_ids))

    @staticmethod
    def _referrers(connection, store_id: int, statement_ids: list[str]) -> list[tuple[str, int, bool]]:
        """(targeted statement id, referrer seq, whether the referrer voids it) for statements whose
        Object targets one of the ids."""
        return [(target_id, seq, voids is not None) for target_id, seq, voids in _rows_by_ids(
            partial(driver_rows, connection), connection.dialect.name, _REFERRERS, store_id, statement_ids)]

    def _copy_index_rows(self, connection, store_id: int, source_seq: int, target_seq: int) -> bool:
        """Adds the source statement's terms to the target statement; True if any were new."""
        target_stored = connection.execute(
            select(statements.c.stored_ms).where(statements.c.seq == target_seq)).scalar()
        already = select(statement_index.c.term_id, statement_index.c.role).where(
            statement_index.c.seq == target_seq)
        copy = insert_ignoring_conflicts(statement_index, self._engines.dialect).from_select(
            ["store_id", "term_id", "role", "stored_ms", "seq"],
            select(literal(store_id), statement_index.c.term_id, statement_index.c.role,
                   literal(target_stored), literal(target_seq))
            .where(statement_index.c.seq == source_seq,
                   tuple_(statement_index.c.term_id, statement_index.c.role).not_in(already))
        ).returning(statement_index.c.term_id)
        # Counted through RETURNING: drivers disagree on rowcount for INSERT ... SELECT.
        return len(connection.execute(copy).all()) > 0
