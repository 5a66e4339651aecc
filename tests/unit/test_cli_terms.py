"""`lrs terms purge` (issue 10): removes the terms no statement uses, on both dialects, and stays safe
while servers write: no cached id is ever written once its term is gone, and ids are never reused."""
from __future__ import annotations

import json
import threading
import uuid

from click.testing import CliRunner
from sqlalchemy import text

from lrs.cli import main
from lrs.storage.engines import create_engines
from tests.conftest import XapiClient
from tests.factories import agent, issue_credential, statement


def _client(app):
    issued = issue_credential(app.extensions["lrs"], "terms")
    client = XapiClient(app.test_client(), issued.key, issued.secret)
    client.store_id = issued.store_id
    return client


def _sql(database_url: str, sql: str, **parameters):
    engines = create_engines(database_url)
    try:
        with engines.write.begin() as connection:
            return connection.execute(text(sql), parameters).all()
    finally:
        engines.dispose()


def _term_id(database_url: str, value: str):
    rows = _sql(database_url, "SELECT id FROM terms WHERE value = :v", v=value)
    return rows[0][0] if rows else None


def _dangling(database_url: str) -> int:
    return _sql(database_url, "SELECT count(*) FROM statement_index i "
                              "WHERE NOT EXISTS (SELECT 1 FROM terms t WHERE t.id = i.term_id)")[0][0]


def _purge(database_url: str, *options: str):
    result = CliRunner().invoke(main, ["terms", "purge", "--database-url", database_url, *options])
    assert result.exit_code == 0, result.output
    return result


def _erase(app, client, person: dict) -> None:
    app.extensions["lrs"].administration.erase_agent("test:pytest", client.store_id, person, dry_run=False)


def test_help_names_the_dry_run():
    result = CliRunner().invoke(main, ["terms", "purge", "--help"])
    assert result.exit_code == 0 and "--dry-run" in result.output and "Safe while servers run" in result.output


def test_an_erased_agents_terms_are_purged_after_a_dry_run_that_deletes_nothing(app, database_url):
    # docs/security.md (GDPR erasure): after an erasure, the agent's identifier leaves the dictionary too.
    client = _client(app)
    person = agent(f"gone{uuid.uuid4().hex[:8]}")
    activity = f"http://example.com/activities/{uuid.uuid4()}"
    client.post_statements([statement(actor=person, activity=activity)])
    _erase(app, client, {"mbox": person["mbox"]})
    # A later term, so the erased ones are never the largest id (which SQLite keeps, see terms.py).
    client.post_statements([statement(actor=agent(f"later{uuid.uuid4().hex[:8]}"))])
    value = "Ambox|" + person["mbox"]
    assert _term_id(database_url, value) is not None

    dry = _purge(database_url, "--dry-run")
    assert "would delete (dry run)" in dry.stdout and "examined" in dry.stderr
    assert _term_id(database_url, value) is not None

    done = _purge(database_url)
    assert "deleted:" in done.stdout
    assert _term_id(database_url, value) is None
    assert _term_id(database_url, "I" + activity) is None
    assert _dangling(database_url) == 0
    entries = app.extensions["lrs"].administration.audit(limit=5)
    assert [entry.action for entry in entries][:2] == ["terms.purge", "terms.purge_dry_run"]


def test_a_server_with_a_cached_id_of_a_purged_term_interns_it_again(app, database_url):
    # xAPI-Communication 2.1.3: a statement stored after the purge is still found by its agent; the
    # id the server had cached is gone and never reused.
    client = _client(app)
    person = agent(f"back{uuid.uuid4().hex[:8]}")
    client.post_statements([statement(actor=person)])  # this process now caches the agent's term id
    old_id = _term_id(database_url, "Ambox|" + person["mbox"])
    _erase(app, client, {"mbox": person["mbox"]})
    client.post_statements([statement(actor=agent(f"later{uuid.uuid4().hex[:8]}"))])
    _purge(database_url)  # another process: it cannot reach this one's cache
    assert _term_id(database_url, "Ambox|" + person["mbox"]) is None

    [stored] = client.post_statements([statement(actor=person)]).get_json()

    new_id = _term_id(database_url, "Ambox|" + person["mbox"])
    assert new_id is not None and new_id > old_id
    assert client.all_statement_ids(agent=json.dumps(person)) == [stored]
    assert _dangling(database_url) == 0


def test_purges_running_beside_writers_leave_no_index_row_without_its_term(app, database_url):
    # The same under concurrency: writers keep interning new terms while purges delete unused ones.
    client = _client(app)
    writer = client
    stop, written, errors = threading.Event(), [], []

    def write() -> None:
        while not stop.is_set():
            person = agent(f"w{uuid.uuid4().hex[:10]}")
            response = writer.post_statements([statement(actor=person)])
            if response.status_code == 200:
                written.append((person, response.get_json()[0]))
            else:
                errors.append(response.get_data(as_text=True))

    thread = threading.Thread(target=write)
    thread.start()
    try:
        for _ in range(4):
            if written:
                _erase(app, client, {"mbox": written[0][0]["mbox"]})
                written.pop(0)
            _purge(database_url)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert _dangling(database_url) == 0
    for person, statement_id in written[-5:]:
        assert client.all_statement_ids(agent=json.dumps(person)) == [statement_id]
