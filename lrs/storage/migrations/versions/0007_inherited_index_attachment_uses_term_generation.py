"""Inherited filter rows, attachment uses and the term generation (issue 10: erasure scope, read/mine
probing, exact attachment orphan check, `lrs terms purge`).

- inherited_index: which statement_index rows a referrer holds only through its StatementRef chain,
  and the credential that stored the statement they came from. Filled here for statements already
  stored: a referrer's rows that its own body does not give it are inherited, from the first statement
  up its chain whose own body gives them.
- attachment_uses: (store, lower-case sha2, seq) for the payloads a statement uses. New writes record
  only hashes whose bytes came with the request; here, not knowing which came with their bytes, every
  attachment a stored statement or its SubStatement declares counts (the payload is kept, as before).
- term_generation: one row, generation 0.

Revision ID: 0007
Revises: 0006
"""
import orjson
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_MAX_CHAIN = 100


def upgrade() -> None:
    op.create_table(
        "inherited_index",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("term_id", sa.BigInteger, primary_key=True),
        sa.Column("role", sa.SmallInteger, primary_key=True),
        sa.Column("origin_credential_id", sa.Integer, nullable=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "attachment_uses",
        sa.Column("store_id", sa.Integer, primary_key=True),
        sa.Column("sha2", sa.String(128), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_attachment_uses_seq", "attachment_uses", ["seq"])
    op.create_table(
        "term_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("generation", sa.BigInteger, nullable=False),
    )
    connection = op.get_bind()
    connection.execute(sa.text("INSERT INTO term_generation (id, generation) VALUES (1, 0)"))
    _backfill_attachment_uses(connection)
    _backfill_inherited_index(connection)


def _declared_hashes(statement: dict) -> set[str]:
    hashes = set()
    for holder in (statement, statement.get("object") or {}):
        for attachment in holder.get("attachments") or ():
            if isinstance(attachment, dict) and isinstance(attachment.get("sha2"), str):
                hashes.add(attachment["sha2"].lower())
    return hashes


def _backfill_attachment_uses(connection) -> None:
    rows = connection.execute(sa.text(
        "SELECT store_id, seq, body FROM statements WHERE body LIKE '%\"attachments\"%'"))
    uses = [{"store_id": store_id, "sha2": sha2, "seq": seq}
            for store_id, seq, body in rows for sha2 in _declared_hashes(orjson.loads(body))]
    if uses:
        connection.execute(sa.text(
            "INSERT INTO attachment_uses (store_id, sha2, seq) VALUES (:store_id, :sha2, :seq)"), uses)


def _backfill_inherited_index(connection) -> None:
    from lrs.xapi.filter_terms import filter_terms, statement_ref_target
    referrers = connection.execute(sa.text("SELECT DISTINCT referrer_seq FROM statement_refs")).scalars().all()
    if not referrers:
        return
    own_cache: dict[int, tuple] = {}

    def own(seq: int):
        """(store, credential, target id, the (term id, role) pairs its own body gives it)."""
        if seq not in own_cache:
            store_id, credential_id, body = connection.execute(sa.text(
                "SELECT store_id, credential_id, body FROM statements WHERE seq = :seq"), {"seq": seq}).one()
            statement = orjson.loads(body)
            pairs = set()
            for value, role in filter_terms(statement):
                term_id = connection.execute(sa.text("SELECT id FROM terms WHERE value = :v"), {"v": value}).scalar()
                if term_id is not None:
                    pairs.add((term_id, int(role)))
            own_cache[seq] = (store_id, credential_id, statement_ref_target(statement), pairs)
        return own_cache[seq]

    def origin_credential(store_id: int, target_id: str | None, pair) -> int | None:
        for _ in range(_MAX_CHAIN):
            if target_id is None:
                return None
            seq = connection.execute(sa.text(
                "SELECT seq FROM statements WHERE store_id = :s AND statement_id = :i"),
                {"s": store_id, "i": target_id}).scalar()
            if seq is None:
                return None
            _, credential_id, next_target, pairs = own(seq)
            if pair in pairs:
                return credential_id
            target_id = next_target
        return None

    for seq in referrers:
        store_id, _, target_id, pairs = own(seq)
        rows = connection.execute(sa.text("SELECT term_id, role FROM statement_index WHERE seq = :seq"),
                                  {"seq": seq}).all()
        inherited = [{"store_id": store_id, "seq": seq, "term_id": term_id, "role": role,
                      "origin": origin_credential(store_id, target_id, (term_id, role))}
                     for term_id, role in rows if (term_id, role) not in pairs]
        if inherited:
            connection.execute(sa.text(
                "INSERT INTO inherited_index (store_id, seq, term_id, role, origin_credential_id) "
                "VALUES (:store_id, :seq, :term_id, :role, :origin)"), inherited)


def downgrade() -> None:
    op.drop_table("term_generation")
    op.drop_index("ix_attachment_uses_seq", "attachment_uses")
    op.drop_table("attachment_uses")
    op.drop_table("inherited_index")
