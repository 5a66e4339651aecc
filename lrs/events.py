"""The spine's event stream: a transactional outbox that modules (automation/) read in order.

Every change that other modules react to appends an event row in the SAME database transaction as the
change (table event_outbox, lrs/storage/tables.py): no event exists without its change, and no change
without its event. Kinds are named `<area>.<past-tense verb>`: statement.stored and statement.voided are
written by the statement storage itself; other areas call `EventLog.emit` inside their own transaction.

Order. Readers go in (txid, position) order. SQLite commits one writer at a time, so there txid is 0 and
position order is commit order. On PostgreSQL positions come from a sequence and are handed out before
commit, so a reader that went by position alone could pass position 10 while the transaction holding 9
is still open, and never see 9. Each row therefore carries its transaction's id, and a reader returns
only rows of transactions older than every transaction of this database still running: any row that
appears later belongs to a newer transaction and sorts after everything already returned.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import orjson

from lrs.storage.body_codec import stored_body
from lrs.storage.dialect import bulk_insert, translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import event_outbox

STATEMENT_STORED = "statement.stored"
STATEMENT_VOIDED = "statement.voided"
OUTBOX_COLUMNS = ("kind", "store_id", "subject", "payload", "created_ms")
_IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")

# Events past `after`. A statement.stored row holds the statement's verb ({"verb_id": ...}, what most handlers
# filter on) and no personal data; the statement itself is read from `statements` only when a consumer asks
# for it (StatementPayload, StatementBodies), so erasure of the statement erases it from the event too.
# SQLite seeks an index on the first column of a row-value range only: `(o.txid, o.position) > (?, ?)` read
# every event before the cursor too, so each read grew with the outbox (35 ms for 500 events of 500,000).
# There every txid is 0 (see Order above), and the read seeks on txid and position; the cursor's txid is
# still compared, so a cursor that is not SQLite's finds nothing rather than the wrong events.
_READ = """
SELECT o.position, o.txid, o.kind, o.store_id, o.subject, o.payload, o.created_ms
FROM event_outbox o
WHERE o.txid = ? AND o.position > ? {visible}
ORDER BY o.txid, o.position
LIMIT ?
"""
_READ_POSTGRESQL = """
SELECT o.position, o.txid, o.kind, o.store_id, o.subject, o.payload, o.created_ms
FROM event_outbox o
WHERE (o.txid, o.position) > (?, ?) {visible}
ORDER BY o.txid, o.position
LIMIT ?
"""
_BODY = "SELECT body, body_zstd FROM statements WHERE store_id = ? AND statement_id = ?"
_BODIES = "SELECT statement_id, body, body_zstd FROM statements WHERE store_id = ? AND statement_id IN ({marks})"
_BODIES_AT_ONCE = 500
# EventLog.prune: events deleted per write transaction.
_PRUNE_CHUNK = 5_000
# Rows of transactions that can no longer commit: older than every transaction of THIS database that our
# snapshot saw running. pg_snapshot_xmin alone would also wait for every other database's transactions
# (xids are cluster-wide). A running xid counts as another database's only when pg_stat_activity says so
# (it shows backend_xid to the table owner or pg_read_all_stats); one it cannot place counts as ours,
# which can delay a read, never skip a row. xip is xid8; backend_xid its low 32 bits.
_HORIZON_POSTGRESQL = """(
    SELECT COALESCE(min(x::text::bigint), pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
    FROM pg_snapshot_xip(pg_current_snapshot()) AS x
    WHERE (x::text::bigint & 4294967295) NOT IN (
        SELECT backend_xid::text::bigint FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()))"""
_VISIBLE_POSTGRESQL = "AND o.txid < " + _HORIZON_POSTGRESQL


@dataclass(frozen=True, order=True)
class EventCursor:
    """Where a reader stands: the last event it has seen, in reading order."""
    txid: int = 0
    position: int = 0


@dataclass(frozen=True)
class Event:
    position: int
    kind: str
    store_id: int | None
    subject: str
    payload: Mapping  # a dict; for statement.stored a StatementPayload, read like one
    created_ms: int
    txid: int = field(default=0, compare=False)

    @property
    def cursor(self) -> EventCursor:
        return EventCursor(self.txid, self.position)


def statement_event_rows(store_id: int, records, created_ms: int) -> list[tuple]:
    """Outbox rows (OUTBOX_COLUMNS) for stored statement records (lrs.storage.statements.StatementRecord),
    in batch order: statement.stored for each (its payload the verb), then statement.voided for each voiding
    statement."""
    rows = [(STATEMENT_STORED, store_id, record.statement_id, stored_event_payload(record.verb_id), created_ms)
            for record in records]
    rows += [(STATEMENT_VOIDED, store_id, record.voids, orjson.dumps({"voided_by": record.statement_id}).decode(),
              created_ms) for record in records if record.voids]
    return rows


def stored_event_payload(verb_id: str | None) -> str | None:
    """The payload column of a statement.stored row: the verb, which handlers filter on without reading the
    statement (a verb IRI is vocabulary, not personal data)."""
    return None if verb_id is None else orjson.dumps({"verb_id": verb_id}).decode()


def _ifi(agent: dict) -> dict:
    """The agent's Inverse Functional Identifier as a dict; an anonymous Group keeps its members."""
    found = {key: agent[key] for key in _IFI_KEYS if key in agent}
    if found:
        return found
    return {key: value for key, value in agent.items() if key in ("objectType", "member")}


def statement_payload(statement_id: str, statement: dict | None) -> dict:
    """A statement.stored payload: what handlers filter on, and the statement itself for forwarding."""
    if statement is None:  # erased since (lrs erase): nothing personal is left to hand on
        return {"statement_id": statement_id, "erased": True}
    obj = statement.get("object") or {}
    return {"statement_id": statement_id, "verb_id": statement["verb"]["id"],
            "object_id": obj.get("id"), "object_type": obj.get("objectType", "Activity"),
            "actor": _ifi(statement.get("actor") or {}),
            "registration": (statement.get("context") or {}).get("registration"),
            "stored": statement.get("stored"), "statement": statement}


def names_verb(payload: Mapping, verbs) -> bool:
    """False only when the statement a statement.stored payload is about has none of `verbs`: answered from
    the event's own row when it holds the verb (no statement read), else as `may_mention`."""
    known = payload.known_verb if isinstance(payload, StatementPayload) else None
    if known is not None:
        return known in verbs
    return may_mention(payload, verbs)


def may_mention(payload: Mapping, texts) -> bool:
    """False only when the statement a statement.stored payload is about cannot hold any of `texts` (IRIs,
    say) as a value: its stored JSON text, which the LRS writes with orjson (no escaped characters in
    strings but quotes, backslashes and control characters), does not contain it. A handler asks this before
    it pays for parsing the statement; a payload that is a plain dict, or erased, answers True."""
    raw = payload.raw if isinstance(payload, StatementPayload) else None
    return raw is None or any(text in raw for text in texts)


class StatementBodies:
    """Reads the statements that statement.stored events are about, for the events of one read: one at a
    time when a consumer first asks for one, or all at once (`preload_statements`)."""

    def __init__(self, engines: Engines):
        self._engines = engines

    def one(self, store_id: int | None, statement_id: str) -> tuple[str | None, bytes | None]:
        """(body, body_zstd) as stored, (None, None) when the statement is gone (erased)."""
        rows = self._engines.rows(_BODY, (store_id, statement_id))
        return (rows[0][0], rows[0][1]) if rows else (None, None)

    def fill(self, payloads: list["StatementPayload"]) -> None:
        """Gives each payload its statement, a few queries for all of them."""
        by_store: dict[int | None, list[StatementPayload]] = {}
        for payload in payloads:
            by_store.setdefault(payload.store_id, []).append(payload)
        for store_id, wanted in by_store.items():
            for start in range(0, len(wanted), _BODIES_AT_ONCE):
                chunk = wanted[start:start + _BODIES_AT_ONCE]
                ids = list({payload.statement_id for payload in chunk})
                found = {statement_id: (body, compressed) for statement_id, body, compressed in self._engines.rows(
                    _BODIES.format(marks=", ".join("?" * len(ids))), (store_id, *ids))}
                for payload in chunk:
                    payload.fetched(*found.get(payload.statement_id, (None, None)))


def preload_statements(events) -> None:
    """Reads at once the statements of these events not read yet (a consumer that takes every statement,
    forwarding): a few queries rather than one per event."""
    by_source: dict[int, tuple[StatementBodies, list[StatementPayload]]] = {}
    for event in events:
        payload = event.payload
        if isinstance(payload, StatementPayload) and payload.pending is not None:
            by_source.setdefault(id(payload.pending), (payload.pending, []))[1].append(payload)
    for source, payloads in by_source.values():
        source.fill(payloads)


class StatementPayload(Mapping):
    """A statement.stored payload (statement_payload's keys). The verb comes from the event's row; the
    statement is read (from `source`, when given) when `raw` or another key is first asked for, and parsed
    only then: a consumer that only passes the statement on (forwarding) takes `raw`, the JSON text as
    stored. A body read compressed (PostgreSQL) is decompressed only when `raw` or a key is first read."""
    __slots__ = ("_statement_id", "_store_id", "_verb_id", "_pending", "_raw", "_compressed", "_data")

    def __init__(self, statement_id: str, raw: str | None = None, compressed: bytes | None = None, *,
                 verb_id: str | None = None, store_id: int | None = None, source: StatementBodies | None = None):
        self._statement_id = statement_id
        self._store_id = store_id
        self._verb_id = verb_id
        self._pending = source  # None once the statement is read (or was given)
        self._raw = raw
        self._compressed = compressed
        self._data: dict | None = None

    @property
    def statement_id(self) -> str:
        return self._statement_id

    @property
    def store_id(self) -> int | None:
        return self._store_id

    @property
    def pending(self) -> StatementBodies | None:
        """Where the statement will be read from, while it is not read yet."""
        return self._pending

    @property
    def known_verb(self) -> str | None:
        """The verb as the event's row holds it, without reading the statement (None for an older row)."""
        return self._verb_id

    def fetched(self, raw: str | None, compressed: bytes | None) -> None:
        self._raw, self._compressed, self._pending = raw, compressed, None

    @property
    def raw(self) -> str | None:
        if self._pending is not None:
            self.fetched(*self._pending.one(self._store_id, self._statement_id))
        if self._compressed is not None:
            self._raw, self._compressed = stored_body(self._raw, self._compressed), None
        return self._raw

    @property
    def erased(self) -> bool:
        if self._pending is not None:
            self.fetched(*self._pending.one(self._store_id, self._statement_id))
        return self._raw is None and self._compressed is None

    def _loaded(self) -> dict:
        if self._data is None:
            raw = self.raw
            self._data = statement_payload(self._statement_id, None if raw is None else orjson.loads(raw))
        return self._data

    def __getitem__(self, key):
        return self._loaded()[key]

    def __iter__(self):
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __repr__(self) -> str:
        return f"StatementPayload({self._statement_id!r})"


class EventLog:
    """Appends events and reads them in order; the only code that touches event_outbox."""

    def __init__(self, engines: Engines):
        self._engines = engines

    def emit(self, kind: str, store_id: int | None, subject: str, payload: dict, *, connection=None) -> None:
        """Appends one event; inside the caller's transaction when `connection` (a SQLAlchemy connection
        in a transaction) is given, so it commits or rolls back with the change it reports."""
        if "." not in kind:
            raise ValueError(f"event kinds are '<area>.<past-tense verb>', not {kind!r}")
        row = (kind, store_id, subject, orjson.dumps(payload).decode(), int(time.time() * 1000))
        if connection is not None:
            bulk_insert(connection, event_outbox, OUTBOX_COLUMNS, [row])
            return
        with translated_errors(), self._engines.write.begin() as own:
            bulk_insert(own, event_outbox, OUTBOX_COLUMNS, [row])

    def at(self, positions: list[int]) -> list[Event]:
        """The events at these positions (a retried delivery's event), in reading order."""
        if not positions:
            return []
        wanted = ", ".join(str(int(position)) for position in positions)
        before_all = self.before_every_event()
        return self._events(self._engines.rows(self._read().format(visible=f"AND o.position IN ({wanted})"),
                                               (before_all.txid, before_all.position, len(positions))))

    def before_every_event(self) -> EventCursor:
        """A cursor before every event, visible or not (on SQLite every txid is 0)."""
        return EventCursor(-1, -1) if self._engines.dialect == "postgresql" else EventCursor(0, -1)

    def read_after(self, after: EventCursor | int = EventCursor(), limit: int = 500) -> list[Event]:
        """Up to `limit` events after `after` in reading order. An int means EventCursor(0, int), exact on
        SQLite; on PostgreSQL keep the `cursor` of the last event read and pass that."""
        if isinstance(after, int):
            after = EventCursor(0, after)
        visible = _VISIBLE_POSTGRESQL if self._engines.dialect == "postgresql" else ""
        return self._events(self._engines.rows(self._read().format(visible=visible),
                                               (after.txid, after.position, limit)))

    def _read(self) -> str:
        return _READ_POSTGRESQL if self._engines.dialect == "postgresql" else _READ

    def _events(self, rows) -> list[Event]:
        events, bodies, verbs = [], StatementBodies(self._engines), {None: None}
        for position, txid, kind, store_id, subject, payload, created_ms in rows:
            if kind == STATEMENT_STORED:
                verb_id = verbs.get(payload, False)
                if verb_id is False:  # a read holds few distinct verbs: each payload text is parsed once
                    verb_id = verbs[payload] = orjson.loads(payload).get("verb_id")
                data = StatementPayload(subject, verb_id=verb_id, store_id=store_id, source=bodies)
            else:
                data = orjson.loads(payload) if payload else {}
            events.append(Event(position, kind, store_id, subject, data, created_ms, txid))
        return events

    def prune(self, through: EventCursor, *, created_before_ms: int, keep: Iterable[int] = (),
              chunk: int = _PRUNE_CHUNK) -> int:
        """Deletes events at or before `through` (the least cursor of every reader, so none reads them
        again) that were created before `created_before_ms`, except those at the positions in `keep` (events a
        retry will read again); returns how many it deleted. It goes in reading order and stops at the first
        event too young (events come in about time order: an older one past it goes next time), each chunk
        in a write transaction of its own, so a statement write waits for one chunk at most. The newest event
        always stays: SQLite gives a new row the largest position in the table plus one, so with the newest
        gone it would hand out positions that readers' cursors are already past."""
        keep = frozenset(keep) | {self.head().position}
        # The cursor's range as the reads seek it (see _READ): on SQLite every txid is 0.
        window = ("(o.txid, o.position) > (?, ?) AND (o.txid, o.position) <= (?, ?)"
                  if self._engines.dialect == "postgresql" else
                  "o.txid = ? AND o.position > ? AND o.txid = ? AND o.position <= ?")
        select_chunk = (f"SELECT o.txid, o.position, o.created_ms FROM event_outbox o WHERE {window} "
                        "ORDER BY o.txid, o.position LIMIT ?")
        after, deleted, more = self.before_every_event(), 0, True
        while more:
            rows = self._engines.rows(select_chunk, (after.txid, after.position, through.txid, through.position,
                                                     chunk))
            more = len(rows) == chunk
            old = []
            for txid, position, created_ms in rows:
                if created_ms >= created_before_ms:
                    more = False  # the rest is younger
                    break
                after = EventCursor(txid, position)
                if position not in keep:
                    old.append(position)
            if old:
                with translated_errors(), self._engines.write.begin() as connection:
                    # Positions are integers read from the table: written into the SQL, as in `at`.
                    connection.exec_driver_sql(
                        f"DELETE FROM event_outbox WHERE position IN ({', '.join(str(int(p)) for p in old)})")
                deleted += len(old)
        return deleted

    def head(self) -> EventCursor:
        """The cursor of the newest event a reader may see now (EventCursor() when there is none)."""
        visible = _VISIBLE_POSTGRESQL.replace("AND", "WHERE", 1) if self._engines.dialect == "postgresql" else ""
        rows = self._engines.rows(f"SELECT o.txid, o.position FROM event_outbox o {visible} "
                                  "ORDER BY o.txid DESC, o.position DESC LIMIT 1")
        return EventCursor(*rows[0]) if rows else EventCursor()
