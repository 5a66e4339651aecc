"""Reads and writes of the profiles branch's tables. Every call takes the store id: another store's rows are
never found, changed or deleted."""
from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from analytics.profiles.tables import profile_results, profile_store_modes, profile_versions, profile_violations
from lrs.storage.engines import Engines


@dataclass(frozen=True)
class StoredVersion:
    store_id: int
    profile_id: str
    version_id: str
    generated_at: str
    digest: str
    also_for_categories: tuple[str, ...]
    imported_ms: int
    document: str | None = None


@dataclass(frozen=True)
class RecordedResult:
    """A report-mode result for one statement and one profile version."""
    statement_id: str
    version_id: str
    outcome: str
    matched: list[str]
    violations: list[dict]


def _storable(*values) -> bool:
    """Whether text columns can hold these strings: PostgreSQL's cannot hold U+0000, and no row has it."""
    return not any(isinstance(value, str) and "\x00" in value for value in values)


class VersionConflict(Exception):
    """The store holds this version id with a different document."""


def _version(row, with_document: bool = False) -> StoredVersion:
    return StoredVersion(store_id=row.store_id, profile_id=row.profile_id, version_id=row.version_id,
                         generated_at=row.generated_at, digest=row.digest,
                         also_for_categories=tuple(orjson.loads(row.also_for_categories)),
                         imported_ms=row.imported_ms, document=row.document if with_document else None)


_LISTED = [profile_versions.c[name] for name in ("store_id", "profile_id", "version_id", "generated_at", "digest",
                                                 "also_for_categories", "imported_ms")]


class ProfileStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    # --- versions --------------------------------------------------------------------------------

    def add_version(self, store_id: int, *, profile_id: str, version_id: str, generated_at: str, document: str,
                    digest: str, now_ms: int) -> tuple[StoredVersion, bool]:
        """(the stored version, whether it is new). The same document again is not new; another is a conflict."""
        try:
            with self._engines.write.begin() as connection:
                connection.execute(insert(profile_versions).values(
                    store_id=store_id, profile_id=profile_id, version_id=version_id, generated_at=generated_at,
                    document=document, digest=digest, also_for_categories="[]", imported_ms=now_ms))
        except IntegrityError:
            existing = self.version(store_id, version_id)
            if existing is None or existing.digest != digest:
                raise VersionConflict(version_id) from None
            return existing, False
        return self.version(store_id, version_id), True

    def versions(self, store_id: int) -> list[StoredVersion]:
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(*_LISTED).where(profile_versions.c.store_id == store_id)
                                      .order_by(profile_versions.c.profile_id, profile_versions.c.generated_at))
            return [_version(row) for row in rows]

    def version(self, store_id: int, version_id: str) -> StoredVersion | None:
        if not _storable(version_id):
            return None
        with self._engines.read.connect() as connection:
            row = connection.execute(select(profile_versions).where(and_(
                profile_versions.c.store_id == store_id, profile_versions.c.version_id == version_id))).first()
        return _version(row, with_document=True) if row is not None else None

    def set_categories(self, store_id: int, version_id: str, categories: list[str]) -> bool:
        if not _storable(version_id):
            return False
        with self._engines.write.begin() as connection:
            changed = connection.execute(update(profile_versions).where(and_(
                profile_versions.c.store_id == store_id, profile_versions.c.version_id == version_id))
                .values(also_for_categories=orjson.dumps(categories).decode()))
        return changed.rowcount > 0

    def delete_version(self, store_id: int, version_id: str) -> bool:
        if not _storable(version_id):
            return False
        with self._engines.write.begin() as connection:
            removed = connection.execute(delete(profile_versions).where(and_(
                profile_versions.c.store_id == store_id, profile_versions.c.version_id == version_id)))
        return removed.rowcount > 0

    # --- mode ------------------------------------------------------------------------------------

    def mode(self, store_id: int) -> str:
        with self._engines.read.connect() as connection:
            return connection.execute(select(profile_store_modes.c.mode)
                                      .where(profile_store_modes.c.store_id == store_id)).scalar() or "off"

    def modes_not_off(self) -> dict[int, str]:
        """Every store's mode but the default: the small table read whole."""
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(profile_store_modes.c.store_id, profile_store_modes.c.mode)
                                      .where(profile_store_modes.c.mode != "off"))
            return {row.store_id: row.mode for row in rows}

    def set_mode(self, store_id: int, mode: str, now_ms: int) -> None:
        with self._engines.write.begin() as connection:
            changed = connection.execute(update(profile_store_modes)
                                         .where(profile_store_modes.c.store_id == store_id)
                                         .values(mode=mode, changed_ms=now_ms))
            if changed.rowcount == 0:
                connection.execute(insert(profile_store_modes).values(store_id=store_id, mode=mode,
                                                                      changed_ms=now_ms))

    # --- report mode -----------------------------------------------------------------------------

    def record(self, store_id: int, results: list[RecordedResult], now_ms: int) -> None:
        """One transaction; a statement validated again (a re-sent batch) replaces its earlier rows."""
        if not results:
            return
        statement_ids = sorted({result.statement_id for result in results})
        with self._engines.write.begin() as connection:
            for start in range(0, len(statement_ids), 500):
                chunk = statement_ids[start:start + 500]
                for table in (profile_results, profile_violations):
                    connection.execute(delete(table).where(and_(table.c.store_id == store_id,
                                                                table.c.statement_id.in_(chunk))))
            connection.execute(insert(profile_results), [
                {"store_id": store_id, "statement_id": result.statement_id, "version_id": result.version_id,
                 "outcome": result.outcome, "matched": orjson.dumps(result.matched).decode(),
                 "violations": len(result.violations), "recorded_ms": now_ms} for result in results])
            violations = [{"store_id": store_id, "statement_id": result.statement_id,
                           "version_id": result.version_id, "template_id": violation.get("template"),
                           "rule_index": violation.get("rule"), "concept_id": violation.get("concept"),
                           "location": violation.get("location"), "message": violation["message"]}
                          for result in results for violation in result.violations]
            if violations:
                connection.execute(insert(profile_violations), violations)

    def results_of(self, store_id: int, statement_id: str) -> list[RecordedResult]:
        if not _storable(statement_id):
            return []
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(profile_results).where(and_(
                profile_results.c.store_id == store_id, profile_results.c.statement_id == statement_id))
                .order_by(profile_results.c.version_id)).all()
            found = connection.execute(select(profile_violations).where(and_(
                profile_violations.c.store_id == store_id, profile_violations.c.statement_id == statement_id))
                .order_by(profile_violations.c.id)).all()
        by_version: dict[str, list[dict]] = {}
        for row in found:
            by_version.setdefault(row.version_id, []).append(_violation(row))
        return [RecordedResult(row.statement_id, row.version_id, row.outcome, orjson.loads(row.matched),
                               by_version.get(row.version_id, [])) for row in rows]

    def violations(self, store_id: int, *, version_id: str | None = None, template_id: str | None = None,
                   rule_index: int | None = None, concept_id: str | None = None, after_id: int = 0,
                   limit: int = 100) -> list[dict]:
        if not _storable(version_id, template_id, concept_id):
            return []
        table = profile_violations
        conditions = [table.c.store_id == store_id, table.c.id > after_id]
        for column, value in ((table.c.version_id, version_id), (table.c.template_id, template_id),
                              (table.c.rule_index, rule_index), (table.c.concept_id, concept_id)):
            if value is not None:
                conditions.append(column == value)
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(table).where(and_(*conditions)).order_by(table.c.id).limit(limit))
            return [{"id": row.id, "statementId": row.statement_id, "version": row.version_id, **_violation(row)}
                    for row in rows]

    def outcome_counts(self, store_id: int) -> list[tuple[str, str, int]]:
        with self._engines.read.connect() as connection:
            rows = connection.execute(select(profile_results.c.version_id, profile_results.c.outcome, func.count())
                                      .where(profile_results.c.store_id == store_id)
                                      .group_by(profile_results.c.version_id, profile_results.c.outcome))
            return [(row[0], row[1], row[2]) for row in rows]


def _violation(row) -> dict:
    return {key: value for key, value in (("template", row.template_id), ("rule", row.rule_index),
                                          ("concept", row.concept_id), ("location", row.location),
                                          ("message", row.message)) if value is not None}
