"""Statement storage on SQLAlchemy Core: writes in one transaction, reads as index range scans."""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import orjson
from sqlalchemy import select, update

from lrs.events import OUTBOX_COLUMNS, statement_event_rows, stored_event_payload
from lrs.storage.body_codec import compress_body, stored_body
from lrs.storage.dialect import (allocate_statement_seqs, bulk_insert, driver_rows,
                                 insert_ignoring_conflicts, placeholders, translated_errors)
from lrs.storage.activities import definition_columns, put_definitions_in
from lrs.storage.engines import Engines
from lrs.storage.pg_arrays import Int2Array, Int8Array
from lrs.storage.rollups import OLD_STORED_MS, mark_seqs, mark_statements, mark_stored
from lrs.storage.errors import TransientStorageError
from lrs.xapi.attachments import AttachmentPart
from lrs.storage.tables import (attachment_uses, attachments, event_outbox, inherited_index, statement_index,
                                statement_refs, statements)
from lrs.storage.terms import PURGE_LOCK, InternedTerms, StaleTerms, TermDictionary, check_generation
from lrs.xapi.filter_terms import declared_attachment_hashes

_CHUNK = 500
# Bounds StatementRef chains followed when a targeted statement arrives after its referrers.
_MAX_REF_PROPAGATION_STEPS = 10_000
_STATEMENT_COLUMNS = ("seq", "store_id", "statement_id", "stored_ms", "voided", "voids", "credential_id", "body",
                      "body_zstd")
_INDEX_COLUMNS = ("store_id", "term_id", "role", "stored_ms", "seq")
_REF_COLUMNS = ("store_id", "target_statement_id", "referrer_seq")
_INHERITED_COLUMNS = ("store_id", "seq", "term_id", "role", "origin_credential_id")
_USE_COLUMNS = ("store_id", "sha2", "seq")
# A term purge between interning and writing makes the write start again; more than this in a row
# means purges run back to back, and the client gets a 503 to retry.
_STALE_TERM_ATTEMPTS = 5

# Hot-path SQL for driver_rows and Engines.rows; `t` is the table looked up by id (see _rows_by_ids).
_FIND = ("t.statement_id, t.body, t.body_zstd, t.stored_ms, t.voided, t.voids, t.credential_id", "statements",
         "statement_id", "")
_SEQS_OF = ("t.statement_id, t.seq", "statements", "statement_id", "")
_REFERRERS = ("t.target_statement_id, t.referrer_seq, s.voids, s.statement_id", "statement_refs",
              "target_statement_id", "JOIN statements s ON s.seq = t.referrer_seq")
# Transaction-scoped advisory locks on statement ids (PostgreSQL), taken in sorted order: a statement
# write locks its own ids and the ids its statements target, so a target and its referrer (or voider)
# written at the same moment are serialised, and the second sees the first (docs/adr/004). A statement
# write (%(writer)s) first takes the shared side of the term purge lock (lrs/storage/terms.py): the NULL
# key sorts first, so every writer takes the locks in one order and no two wait on each other in a cycle.
_LOCK_POSTGRESQL = f"""
SELECT count(CASE WHEN key IS NULL THEN pg_advisory_xact_lock_shared({PURGE_LOCK[0]}, {PURGE_LOCK[1]})
                  ELSE pg_advisory_xact_lock(key) END)
FROM (SELECT key FROM (
    SELECT NULL::bigint AS key WHERE %(writer)s
    UNION SELECT hashtextextended(id, %(store)s::bigint) FROM unnest(%(keys)b::text[]) AS id
) AS keys ORDER BY key NULLS FIRST) AS sorted
"""
# Sequence numbers in batch order, the statements, their index rows, the Activity definitions they
# changed (in sorted id order, lrs/storage/activities.py) and their statement.stored events (the
# transactional outbox, lrs/events.py), all or nothing; nothing at all
# when a stored statement already targets one of the ids or a term purge ran since the term ids were
# interned. Returns how many statements it stored and whether the generation held. Arrays
# go in binary (%b): psycopg's text format escapes every quote of every JSON body with a regex.
_PLAIN_INSERT_POSTGRESQL = """
WITH input AS (
    SELECT statement_id, body_zstd, event_payload, position
    FROM unnest(%(ids)b::text[], %(bodies)b::bytea[], %(event_payloads)b::text[])
         WITH ORDINALITY AS i(statement_id, body_zstd, event_payload, position)
), numbered AS (
    SELECT seq, row_number() OVER (ORDER BY seq) AS position
    FROM (SELECT nextval(pg_get_serial_sequence('statements', 'seq')) AS seq FROM input) AS allocated
), referred AS (
    SELECT 1 FROM statement_refs
    WHERE store_id = %(store)s::integer AND target_statement_id = ANY(%(ids)b::text[]) LIMIT 1
), fresh AS (
    SELECT 1 FROM term_generation WHERE id = 1 AND generation = %(generation)s::bigint
), new AS (
    INSERT INTO statements (seq, store_id, statement_id, stored_ms, voided, voids, credential_id, body, body_zstd)
    SELECT numbered.seq, %(store)s::integer, input.statement_id, %(stored)s::bigint, false, NULL,
           %(credential)s::integer, '', input.body_zstd
    FROM input JOIN numbered USING (position)
    WHERE NOT EXISTS (SELECT 1 FROM referred) AND EXISTS (SELECT 1 FROM fresh)
    RETURNING seq
), indexed AS (
    INSERT INTO statement_index (store_id, term_id, role, stored_ms, seq)
    SELECT %(store)s::integer, term.term_id, term.role, %(stored)s::bigint, numbered.seq
    FROM unnest(%(term_positions)b::bigint[], %(term_ids)b::bigint[], %(roles)b::smallint[])
         AS term(position, term_id, role)
    JOIN numbered USING (position)
    WHERE EXISTS (SELECT 1 FROM new)
), defined AS (
    INSERT INTO activity_definitions (store_id, activity_id, definition, updated_ms)
    SELECT %(store)s::integer, d.activity_id, d.definition, %(stored)s::bigint
    FROM unnest(%(activity_ids)b::text[], %(definitions)b::text[]) AS d(activity_id, definition)
    WHERE EXISTS (SELECT 1 FROM new)
    ON CONFLICT (store_id, activity_id) DO UPDATE SET definition = excluded.definition,
        updated_ms = excluded.updated_ms
), outbox AS (
    INSERT INTO event_outbox (kind, store_id, subject, payload, created_ms)
    SELECT 'statement.stored', %(store)s::integer, input.statement_id, input.event_payload, %(stored)s::bigint
    FROM input WHERE EXISTS (SELECT 1 FROM new) ORDER BY input.position
)
SELECT count(*), EXISTS (SELECT 1 FROM fresh) FROM new
"""

# statements/read/mine: an index row matches only if the reader's own statement gave it, or it came
# through a StatementRef from a statement the reader stored too (a row's origin is in inherited_index).
_NOT_INHERITED_FROM_OTHERS = (
    "NOT EXISTS (SELECT 1 FROM inherited_index h WHERE h.store_id = {row}.store_id AND h.seq = {row}.seq "
    "AND h.term_id = {row}.term_id AND h.role = {row}.role "
    "AND (h.origin_credential_id IS NULL OR h.origin_credential_id <> ?))")


class StatementRecord(NamedTuple):
    """A statement ready to store: its final JSON text and what it is found by. A named tuple: a batch
    makes one per statement, and a frozen dataclass's constructor costs several times as much."""
    statement_id: str
    body: str
    terms: frozenset  # (term value, role as an int)
    ref_target: str | None = None
    voids: str | None = None
    verb_id: str | None = None  # kept on its statement.stored event (lrs/events.py)


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
            statement_id, body, compressed, stored_ms, voided, voids, credential_id = row
            found[statement_id] = StoredStatement(statement_id, stored_body(body, compressed), stored_ms, bool(voided),
                                                  voids, credential_id)
        return found

    def page(self, store_id: int, *, terms: tuple, since_ms: int | None, until_ms: int | None,
             ascending: bool, limit: int, after: PagePosition | None,
             credential_id: int | None = None) -> StatementPage:
        """One page of non-voided statements matching every term, in stored order; with
        `credential_id`, only those that credential stored (statements/read/mine), matched by rows
        inherited through a StatementRef only when that credential stored their origin too."""
        # Term ids are found by value inside the query, never from a process's cache, so a term purge
        # can never make a read use an id that is gone (lrs/storage/terms.py).
        term_id = "(SELECT id FROM terms WHERE value = ?)"
        # Built as driver SQL: compiling the equivalent SQLAlchemy select cost more than running it.
        if terms:
            source = "i"
            sql = ("SELECT i.stored_ms, i.seq, s.body, s.body_zstd FROM statement_index i "
                   "JOIN statements s ON s.seq = i.seq")
            driver_value, driver_role = terms[0]
            conditions = ["i.store_id = ?", f"i.term_id = {term_id}", "i.role = ?"]
            parameters = [store_id, driver_value, int(driver_role)]
            if credential_id is not None:
                conditions.append(_NOT_INHERITED_FROM_OTHERS.format(row="i"))
                parameters.append(credential_id)
            for value, role in terms[1:]:
                mine = "" if credential_id is None else " AND " + _NOT_INHERITED_FROM_OTHERS.format(row="o")
                conditions.append(f"EXISTS (SELECT 1 FROM statement_index o WHERE o.store_id = ? AND o.term_id = "
                                  f"{term_id} AND o.role = ? AND o.stored_ms = i.stored_ms AND o.seq = i.seq{mine})")
                parameters += [store_id, value, int(role)]
                if credential_id is not None:
                    parameters.append(credential_id)
        else:
            source = "s"
            sql = "SELECT s.stored_ms, s.seq, s.body, s.body_zstd FROM statements s"
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
        return StatementPage([stored_body(body, compressed) for _, _, body, compressed in rows], next_position)

    # --- writes ----------------------------------------------------------------------------

    def insert(self, store_id: int, records: list[StatementRecord], *, stored_ms: int,
               credential_id: int | None, payloads: list[AttachmentPart] = (),
               definitions: dict[str, dict] | None = None) -> None:
        """Stores the records, their attachment payloads and the Activity definitions they changed
        (activity id -> canonical definition) in one transaction, voiding and StatementRef filters
        included. Raises ConcurrentInsert when another writer stored one of the ids first."""
        # A statement uses a stored payload when the request carried those bytes: knowing a hash (a
        # fileUrl declaration) must not keep another person's payload past their erasure.
        sent = {payload.sha2 for payload in payloads}
        uses = [declared_attachment_hashes(orjson.loads(record.body)) & sent for record in records] if sent else []
        values = {value for record in records for value, _ in record.terms}
        for _ in range(_STALE_TERM_ATTEMPTS):
            if self._engines.dialect == "postgresql":
                interned, missing = self._terms.intern(values), []
            else:  # SQLite: new terms are created in the statement transaction (TermDictionary.cached)
                interned, missing = self._terms.cached(values)
            try:
                created = self._insert_once(store_id, records, uses, interned, missing, stored_ms, credential_id,
                                            payloads, definitions or {})
                self._terms.remember(created, interned.generation)  # committed: the ids are real
                return
            except StaleTerms:
                self._terms.forget()
        raise TransientStorageError("term purges kept replacing the term ids of this write")

    def _insert_once(self, store_id: int, records: list[StatementRecord], uses: list[set[str]],
                     interned: InternedTerms, missing: list[str], stored_ms: int, credential_id: int | None,
                     payloads: list[AttachmentPart], definitions: dict[str, dict]) -> dict[str, int]:
        """Writes the records; returns the term ids it created for `missing` (committed when it returns)."""
        dialect = self._engines.dialect
        now_ms = int(time.time() * 1000)
        if (dialect == "postgresql" and not payloads and stored_ms >= now_ms - OLD_STORED_MS
                and all(record.ref_target is None for record in records)
                and self._insert_plain_postgresql(store_id, records, interned, stored_ms, credential_id,
                                                  definitions)):
            return {}
        with translated_errors(), self._engines.write.begin() as connection:
            lock_statement_ids(connection, store_id, [record.statement_id for record in records]
                               + [record.ref_target for record in records if record.ref_target], writer=True)
            check_generation(connection, interned.generation)
            # After the generation check: no purge can run between it and this transaction's commit.
            created = self._terms.create_in(connection, missing)
            term_ids = {**interned.ids, **created} if created else interned.ids
            seqs = allocate_statement_seqs(connection, len(records))
            bulk_insert(connection, statements, _STATEMENT_COLUMNS, [
                (seq, store_id, record.statement_id, stored_ms, False, record.voids, credential_id,
                 *_body_columns(dialect, record.body))
                for record, seq in zip(records, seqs)])
            bulk_insert(connection, statement_index, _INDEX_COLUMNS, [
                (store_id, term_ids[value], role, stored_ms, seq)
                for record, seq in zip(records, seqs) for value, role in record.terms])
            bulk_insert(connection, statement_refs, _REF_COLUMNS, [
                (store_id, record.ref_target, seq)
                for record, seq in zip(records, seqs) if record.ref_target is not None])
            if payloads:
                bulk_insert(connection, attachment_uses, _USE_COLUMNS, [
                    (store_id, sha2, seq) for hashes, seq in zip(uses, seqs) for sha2 in sorted(hashes)])
                # Stored once per hash: a payload already kept for this store is not written again.
                connection.execute(insert_ignoring_conflicts(attachments, self._engines.dialect), [
                    {"store_id": store_id, "sha2": payload.sha2, "content_type": payload.content_type,
                     "length": len(payload.content), "content": payload.content} for payload in payloads])
            # One look-up serves voiding and filter inheritance: who already targets the new ids.
            referrers = referrers_of(connection, store_id, [record.statement_id for record in records])
            self._apply_voiding(connection, store_id, records, referrers)
            self._propagate_statement_refs(connection, store_id, records, seqs, referrers)
            put_definitions_in(connection, store_id, definitions, updated_ms=stored_ms)
            mark_stored(connection, store_id, stored_ms, now_ms)  # an import's old slot (lrs/storage/rollups.py)
            # The transactional outbox: the events commit or roll back with the statements.
            bulk_insert(connection, event_outbox, OUTBOX_COLUMNS, statement_event_rows(store_id, records, stored_ms))
        return created

    def _insert_plain_postgresql(self, store_id: int, records: list[StatementRecord], interned: InternedTerms,
                                 stored_ms: int, credential_id: int | None, definitions: dict[str, dict]) -> bool:
        """The common case on PostgreSQL, statements that target no other statement and that none
        already stored targets: the locks and one self-committing insert (statements, index rows,
        changed Activity definitions and statement.stored events) sent as one pipeline, so one round trip. False, with nothing written, when a stored statement targets one of them (the full
        path then links them); StaleTerms when a purge ran since the terms were interned."""
        term_ids = interned.ids
        term_rows = [(position, term_ids[value], role) for position, record in enumerate(records, start=1)
                     for value, role in record.terms]
        positions, ids, roles = zip(*term_rows) if term_rows else ((), (), ())
        statement_ids = [record.statement_id for record in records]
        activity_ids, definition_texts = definition_columns(definitions)
        with translated_errors(), self._engines.driver() as connection:
            # psycopg sends no Sync inside the pipeline: the two statements are one implicit transaction,
            # and each takes a fresh snapshot, so the insert sees what the locks waited for.
            with connection.pipeline():
                connection.execute(_LOCK_POSTGRESQL, {"writer": True, "store": store_id, "keys": statement_ids})
                inserted = connection.execute(_PLAIN_INSERT_POSTGRESQL, {
                    "ids": statement_ids, "bodies": [compress_body(record.body) for record in records],
                    "event_payloads": [stored_event_payload(record.verb_id) for record in records],
                    "store": store_id, "stored": stored_ms, "credential": credential_id,
                    "generation": interned.generation,
                    # Prebuilt binary arrays: psycopg dumps a list of ints element by element in Python.
                    "term_positions": Int8Array(positions), "term_ids": Int8Array(ids),
                    "roles": Int2Array(roles),
                    "activity_ids": activity_ids, "definitions": definition_texts})
            count, fresh = inserted.fetchone()
        if not fresh:
            raise StaleTerms()
        return count == len(records)

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
                       referrers: list[tuple[str, int, bool, str]]) -> None:
        """A statement is voided iff it is not a voiding statement and a voiding statement targets it
        (xAPI-Data 2.3.2.s2.b3), whichever of the two arrived first."""
        targets = [record.voids for record in records if record.voids]
        targets.extend(target_id for target_id, _, voiding, _ in referrers if voiding)
        for chunk in _chunks(sorted(set(targets))):
            connection.execute(update(statements).where(
                statements.c.store_id == store_id, statements.c.statement_id.in_(chunk),
                statements.c.voids.is_(None), statements.c.voided == False)  # noqa: E712
                .values(voided=True))
        if targets:  # a voided statement leaves the aggregation counts of its slot
            mark_statements(connection, store_id, targets)

    def _propagate_statement_refs(self, connection, store_id: int, records: list[StatementRecord],
                                  seqs: list[int], referrers: list[tuple[str, int, bool, str]]) -> None:
        """Statements that target another statement also match its filters (xAPI-Communication 2.1.3.s3):
        copy the targeted statement's index rows onto its referrers, recursively, whichever came first."""
        targets = sorted({record.ref_target for record in records if record.ref_target})
        target_seqs = _seqs_of(connection, store_id, targets) if targets else {}
        for record, seq in zip(records, seqs):  # in batch order, so chains inside a batch resolve
            if record.ref_target in target_seqs:
                copy_inherited_rows(connection, store_id, target_seqs[record.ref_target], seq)
        new_seqs = {record.statement_id: seq for record, seq in zip(records, seqs)}
        work = [(new_seqs[target_id], referrer_seq, referrer_id)
                for target_id, referrer_seq, _, referrer_id in referrers]
        steps, changed = 0, []
        while work and steps < _MAX_REF_PROPAGATION_STEPS:
            steps += 1
            source_seq, referrer_seq, referrer_id = work.pop()
            if source_seq == referrer_seq:
                continue
            # Whoever changes a statement's rows holds its id's lock, so a referrer of it written at the
            # same moment copies them after this commits, or is found below.
            lock_statement_ids(connection, store_id, [referrer_id])
            if not copy_inherited_rows(connection, store_id, source_seq, referrer_seq):
                continue
            changed.append(referrer_seq)
            work.extend((referrer_seq, next_seq, next_id)
                        for _, next_seq, _, next_id in referrers_of(connection, store_id, [referrer_id]))
        if changed:  # stored earlier, they now match more activities: their slots' counts change
            mark_seqs(connection, changed)


def _body_columns(dialect: str, body: str) -> tuple[str, bytes | None]:
    """(body, body_zstd) as stored: compressed on PostgreSQL, which compresses only rows over ~2 KB itself
    (lrs/storage/body_codec.py); the text on SQLite."""
    if dialect == "postgresql":
        return "", compress_body(body)
    return body, None


def lock_statement_ids(connection, store_id: int, statement_ids: list[str], *, writer: bool = False) -> None:
    """PostgreSQL: this transaction's advisory locks on the ids (sorted, so two writers never deadlock
    on them), taken by every writer of statements' rows, erasure included; SQLite needs none, its
    write transactions run one at a time."""
    if connection.dialect.name == "postgresql":
        connection.connection.driver_connection.execute(
            _LOCK_POSTGRESQL, {"writer": writer, "store": store_id, "keys": sorted(set(statement_ids))})


def _seqs_of(connection, store_id: int, statement_ids: list[str]) -> dict[str, int]:
    return dict(_rows_by_ids(partial(driver_rows, connection), connection.dialect.name, _SEQS_OF, store_id,
                             statement_ids))


def referrers_of(connection, store_id: int, statement_ids: list[str]) -> list[tuple[str, int, bool, str]]:
    """(targeted statement id, referrer seq, whether the referrer voids it, referrer id) for statements
    whose Object targets one of the ids."""
    return [(target_id, seq, voids is not None, referrer_id) for target_id, seq, voids, referrer_id in _rows_by_ids(
        partial(driver_rows, connection), connection.dialect.name, _REFERRERS, store_id, statement_ids)]


def copy_inherited_rows(connection, store_id: int, source_seq: int, target_seq: int) -> bool:
    """Adds the source statement's index rows that the target lacks to the target, each recorded in
    inherited_index with the credential that stored the statement it first came from; True if any."""
    run = partial(driver_rows, connection)
    # statement_index rows by seq alone (a seq is one statement of one store): with store_id as well, a
    # PostgreSQL planner without statistics (autovacuum off, a fresh load) chose the primary key and read
    # the store's whole range, 0.25 s per call at 100,000 statements, instead of ix_statement_index_seq.
    source_rows = run("SELECT i.term_id, i.role, h.seq, h.origin_credential_id FROM statement_index i "
                      "LEFT JOIN inherited_index h ON h.store_id = i.store_id AND h.seq = i.seq "
                      "AND h.term_id = i.term_id AND h.role = i.role WHERE i.seq = ?", (source_seq,))
    if not source_rows:
        return False
    facts = {seq: (credential_id, stored_ms) for seq, credential_id, stored_ms in run(
        "SELECT seq, credential_id, stored_ms FROM statements WHERE seq IN (?, ?)", (source_seq, target_seq))}
    source_credential, target_stored = facts[source_seq][0], facts[target_seq][1]
    existing = set(run("SELECT term_id, role FROM statement_index WHERE seq = ?", (target_seq,)))
    new = [(term_id, role, source_credential if inherited_seq is None else origin)
           for term_id, role, inherited_seq, origin in source_rows if (term_id, role) not in existing]
    bulk_insert(connection, statement_index, _INDEX_COLUMNS,
                [(store_id, term_id, role, target_stored, target_seq) for term_id, role, _ in new])
    bulk_insert(connection, inherited_index, _INHERITED_COLUMNS,
                [(store_id, target_seq, term_id, role, origin) for term_id, role, origin in new])
    return bool(new)
