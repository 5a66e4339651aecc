"""Use case: statements exported as JSON Lines stored again, as they were (issue 14 re-import).

Each line is one statement's JSON text exactly as an export wrote it. It is stored as that text, byte
for byte, with its own `stored` time, and in file order, so an export (voided=include, oldest first)
imported into an empty store gives back the same statements: ids, `stored`, order and voiding (a
voiding statement voids its target whichever of the two comes first). Lines are validated as stored
statements (xAPI-Data 2.4, `stored` and `authority` allowed). A statement already stored with the same
text is skipped, so an interrupted import can simply be run again; one stored with another text stops
the import. Attachment payloads are not part of an export.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson

from lrs.storage.activities import ActivityDefinitionStorage
from lrs.storage.engines import Engines
from lrs.storage.errors import ConcurrentInsert
from lrs.storage.statements import StatementRecord, StatementStorage
from lrs.storage.terms import TermDictionary
from lrs.xapi.activity_definitions import definitions_in, merge_definition
from lrs.xapi.errors import BadRequest
from lrs.xapi.filter_terms import filter_terms, statement_ref_target, voided_target
from lrs.xapi.timestamps import parse_timestamp_ms
from lrs.xapi.validation import validate_statement
from lrs.xapi.versions import V1_0_3, V2_0_0

SECTION = "docs/analytics.md: re-import"


class ImportRefused(BadRequest):
    """A line that cannot be imported; `path` is `line N` (1-based) and the import stops before it."""


@dataclass
class ImportCounts:
    lines: int = 0
    stored: int = 0
    already_stored: int = 0


@dataclass(frozen=True)
class _Line:
    number: int
    text: str
    statement: dict
    stored_ms: int


class ImportService:
    def __init__(self, storage: StatementStorage, definitions: ActivityDefinitionStorage, *, batch_size: int = 1000):
        self._storage = storage
        self._definitions = definitions
        self._batch_size = batch_size

    @classmethod
    def on(cls, engines: Engines, *, batch_size: int = 1000) -> ImportService:
        return cls(StatementStorage(engines, TermDictionary(engines)), ActivityDefinitionStorage(engines),
                   batch_size=batch_size)

    def import_lines(self, store_id: int, lines: Iterable[bytes | str],
                     progress: Callable[[ImportCounts], None] | None = None) -> ImportCounts:
        """Stores the statements of `lines` (JSON Lines; blank lines are skipped) in order, in batches that
        share one `stored` time. Everything before a refused line stays stored."""
        counts = ImportCounts()
        batch: list[_Line] = []
        for number, raw in enumerate(lines, start=1):
            text = raw.decode() if isinstance(raw, bytes) else raw
            text = text.rstrip("\r\n")
            counts.lines = number
            if not text.strip():
                continue
            line = _parse_line(number, text)
            if batch and (line.stored_ms != batch[0].stored_ms or len(batch) >= self._batch_size):
                self._store(store_id, batch, counts)
                if progress is not None:
                    progress(counts)
                batch = []
            batch.append(line)
        if batch:
            self._store(store_id, batch, counts)
        if progress is not None:
            progress(counts)
        return counts

    def _store(self, store_id: int, batch: list[_Line], counts: ImportCounts) -> None:
        ids = [line.statement["id"] for line in batch]
        if len(set(ids)) != len(ids):
            duplicate = next(line for position, line in enumerate(batch) if line.statement["id"] in ids[:position])
            raise ImportRefused(f"statement {duplicate.statement['id']} appears twice", path=f"line {duplicate.number}",
                                section=SECTION)
        try:
            self._insert(store_id, batch)
            counts.stored += len(batch)
            return
        except ConcurrentInsert:
            pass
        existing = self._storage.find(store_id, ids)
        new = []
        for line in batch:
            known = existing.get(line.statement["id"])
            if known is None:
                new.append(line)
            elif known.body != line.text:
                raise ImportRefused(f"statement {line.statement['id']} is already stored with other content",
                                    path=f"line {line.number}", section=SECTION)
        if new:
            self._insert(store_id, new)
        counts.stored += len(new)
        counts.already_stored += len(batch) - len(new)

    def _insert(self, store_id: int, batch: list[_Line]) -> None:
        records = [StatementRecord(statement_id=line.statement["id"], body=line.text,
                                   terms=frozenset(filter_terms(line.statement)),
                                   ref_target=statement_ref_target(line.statement),
                                   voids=voided_target(line.statement), verb_id=line.statement["verb"]["id"])
                   for line in batch]
        self._storage.insert(store_id, records, stored_ms=batch[0].stored_ms, credential_id=None,
                             definitions=self._changed_definitions(store_id, [line.statement for line in batch]))

    def _changed_definitions(self, store_id: int, statements: list[dict]) -> dict[str, dict]:
        """The batch's Activity definitions merged into the stored ones, as a statement POST merges them."""
        incoming: dict[str, list[dict]] = {}
        for statement in statements:
            for activity_id, definition in definitions_in(statement):
                incoming.setdefault(activity_id, []).append(definition)
        if not incoming:
            return {}
        current = self._definitions.get_many(store_id, incoming)
        changed = {}
        for activity_id, definitions in incoming.items():
            merged = current.get(activity_id)
            for definition in definitions:
                merged = merge_definition(merged, definition)
            if merged != current.get(activity_id):
                changed[activity_id] = merged
        return changed


def _parse_line(number: int, text: str) -> _Line:
    where = f"line {number}"
    try:
        statement = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise ImportRefused(f"not JSON: {error}", path=where, section=SECTION) from None
    if not isinstance(statement, dict):
        raise ImportRefused("a line must hold one statement object", path=where, section=SECTION)
    for name in ("id", "stored"):
        if not isinstance(statement.get(name), str):
            raise ImportRefused(f"an exported statement has '{name}'; this line has none", path=where,
                                section=SECTION)
    version = V2_0_0 if str(statement.get("version", "")).startswith("2.") else V1_0_3
    try:
        validate_statement(statement, version, lrs_assigned_allowed=True)
    except BadRequest as error:
        raise ImportRefused(f"{error.message} (at {error.path})", path=where, section=error.section) from None
    if statement["id"] != statement["id"].lower():
        raise ImportRefused("statement ids are stored in lower case; this one is not", path=where, section=SECTION)
    parse_timestamp_ms(statement["stored"], parameter=f"{where}: stored")  # its form, with the usual error
    return _Line(number, text, statement, _exact_ms(statement["stored"]))


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _exact_ms(text: str) -> int:
    """Milliseconds of a `stored` value in integer arithmetic: float seconds times 1000 can land one
    millisecond short, and a re-import must keep `stored` and the order exactly."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    elapsed = moment - _EPOCH
    return (elapsed.days * 86_400 + elapsed.seconds) * 1000 + elapsed.microseconds // 1000
