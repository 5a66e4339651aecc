"""Deleting everything a store holds about an agent: the statements it appears in (with their index
rows, StatementRef links and attachment payloads no other statement uses) and its documents."""
from __future__ import annotations

from dataclasses import dataclass

import orjson
from sqlalchemy import delete, select

from lrs.storage.dialect import translated_errors
from lrs.storage.engines import Engines
from lrs.storage.tables import attachments, documents, statement_index, statement_refs, statements
from lrs.storage.terms import TermDictionary
from lrs.xapi.filter_terms import Role

_CHUNK = 500


@dataclass(frozen=True)
class ErasureCounts:
    statements: int
    attachments: int
    documents: int


class ErasureStorage:
    def __init__(self, engines: Engines, terms: TermDictionary):
        self._engines = engines
        self._terms = terms

    def erase(self, store_id: int, agent_terms: list[str], agent_keys: list[str], *,
              dry_run: bool) -> ErasureCounts:
        """All of it in one transaction, so an erasure is never half done; a dry run does the same work
        and rolls it back, so its counts are exactly what a real run would remove."""
        with translated_errors(), self._engines.write.connect() as connection:
            transaction = connection.begin()
            try:
                seqs = self._statement_seqs(connection, store_id, agent_terms)
                hashes = self._payload_hashes(connection, seqs)
                for start in range(0, len(seqs), _CHUNK):
                    chunk = seqs[start:start + _CHUNK]
                    connection.execute(delete(statement_index).where(statement_index.c.seq.in_(chunk)))
                    connection.execute(delete(statement_refs).where(statement_refs.c.store_id == store_id,
                                                                    statement_refs.c.referrer_seq.in_(chunk)))
                    connection.execute(delete(statements).where(statements.c.seq.in_(chunk)))
                orphans = [sha2 for sha2 in sorted(hashes) if not connection.execute(
                    select(statements.c.seq).where(statements.c.store_id == store_id,
                                                   statements.c.body.contains(sha2)).limit(1)).first()]
                if orphans:
                    connection.execute(delete(attachments).where(attachments.c.store_id == store_id,
                                                                 attachments.c.sha2.in_(orphans)))
                removed_documents = connection.execute(delete(documents).where(
                    documents.c.store_id == store_id, documents.c.agent_key.in_(agent_keys))).rowcount
            except BaseException:
                transaction.rollback()
                raise
            if dry_run:
                transaction.rollback()
            else:
                transaction.commit()
        return ErasureCounts(len(seqs), len(orphans), removed_documents)

    def _statement_seqs(self, connection, store_id: int, agent_terms: list[str]) -> list[int]:
        term_ids = list(self._terms.lookup(agent_terms).values())
        if not term_ids:
            return []
        return sorted(connection.execute(select(statement_index.c.seq).distinct().where(
            statement_index.c.store_id == store_id, statement_index.c.term_id.in_(term_ids),
            statement_index.c.role.in_([int(Role.AGENT), int(Role.RELATED_AGENT)]))).scalars())

    @staticmethod
    def _payload_hashes(connection, seqs: list[int]) -> set[str]:
        hashes: set[str] = set()
        for start in range(0, len(seqs), _CHUNK):
            for body in connection.execute(select(statements.c.body).where(
                    statements.c.seq.in_(seqs[start:start + _CHUNK]))).scalars():
                for attachment in orjson.loads(body).get("attachments") or ():
                    hashes.add(str(attachment.get("sha2", "")).lower())
        return hashes
