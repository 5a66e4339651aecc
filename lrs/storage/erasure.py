"""Deleting everything a store holds about an agent: the statements it appears in (with their index
rows, StatementRef links, attachment uses and the payloads no other statement declares), its documents,
and what other statements inherited from the erased ones through StatementRef chains.

Whose statements: those whose own body names the agent in any role (actor, object, context agents,
instructor, team, authority, group members, and the same inside a SubStatement): their own
statement_index rows. Rows a referrer only inherited from a target (inherited_index) do not make the
referrer the agent's statement; after the erasure every referrer down the chain has its inherited rows
rebuilt from what is left, so it no longer matches filters by the erased statements.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from lrs.storage.dialect import driver_rows, placeholders, translated_errors
from lrs.storage.engines import Engines
from lrs.storage.rollups import mark_seqs
from lrs.storage.statements import copy_inherited_rows, lock_statement_ids, referrers_of
from lrs.storage.tables import (attachment_uses, attachments, documents, inherited_index, statement_index,
                                statement_refs, statements, terms)
from lrs.xapi.filter_terms import Role

_CHUNK = 500


@dataclass(frozen=True)
class ErasureCounts:
    statements: int
    attachments: int
    documents: int


class ErasureStorage:
    def __init__(self, engines: Engines):
        self._engines = engines

    def mailbox_spellings(self, store_id: int, mbox: str) -> list[str]:
        """Every spelling of this mailbox the store holds (as a statement's agent term or a document's
        agent) that differs only in the case of the domain, which the LRS treats as the same agent
        (xAPI-Data 2.3.1.b7, lrs/xapi/comparison.py); the given spelling first."""
        local, at, domain = mbox.rpartition("@")
        if not at:
            return [mbox]
        escaped = local.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with translated_errors(), self._engines.read.connect() as connection:
            found = connection.execute(select(terms.c.value).where(
                terms.c.value.like(f"Ambox|{escaped}@%", escape="\\"))).scalars().all()
            found = [value[len("Ambox|"):] for value in found]
            found += [key[len("mbox|"):] for key in connection.execute(
                select(documents.c.agent_key).distinct().where(
                    documents.c.store_id == store_id,
                    documents.c.agent_key.like(f"mbox|{escaped}@%", escape="\\"))).scalars()]
        # LIKE ignores case on SQLite: the local part must match exactly, only the domain may differ.
        same = {spelling for spelling in found
                if spelling.rpartition("@")[0] == local and spelling.rpartition("@")[2].lower() == domain.lower()}
        return [mbox] + sorted(same - {mbox})

    def erase(self, store_id: int, agent_terms: list[str], agent_keys: list[str], *,
              dry_run: bool) -> ErasureCounts:
        """All of it in one transaction, so an erasure is never half done; a dry run does the same work
        and rolls it back, so its counts are exactly what a real run would remove."""
        with translated_errors(), self._engines.write.connect() as connection:
            transaction = connection.begin()
            try:
                counts = self._erase(connection, store_id, agent_terms, agent_keys)
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
        return counts

    def _erase(self, connection, store_id: int, agent_terms: list[str], agent_keys: list[str]) -> ErasureCounts:
        erased = _own_statements(connection, store_id, agent_terms)
        # The same locks statement writes take, on the erased statements and on every statement that
        # inherits from them, so no concurrent write copies rows from a statement being erased.
        lock_statement_ids(connection, store_id, [statement_id for _, statement_id in erased]
                           + [statement_id for _, statement_id in _descendants(connection, store_id, erased)])
        erased = _own_statements(connection, store_id, agent_terms)  # again, after the locks
        seqs = [seq for seq, _ in erased]
        # Their slots' aggregation counts, and those of the statements that inherit from them, change.
        mark_seqs(connection, seqs + [seq for seq, _ in _descendants(connection, store_id, erased)])
        hashes = set()
        for chunk in _chunks(seqs):
            hashes.update(connection.execute(select(attachment_uses.c.sha2).where(
                attachment_uses.c.seq.in_(chunk))).scalars())
        for chunk in _chunks(seqs):
            # By seq alone (these seqs are this store's): with store_id too, PostgreSQL without statistics
            # scanned the primary key's whole store range instead of the seq index.
            for table in (statement_index, attachment_uses):
                connection.execute(delete(table).where(table.c.seq.in_(chunk)))
            connection.execute(delete(inherited_index).where(inherited_index.c.store_id == store_id,
                                                             inherited_index.c.seq.in_(chunk)))
            connection.execute(delete(statement_refs).where(statement_refs.c.store_id == store_id,
                                                            statement_refs.c.referrer_seq.in_(chunk)))
            connection.execute(delete(statements).where(statements.c.seq.in_(chunk)))
        _rebuild_inherited(connection, store_id, _descendants(connection, store_id, erased))
        # attachment_uses holds each declared hash in lower case: an exact, case-insensitive check.
        orphans = [sha2 for sha2 in sorted(hashes) if connection.execute(
            select(attachment_uses.c.seq).where(attachment_uses.c.store_id == store_id,
                                                attachment_uses.c.sha2 == sha2).limit(1)).first() is None]
        if orphans:
            connection.execute(delete(attachments).where(attachments.c.store_id == store_id,
                                                         attachments.c.sha2.in_(orphans)))
        removed_documents = connection.execute(delete(documents).where(
            documents.c.store_id == store_id, documents.c.agent_key.in_(agent_keys))).rowcount
        return ErasureCounts(len(seqs), len(orphans), removed_documents)


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _own_statements(connection, store_id: int, agent_terms: list[str]) -> list[tuple[int, str]]:
    """(seq, id) of the statements whose own body names one of the agent terms, in any agent role."""
    if not agent_terms:
        return []
    sql = ("SELECT DISTINCT s.seq, s.statement_id FROM terms t "
           "JOIN statement_index i ON i.store_id = ? AND i.term_id = t.id AND i.role IN (?, ?) "
           "JOIN statements s ON s.seq = i.seq "
           f"WHERE t.value IN ({placeholders(len(agent_terms))}) AND NOT EXISTS ("
           "SELECT 1 FROM inherited_index h WHERE h.store_id = i.store_id AND h.seq = i.seq "
           "AND h.term_id = i.term_id AND h.role = i.role) ORDER BY s.seq")
    return [tuple(row) for row in driver_rows(connection, sql, (store_id, int(Role.AGENT), int(Role.RELATED_AGENT),
                                                                *agent_terms))]


def _descendants(connection, store_id: int, roots: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(seq, id) of the statements that target the roots through StatementRef chains, parents first."""
    seen = {seq for seq, _ in roots}
    order, frontier = [], [statement_id for _, statement_id in roots]
    while frontier:
        found = [(seq, statement_id) for _, seq, _, statement_id in referrers_of(connection, store_id, frontier)
                 if seq not in seen]
        seen.update(seq for seq, _ in found)
        order += found
        frontier = [statement_id for _, statement_id in found]
    return order


def _rebuild_inherited(connection, store_id: int, referrers: list[tuple[int, str]]) -> None:
    """Each referrer, parents first, drops what it inherited and copies again from its target, if the
    target is still stored (xAPI-Communication 2.1.3.s3 over what remains)."""
    for seq, _ in referrers:
        # By seq alone, so the planner takes ix_statement_index_seq (statements.copy_inherited_rows).
        _run(connection, "DELETE FROM statement_index WHERE seq = ? AND EXISTS ("
                         "SELECT 1 FROM inherited_index h WHERE h.store_id = statement_index.store_id "
                         "AND h.seq = statement_index.seq AND h.term_id = statement_index.term_id "
                         "AND h.role = statement_index.role)", (seq,))
        _run(connection, "DELETE FROM inherited_index WHERE store_id = ? AND seq = ?", (store_id, seq))
        target = driver_rows(connection, "SELECT s.seq FROM statement_refs r JOIN statements s "
                                         "ON s.store_id = r.store_id AND s.statement_id = r.target_statement_id "
                                         "WHERE r.store_id = ? AND r.referrer_seq = ?", (store_id, seq))
        if target:
            copy_inherited_rows(connection, store_id, target[0][0], seq)


def _run(connection, sql: str, parameters: tuple) -> None:
    """One statement without results, written with `?` placeholders, on either dialect."""
    if connection.dialect.name == "postgresql":
        sql = sql.replace("?", "%s")
    connection.exec_driver_sql(sql, parameters)
