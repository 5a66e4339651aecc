"""The server secret (issue 10, item 1): never a value anyone else knows. A server started as `make run`
starts it (no LRS_SECRET_KEY) makes a random secret, keeps it in the data directory and refuses tokens
signed with the old published default; published or short secrets stop the server from starting."""
from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import jwt
import pytest
import requests

from lrs.auth.server_secret import SECRET_FILE_NAME, UnsafeSecret, load_or_create_secret
from lrs.settings import Settings

OLD_PUBLIC_SECRET = "dev-only-secret-change-me"
BIN = Path(sys.executable).parent
XAPI = {"X-Experience-API-Version": "1.0.3"}
STRONG = "s" * 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _make_run_environment(port: int, **settings: str) -> dict:
    """The environment `make run` gives gunicorn: LRS_HOST and LRS_PORT, and no other LRS_* setting."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("LRS_")}
    return {**environment, "LRS_HOST": "127.0.0.1", "LRS_PORT": str(port),
            **{f"LRS_{name.upper()}": value for name, value in settings.items()}}


class MakeRunServer:
    """`make migrate` then `make run` in a fresh working directory: SQLite and the data directory under ./var."""

    def __init__(self, workdir: Path, **settings: str):
        self.workdir = workdir
        self.port = _free_port()
        self.environment = _make_run_environment(self.port, **settings)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None

    def lrs(self, *arguments: str) -> str:
        finished = subprocess.run([str(BIN / "lrs"), *arguments], cwd=self.workdir, env=self.environment,
                                  capture_output=True, text=True, timeout=60)
        assert finished.returncode == 0, finished.stderr
        return finished.stdout

    def credential(self) -> tuple[str, str]:
        printed = dict(line.split(": ", 1) for line in self.lrs("credentials", "create", "--name", "tool").splitlines())
        return printed["key"], printed["secret"]

    def start(self) -> "MakeRunServer":
        self._process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "lrs.wsgi:app"], cwd=self.workdir, env=self.environment)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base_url}/xapi/about", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def make_run(tmp_path):
    servers: list[MakeRunServer] = []

    def start(**settings: str) -> MakeRunServer:
        server = MakeRunServer(tmp_path, **settings)
        servers.append(server)
        server.lrs("db", "upgrade")
        return server

    yield start
    for server in servers:
        server.stop()


def _token_signed_with(secret: str, key: str) -> str:
    """A Bearer token as the LRS signed them when LRS_TOKEN_KEYS is unset, before this fix."""
    signing_key = hashlib.sha256(("oauth-token:" + secret).encode()).hexdigest()
    now = int(time.time())
    return jwt.encode({"sub": key, "scope": "all", "iat": now, "exp": now + 600, "aud": "xapi-lrs"},
                      signing_key, algorithm="HS256", headers={"kid": "default"})


def test_a_token_forged_with_the_old_public_secret_is_refused_by_a_make_run_server(make_run):  # xAPI-Communication 4.0
    server = make_run()
    key, secret = server.credential()
    server.start()
    forged = _token_signed_with(OLD_PUBLIC_SECRET, key)
    refused = requests.get(f"{server.base_url}/xapi/statements", headers={**XAPI, "Authorization": f"Bearer {forged}"},
                           timeout=30)
    assert refused.status_code == 401, refused.text
    assert requests.get(f"{server.base_url}/xapi/statements", auth=(key, secret), headers=XAPI,
                        timeout=30).status_code == 200


def test_the_generated_secret_is_kept_private_shared_by_workers_and_survives_a_restart(make_run, tmp_path):
    server = make_run()
    key, secret = server.credential()
    server.start()
    issued = requests.post(f"{server.base_url}/oauth/token", auth=(key, secret),
                           data={"grant_type": "client_credentials", "scope": "all"}, timeout=30)
    assert issued.status_code == 200, issued.text
    bearer = {**XAPI, "Authorization": f"Bearer {issued.json()['access_token']}"}
    statements = [{"actor": {"mbox": f"mailto:learner{number}@example.com"},
                   "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                   "object": {"id": "http://example.com/activity"}} for number in range(3)]
    assert requests.post(f"{server.base_url}/xapi/statements", json=statements, headers=bearer,
                         timeout=30).status_code == 200
    more = requests.get(f"{server.base_url}/xapi/statements", params={"limit": 1}, headers=bearer,
                        timeout=30).json()["more"]
    # Each request is a new connection, so both workers answer some: each must accept the token and cursor.
    for _ in range(12):
        assert requests.get(f"{server.base_url}/xapi/statements", headers=bearer, timeout=30).status_code == 200
        assert requests.get(server.base_url + more, headers=bearer, timeout=30).status_code == 200
    kept = tmp_path / "var" / SECRET_FILE_NAME
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    kept_secret = kept.read_text().strip()
    assert len(kept_secret) >= 32 and kept_secret != OLD_PUBLIC_SECRET

    server.stop()
    server.start()
    assert requests.get(f"{server.base_url}/xapi/statements", headers=bearer, timeout=30).status_code == 200
    assert requests.get(server.base_url + more, headers=bearer, timeout=30).status_code == 200
    assert kept.read_text().strip() == kept_secret


def _secret_in(directory: str) -> str:
    return load_or_create_secret(Path(directory))[0]


def test_processes_racing_to_create_the_secret_all_read_the_same_one(tmp_path):
    data_dir = tmp_path / "data"
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        secrets_read = pool.map(_secret_in, [str(data_dir)] * 32)
    assert len(set(secrets_read)) == 1
    assert sorted(path.name for path in data_dir.iterdir()) == [SECRET_FILE_NAME]  # no temporary file left
    assert load_or_create_secret(data_dir) == (secrets_read[0], f"kept in {data_dir / SECRET_FILE_NAME}")


@pytest.mark.parametrize("value", [OLD_PUBLIC_SECRET, "test-secret", "x" * 31])
def test_a_published_or_short_secret_key_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LRS_SECRET_KEY", value)
    with pytest.raises(UnsafeSecret, match="LRS_SECRET_KEY"):
        Settings.from_env()
    assert not (tmp_path / SECRET_FILE_NAME).exists()


@pytest.mark.parametrize("value", ["default:short", "k1:" + "t" * 40 + ",k2:short", "no-separator", "kid:"])
def test_weak_or_malformed_token_keys_are_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LRS_TOKEN_KEYS", value)
    with pytest.raises(UnsafeSecret, match="LRS_TOKEN_KEYS"):
        Settings.from_env()


def test_a_server_with_the_published_secret_does_not_start(tmp_path):
    environment = _make_run_environment(_free_port(), secret_key=OLD_PUBLIC_SECRET)
    started = subprocess.run([str(BIN / "gunicorn"), "--workers", "1", "--bind", "127.0.0.1:" + environment["LRS_PORT"],
                              "lrs.wsgi:app"], cwd=tmp_path, env=environment, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode != 0
    assert "LRS_SECRET_KEY" in started.stderr and "published" in started.stderr


def test_the_secret_source_is_logged_once_and_the_secret_never(monkeypatch, tmp_path, caplog):
    monkeypatch.delenv("LRS_SECRET_KEY", raising=False)
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    with caplog.at_level(logging.INFO, logger="lrs"):
        settings = Settings.from_env()
    messages = [record.getMessage() for record in caplog.records if "secret" in record.getMessage()]
    assert messages == [f"server secret: generated and kept in {tmp_path / SECRET_FILE_NAME}"]
    assert settings.secret_key not in caplog.text

    monkeypatch.setenv("LRS_SECRET_KEY", STRONG)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="lrs"):
        assert Settings.from_env().secret_key == STRONG
    assert [record.getMessage() for record in caplog.records] == ["server secret: from LRS_SECRET_KEY"]


def test_settings_built_in_code_never_sign_with_a_fixed_value():
    """Settings() without a secret (scripts, benchmarks) gets a random one for this process, not a public string."""
    first, second = Settings(), Settings()
    assert first.secret_key != second.secret_key and len(first.secret_key) >= 32
    assert Settings(secret_key="chosen in a test").secret_key == "chosen in a test"
    assert len(Settings(secret_key="").secret_key) >= 32


def test_the_public_url_defaults_to_the_served_host_and_port(monkeypatch, tmp_path):
    monkeypatch.setenv("LRS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LRS_PUBLIC_URL", raising=False)
    monkeypatch.setenv("LRS_HOST", "127.0.0.1")
    monkeypatch.setenv("LRS_PORT", "9123")
    assert Settings.from_env().public_url == "http://127.0.0.1:9123"
    monkeypatch.setenv("LRS_HOST", "::1")
    assert Settings.from_env().public_url == "http://[::1]:9123"
    monkeypatch.setenv("LRS_PUBLIC_URL", "https://lrs.example.com")
    assert Settings.from_env().public_url == "https://lrs.example.com"
    assert Settings(port=9000).public_url == "http://127.0.0.1:9000"


def test_a_make_run_server_names_its_own_port_in_the_authority(make_run):  # xAPI-Data 2.4.9
    server = make_run()
    key, secret = server.credential()
    server.start()
    statement = {"actor": {"mbox": "mailto:learner@example.com"},
                 "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"}, "object": {"id": "http://example.com/a"}}
    posted = requests.post(f"{server.base_url}/xapi/statements", json=statement, auth=(key, secret), headers=XAPI,
                           timeout=30)
    assert posted.status_code == 200, posted.text
    stored = requests.get(f"{server.base_url}/xapi/statements", params={"statementId": posted.json()[0]},
                          auth=(key, secret), headers=XAPI, timeout=30).json()
    assert stored["authority"]["account"]["homePage"] == f"{server.base_url}/credentials"


def test_a_kept_secret_others_can_read_or_a_damaged_one_stops_the_server(tmp_path):
    secret, _ = load_or_create_secret(tmp_path)
    kept = tmp_path / SECRET_FILE_NAME
    kept.chmod(0o644)
    with pytest.raises(UnsafeSecret, match="other users"):
        load_or_create_secret(tmp_path)
    kept.chmod(0o600)
    kept.write_text("short\n")
    with pytest.raises(UnsafeSecret, match="at least 32"):
        load_or_create_secret(tmp_path)
    assert kept.read_text() == "short\n"  # never silently replaced: tokens and cursors in use depend on it


def test_without_a_writable_data_dir_or_a_secret_key_the_server_does_not_start(tmp_path):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")  # even root cannot make a directory under a file
    with pytest.raises(UnsafeSecret, match="LRS_DATA_DIR"):
        load_or_create_secret(not_a_directory / "var")
