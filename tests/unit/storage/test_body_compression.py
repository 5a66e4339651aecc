"""Statement bodies compressed by the application on PostgreSQL (lrs/storage/body_codec.py, migration
0008; issue 10: ≤ 3 KB per statement on disk), read back exactly as stored on both databases."""
from __future__ import annotations

import orjson
import pytest
from sqlalchemy import text

from lrs.auth.principal import Principal
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.body_codec import compress_body, decompress_body, stored_body
from lrs.storage.migrate import upgrade
from tests.factories import issue_credential, statement


@pytest.fixture
def services(database_url):
    upgrade(database_url)
    built = build_services(Settings(database_url=database_url))
    yield built
    built.close()


def _principal(services, name: str) -> Principal:
    issued = issue_credential(services, name)
    return Principal(issued.credential_id, issued.store_id, name, issued.key, frozenset({"all"}))


def _stored_columns(services, statement_id: str) -> tuple[str, bytes | None]:
    with services.engines.read.connect() as connection:
        body, compressed = connection.execute(text(
            "SELECT body, body_zstd FROM statements WHERE statement_id = :id"), {"id": statement_id}).one()
    return body, None if compressed is None else bytes(compressed)


def test_codec_round_trips_any_text():
    for body in ('{"id":"x"}', '{"actor":{"name":"Zoë 学生 \\ud83d"}}', '{"r":"' + "é" * 50_000 + '"}', ""):
        assert decompress_body(compress_body(body)) == body
        assert stored_body(None, compress_body(body)) == body
    assert stored_body('{"id":"plain"}', None) == '{"id":"plain"}'


def test_codec_refuses_a_format_it_does_not_know():
    with pytest.raises(ValueError, match="unknown statement body format"):
        decompress_body(b"\x02" + compress_body("{}")[1:])


def test_postgresql_stores_bodies_compressed_and_every_read_returns_the_same_text(services, database_url):
    principal = _principal(services, "compression")
    sent = statement(result={"response": "an answer", "duration": "PT4S"})
    [statement_id] = services.statements.store(principal, sent, version="1.0.3")
    body, compressed = _stored_columns(services, statement_id)
    found = services.statements.get_one(principal, services.statements.parse_request({"statementId": statement_id}))
    stored_text = services.statements.query(principal, services.statements.parse_request({"limit": "10"})).bodies[0]
    assert orjson.loads(stored_text)["result"]["response"] == "an answer"
    if database_url.startswith("postgresql"):
        assert body == ""
        assert compressed is not None and len(compressed) < len(stored_text.encode()) / 2
        assert decompress_body(compressed) == stored_text
    else:  # SQLite keeps the text (its disk target is met without the CPU)
        assert compressed is None and body == stored_text
    assert found.body == stored_text


def test_a_body_stored_as_text_before_the_migration_is_still_read(services, database_url):
    principal = _principal(services, "before-0008")
    [statement_id] = services.statements.store(principal, statement(), version="1.0.3")
    original = services.statements.query(principal, services.statements.parse_request({"limit": "1"})).bodies[0]
    # What a server of revision 0007 wrote: the text in `body`, nothing in body_zstd.
    with services.engines.write.begin() as connection:
        connection.execute(text("UPDATE statements SET body = :body, body_zstd = NULL WHERE statement_id = :id"),
                           {"body": original, "id": statement_id})
    again = services.statements.query(principal, services.statements.parse_request({"limit": "1"})).bodies[0]
    assert again == original
    # The same statement sent again is recognised as the one stored (xAPI-Communication 2.1.2.s2.b5).
    sent = orjson.loads(original)
    for lrs_set in ("stored", "authority", "version"):
        sent.pop(lrs_set)
    assert services.statements.store(principal, sent, version="1.0.3") == [statement_id]


def test_a_long_body_is_compressed_too_and_read_back_whole(services, database_url):
    # What migration 0006 gave long bodies through PostgreSQL's own lz4, the application now does for all.
    principal = _principal(services, "long-body")
    answer = "a learner answer, repeated. " * 100
    [statement_id] = services.statements.store(principal, statement(result={"response": answer}), version="1.0.3")
    body, compressed = _stored_columns(services, statement_id)
    found = services.statements.get_one(principal, services.statements.parse_request({"statementId": statement_id}))
    assert orjson.loads(found.body)["result"]["response"] == answer
    if database_url.startswith("postgresql"):
        assert body == "" and len(compressed) < len(found.body.encode()) / 2
    else:
        assert compressed is None and body == found.body
