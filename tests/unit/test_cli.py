"""The `lrs` command line: every command has --help, and credentials really open the LRS."""
from __future__ import annotations

import base64
import re

import click
import pytest
from click.testing import CliRunner

from lrs.cli import main


def _all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from _all_commands(command, prefix + (name,))


@pytest.mark.parametrize("path", [()] + list(_all_commands(main)))
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_db_upgrade_then_credentials_create_opens_the_api(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()  # click 8.2+: stderr apart in result.stderr
    upgraded = runner.invoke(main, ["db", "upgrade", "--database-url", url])
    assert upgraded.exit_code == 0
    # Every migration branch says where it stands, not only the LRS's and delivery's.
    for branch in ("lrs", "delivery", "automation", "workflows", "profiles"):
        assert re.search(rf"\b{branch} [0-9a-z]+\b", upgraded.stderr), upgraded.stderr
    result = runner.invoke(main, ["credentials", "create", "--database-url", url, "--name", "tool",
                                  "--key", "tool-key", "--secret", "tool-secret"])
    assert result.exit_code == 0, result.output
    assert "key: tool-key" in result.output and "secret: tool-secret" in result.output

    assert _status_with(url, "tool-key", "tool-secret") == 200


def _status_with(database_url: str, key: str, secret: str) -> int:
    """The status of GET /xapi/statements with these Basic credentials, on a server for the database."""
    from lrs.app import create_app
    from lrs.settings import Settings
    app = create_app(Settings(database_url=database_url))
    try:
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        return app.test_client().get("/xapi/statements", headers={
            "Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}).status_code
    finally:
        app.extensions["lrs"].close()


def test_generated_secret_is_printed_once_and_works(tmp_path):
    url = f"sqlite:///{tmp_path / 'gen.sqlite3'}"
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade", "--database-url", url])
    result = runner.invoke(main, ["credentials", "create", "--database-url", url, "--name", "tool"])
    lines = dict(line.split(": ", 1) for line in result.output.strip().splitlines())
    assert len(lines["secret"]) >= 32
    assert _status_with(url, lines["key"], lines["secret"]) == 200
    assert _status_with(url, lines["key"], lines["secret"][:-1]) == 401


def test_stores_credentials_erasure_and_audit_from_the_cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    runner = CliRunner()

    def run(*arguments):
        result = runner.invoke(main, [*arguments, "--database-url", url])
        assert result.exit_code == 0, result.output
        return result.output

    run("db", "upgrade")
    assert "store 1: acme" in run("stores", "create", "acme")
    created = run("credentials", "create", "--store", "acme", "--name", "tool", "--key", "k1", "--secret", "s1",
                  "--scopes", "statements/write statements/read")
    assert "key: k1" in created
    assert "k1\tactive\tstatements/read statements/write\ttool" in run("credentials", "list", "--store-id", "1")
    assert "secret: " in run("credentials", "rotate", "1")
    assert "revoked" in run("credentials", "revoke", "1")
    assert "revoked" in run("credentials", "list", "--store-id", "1")
    assert "disabled" in run("stores", "disable", "1") and "disabled" in run("stores", "list")
    assert "would delete (dry run): 0 statements" in run("erase", "--store-id", "1", "--agent",
                                                         '{"mbox": "mailto:kim@example.com"}')
    log = run("audit", "list")
    for action in ("store.create", "credential.create", "credential.rotate", "credential.revoke",
                   "store.change", "erasure.dry_run"):
        assert action in log
    refused = runner.invoke(main, ["credentials", "create", "--database-url", url, "--name", "x",
                                   "--scopes", "statements/delete"])
    assert refused.exit_code != 0 and "unknown scope" in refused.output
