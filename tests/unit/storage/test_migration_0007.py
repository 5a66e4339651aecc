"""Migration 0007 fills inherited_index and attachment_uses for statements stored before it (issue 10),
on SQLite and on a fresh PostgreSQL database."""
from __future__ import annotations

import uuid

import orjson
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lrs.storage.migrate import upgrade
from lrs.xapi.filter_terms import filter_terms
from tests.conftest import POSTGRES_ADMIN_URL, _psycopg, postgres_available


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    if postgres_available():
        pytest.skip(postgres_available())
    name = f"lrs_m0007_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_psycopg(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(_psycopg(POSTGRES_ADMIN_URL)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_statements_stored_before_0007_get_their_inherited_rows_and_attachment_uses(fresh_url):
    # xAPI-Communication 2.1.3.s3 (what a referrer inherits) and 1.5.2 (attachments by sha2).
    upgrade(fresh_url, "0006")
    target = {"id": str(uuid.uuid4()), "actor": {"mbox": "mailto:kim@example.com"},
              "verb": {"id": "http://example.com/verbs/did"}, "object": {"id": "http://example.com/a"},
              "attachments": [{"usageType": "http://example.com/u", "display": {"en-US": "n"},
                               "contentType": "text/plain", "length": 1, "sha2": "AB" * 32}]}
    referrer = {"id": str(uuid.uuid4()), "actor": {"mbox": "mailto:bob@example.com"},
                "verb": {"id": "http://example.com/verbs/saw"},
                "object": {"objectType": "StatementRef", "id": target["id"]}}
    engine = create_engine(_psycopg(fresh_url))
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO stores (id, name, enabled, created_ms) VALUES (1, 's', true, 0)"))
        for seq, (statement, credential) in enumerate(((target, 7), (referrer, 8)), start=1):
            connection.execute(text(
                "INSERT INTO statements (seq, store_id, statement_id, stored_ms, voided, credential_id, body) "
                "VALUES (:seq, 1, :id, :seq, false, :credential, :body)"),
                {"seq": seq, "id": statement["id"], "credential": credential, "body": orjson.dumps(statement).decode()})
        # As the old code stored them: the referrer's own rows plus a copy of the target's.
        rows = [(1, term) for term in filter_terms(target)] + [(2, term) for term in filter_terms(referrer)]
        rows += [(2, term) for term in filter_terms(target) if term not in filter_terms(referrer)]
        for seq, (value, role) in rows:
            connection.execute(text("INSERT INTO terms (value) SELECT :v WHERE NOT EXISTS "
                                    "(SELECT 1 FROM terms WHERE value = :v)"), {"v": value})
            connection.execute(text("INSERT INTO statement_index (store_id, term_id, role, stored_ms, seq) "
                                    "SELECT 1, id, :role, :seq, :seq FROM terms WHERE value = :v"),
                               {"v": value, "role": int(role), "seq": seq})
        connection.execute(text("INSERT INTO statement_refs (store_id, target_statement_id, referrer_seq) "
                                "VALUES (1, :t, 2)"), {"t": target["id"]})
    engine.dispose()

    upgrade(fresh_url)

    engine = create_engine(_psycopg(fresh_url))
    with engine.connect() as connection:
        inherited = connection.execute(text(
            "SELECT t.value, h.role, h.origin_credential_id FROM inherited_index h JOIN terms t ON t.id = h.term_id "
            "WHERE h.seq = 2")).all()
        uses = connection.execute(text("SELECT store_id, sha2, seq FROM attachment_uses")).all()
        generation = connection.execute(text("SELECT generation FROM term_generation")).all()
    engine.dispose()
    expected = {(value, int(role), 7) for value, role in filter_terms(target) - filter_terms(referrer)}
    assert set(inherited) == expected
    assert uses == [(1, "ab" * 32, 1)]
    assert generation == [(0,)]
