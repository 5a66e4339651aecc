"""An export interrupted half way resumes from its cursor with no gap and no duplicate (issue 14), through
the real server (gunicorn) and through `lrs export` / `lrs import`, on SQLite and PostgreSQL."""
from __future__ import annotations

import orjson
import requests
from click.testing import CliRunner

from lrs.cli import main
from tests.factories import agent, issue_credential, statement

EXPORT = "/api/v1/exports/statements"
# More than one page of the export's keyset reads (2,000), so the interruption falls past a page boundary.
STATEMENTS = 4500


def _fill(xapi, count: int) -> None:
    for start in range(0, count, 900):
        batch = [statement(actor=agent(f"learner{number % 37}"), verb=f"http://example.com/verbs/v{number % 5}")
                 for number in range(start, min(count, start + 900))]
        assert xapi.post_statements(batch).status_code == 200


def test_an_interrupted_export_resumes_from_its_cursor_without_gaps_or_duplicates(live_server, xapi):
    _fill(xapi, STATEMENTS)
    headers = {"Authorization": xapi.headers["Authorization"]}
    complete = requests.get(live_server + EXPORT, headers=headers, timeout=120).text.splitlines()
    assert len(complete) == STATEMENTS

    received = []
    with requests.get(live_server + EXPORT, headers=headers, stream=True, timeout=120) as interrupted:
        for line in interrupted.iter_lines():
            received.append(line.decode())
            if len(received) == 2300:
                break  # the connection is dropped here, mid-stream
    cursor = orjson.loads(received[-1])["id"]
    rest = requests.get(live_server + EXPORT, headers=headers, params={"cursor": cursor}, timeout=120)
    assert rest.status_code == 200
    resumed = received + rest.text.splitlines()
    assert resumed == complete
    assert len({orjson.loads(line)["id"] for line in resumed}) == STATEMENTS


def test_cli_export_and_import_round_trip_with_plain_progress_lines(app, database_url, xapi, store_credential,
                                                                    tmp_path, monkeypatch):
    _fill(xapi, 2100)
    services = app.extensions["lrs"]
    source = services.administration.store(store_credential.store_id).name
    target = issue_credential(services, "cli import target")
    target_name = services.administration.store(target.store_id).name
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    exported = runner.invoke(main, ["export", "--database-url", database_url, "--store", source,
                                    "--voided", "include", "--output", "all.jsonl"])
    assert exported.exit_code == 0, exported.output
    assert "export: 2,100/2,100 statements" in exported.stderr and "/s" in exported.stderr
    imported = runner.invoke(main, ["import", "--database-url", database_url, "--store", target_name,
                                    "all.jsonl"])
    assert imported.exit_code == 0, imported.output
    assert "2,100 statements stored, 0 already stored" in imported.stderr
    again = runner.invoke(main, ["export", "--database-url", database_url, "--store", target_name,
                                 "--voided", "include", "--output", "copy.jsonl"])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "all.jsonl").read_bytes() == (tmp_path / "copy.jsonl").read_bytes()
    # Half the file, then a resume with --cursor and --append, gives the same file.
    lines = (tmp_path / "all.jsonl").read_bytes().splitlines(keepends=True)
    with open("half.jsonl", "wb") as half:
        half.writelines(lines[:1000])
    resumed = runner.invoke(main, ["export", "--database-url", database_url, "--store", source,
                                   "--voided", "include", "--output", "half.jsonl", "--append",
                                   "--cursor", orjson.loads(lines[999])["id"]])
    assert resumed.exit_code == 0, resumed.output
    assert (tmp_path / "half.jsonl").read_bytes() == b"".join(lines)
    missing = runner.invoke(main, ["export", "--database-url", database_url, "--store", "no such store"])
    assert missing.exit_code != 0 and "no store named" in missing.output
