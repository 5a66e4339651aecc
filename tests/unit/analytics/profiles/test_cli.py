"""`lrs profiles`: import FILE --store NAME, list, mode, categories (issue 14: the CLI import)."""
from __future__ import annotations

from click.testing import CliRunner

from lrs.cli import main
from tests.unit.analytics.profiles.builders import PUBLISHED


def test_import_list_and_mode_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "--database-url", url]).exit_code == 0
    assert runner.invoke(main, ["stores", "create", "courses", "--database-url", url]).exit_code == 0

    result = runner.invoke(main, ["profiles", "import", str(PUBLISHED / "video-v1.0.3.jsonld"), "--store", "courses",
                                  "--database-url", url])
    assert result.exit_code == 0, result.output
    assert "imported: https://w3id.org/xapi/video/v1.0.3" in result.output
    again = runner.invoke(main, ["profiles", "import", str(PUBLISHED / "video-v1.0.3.jsonld"), "--store", "courses",
                                 "--database-url", url])
    assert "already imported" in again.output

    mode = runner.invoke(main, ["profiles", "mode", "enforce", "--store", "courses", "--database-url", url])
    assert mode.exit_code == 0, mode.output
    listed = runner.invoke(main, ["profiles", "list", "--store", "courses", "--database-url", url])
    assert "mode: enforce" in listed.output and "https://w3id.org/xapi/video/v1.0.3" in listed.output


def test_a_malformed_profile_is_refused_with_the_requirement_and_status_1(tmp_path, monkeypatch):
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade", "--database-url", url]).exit_code == 0
    assert runner.invoke(main, ["stores", "create", "courses", "--database-url", url]).exit_code == 0
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{"@context": "https://w3id.org/xapi/profiles/context", "id": "https://example.org/p", '
                   '"type": "Profile"}')
    result = runner.invoke(main, ["profiles", "import", str(bad), "--store", "courses", "--database-url", url])
    assert result.exit_code == 1
    assert "requirement: xAPI Profiles Part Two §6.0" in result.output
    missing = runner.invoke(main, ["profiles", "import", str(bad), "--store", "nowhere", "--database-url", url])
    assert missing.exit_code == 1 and "no store named 'nowhere'" in missing.output
