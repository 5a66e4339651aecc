"""`lrs courses import|inspect|list|delete` (launch-api.md, Command line)."""
from __future__ import annotations

import zipfile

import orjson
import pytest
from click.testing import CliRunner

from lrs.cli import main
from tests.unit.delivery.support import GOLF_2004, MANIFEST_12, SCORM_FIXTURES, tiny_scorm_zip


@pytest.fixture
def environment(sqlite_database_url, tmp_path, monkeypatch):
    from lrs.storage.migrate import upgrade
    upgrade(sqlite_database_url)
    monkeypatch.setenv("LRS_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LRS_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("LRS_SECRET_KEY", "cli tests sign with this long enough secret of theirs")
    return tmp_path


def _run(*arguments: str):
    return CliRunner().invoke(main, list(arguments), catch_exceptions=False)


@pytest.mark.parametrize("command", [[], ["import"], ["inspect"], ["list"], ["delete"]])
def test_every_courses_command_has_help(command):
    result = _run("courses", *command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_import_prints_the_course_then_list_and_delete(environment):
    package = environment / "tiny.zip"
    package.write_bytes(tiny_scorm_zip())
    result = _run("courses", "import", str(package), "--store", "cli-store", "--title", "From the shell")
    assert result.exit_code == 0, result.output
    course = orjson.loads(result.output)
    assert course["title"] == "From the shell" and course["standard"] == "scorm12" and len(course["launchables"]) == 2
    listed = _run("courses", "list", "--store", "cli-store")
    assert listed.exit_code == 0 and course["id"] in listed.output
    assert (environment / "content" / course["id"] / "one.html").exists()
    deleted = _run("courses", "delete", course["id"])
    assert deleted.exit_code == 0 and not (environment / "content" / course["id"]).exists()
    assert course["id"] not in _run("courses", "list", "--store", "cli-store").output
    assert _run("courses", "delete", course["id"]).exit_code == 1


def test_an_invalid_import_prints_the_rule_and_exits_1(environment):
    result = CliRunner().invoke(main, ["courses", "import", str(SCORM_FIXTURES / "edge_MalformedXml_SCORM12.zip")])
    assert result.exit_code == 1 and "rule: SCORM CAM" in result.output


def test_inspect_prints_structure_standard_and_edition_and_stores_nothing(environment):
    result = _run("courses", "inspect", str(GOLF_2004))
    assert result.exit_code == 0, result.output
    parsed = orjson.loads(result.output)
    assert parsed["standard"] == "scorm2004" and parsed["edition"] == "3rd" and isinstance(parsed["structure"], dict)
    assert not (environment / "content").exists() or not any(
        path.name[0] != "." for path in (environment / "content").iterdir())


def test_inspect_of_a_bare_manifest_checks_the_manifest_alone(environment):
    # launch-api.md, SCORM specifics: manifest-only packages import as 400 but inspect cleanly.
    manifest = environment / "imsmanifest.xml"
    manifest.write_bytes(MANIFEST_12)
    result = _run("courses", "inspect", str(manifest))
    assert result.exit_code == 0 and orjson.loads(result.output)["standard"] == "scorm12"
    minimal = SCORM_FIXTURES / "edge_MinimalValid_SCORM20043rdEdition.zip"
    assert _run("courses", "inspect", str(minimal)).exit_code == 0
    assert CliRunner().invoke(main, ["courses", "inspect", "--check-files", str(minimal)]).exit_code == 1


def test_inspect_of_an_invalid_package_prints_message_and_rule_and_exits_1(environment):
    result = CliRunner().invoke(main, ["courses", "inspect", str(SCORM_FIXTURES / "edge_MalformedXml_SCORM12.zip")])
    assert result.exit_code == 1
    assert "invalid package:" in result.output and "rule: SCORM CAM" in result.output
    not_a_package = environment / "notes.zip"
    with zipfile.ZipFile(not_a_package, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = CliRunner().invoke(main, ["courses", "inspect", str(not_a_package)])
    assert result.exit_code == 1 and "imsmanifest.xml" in result.output


@pytest.mark.parametrize("name, standard, edition", [
    ("edge_MinimalValid_SCORM20043rdEdition.zip", "scorm2004", "3rd"),
    ("edge_AdlAttributes_SCORM20043rdEdition.zip", "scorm2004", "3rd"),
    ("edge_ComplexNestedOrganization_SCORM12.zip", "scorm12", None),
])
def test_manifest_only_edge_packages_inspect_cleanly(name, standard, edition):
    # issue 11, Real packages: they are 400 on import (launch files missing) and parse with `lrs courses inspect`
    result = _run("courses", "inspect", str(SCORM_FIXTURES / name))
    assert result.exit_code == 0, result.output
    parsed = orjson.loads(result.output)
    assert (parsed["standard"], parsed["edition"]) == (standard, edition) and parsed["launchables"]


def _with_sequencing(node: dict) -> int:
    return bool(node.get("sequencing")) + sum(_with_sequencing(child) for child in node.get("items", []))


def test_every_adl_cts_manifest_inspects_and_keeps_its_sequencing(tmp_path):
    # issue 11, Real packages: all 126 manifests of adl_cts4ed_lms_manifests_shared.zip parse with
    # `lrs courses inspect`, keeping their sequencing data (SCORM CAM 5.1.1) for the sequencing engine
    with zipfile.ZipFile(SCORM_FIXTURES / "adl_cts4ed_lms_manifests_shared.zip") as bundle:
        manifests = {name.split("/")[0]: bundle.read(name) for name in bundle.namelist()
                     if name.endswith("/imsmanifest.xml")}
    assert len(manifests) == 126
    for package, manifest in sorted(manifests.items()):
        path = tmp_path / package / "imsmanifest.xml"
        path.parent.mkdir()
        path.write_bytes(manifest)
        result = _run("courses", "inspect", str(path))
        assert result.exit_code == 0, (package, result.output)
        parsed = orjson.loads(result.output)
        assert (parsed["standard"], parsed["edition"]) == ("scorm2004", "4th"), package
        declares_sequencing = b"<imsss:sequencing" in manifest or b"<sequencing" in manifest
        assert bool(_with_sequencing(parsed["structure"])) == declares_sequencing, package
