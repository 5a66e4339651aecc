"""SQLite's embedded runner under gunicorn (issue 15: "the embedded default runs the same handlers without
any extra server"): the handlers run in one child process of one worker, at a lower CPU priority, never in
the serving processes' threads (docs/automation.md, Running); when that worker dies, its child ends and
another worker starts a new one, which handles the events stored meanwhile."""
from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
import requests

from automation.progress import Progress
from automation.runner_process import RUNNER_NICE
from lrs.services.container import build_services
from lrs.settings import Settings
from lrs.storage.migrate import upgrade
from tests.conftest import SERVER_SECRET, run_server
from tests.factories import issue_credential, statement

pytestmark = pytest.mark.e2e


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _runners(master: int) -> dict[int, int]:
    """runner process id -> the worker it is a child of."""
    return {child: worker for worker in _children(master) for child in _children(worker)
            if "automation.runner_process" in _command(child)}


def _wait(what, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"not within {seconds:.0f} s: {what.__doc__ or what}")


def test_the_handlers_run_in_one_lower_priority_child_process_that_another_worker_restarts(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    upgrade(database_url)
    services = build_services(Settings(database_url=database_url, secret_key=SERVER_SECRET))
    credential = issue_credential(services, "runner")
    server = run_server(database_url, workers=2, automation_runner="embedded", data_dir=str(tmp_path))
    base_url = next(server)
    try:
        # This test's server: the test process may run other tests' servers too (session fixtures).
        bind = "127.0.0.1:" + base_url.rsplit(":", 1)[1]
        master = next(pid for pid in _children(os.getpid()) if "gunicorn" in _command(pid) and bind in _command(pid))
        auth = (credential.key, credential.secret)
        headers = {"X-Experience-API-Version": "1.0.3"}
        for _ in range(4):  # each worker's first request starts its supervisor
            assert requests.get(f"{base_url}/xapi/about", timeout=10).status_code == 200

        runners = _wait(lambda: _runners(master))
        assert len(runners) == 1, runners  # one runner for the whole server
        (runner, worker), = runners.items()
        _wait(lambda: os.getpriority(os.PRIO_PROCESS, runner) == RUNNER_NICE)  # its first step

        progress = Progress(services.engines)

        def handled() -> bool:
            """every event handed over: each workflow handler's cursor at the outbox head"""
            head = services.events.head()
            states = {name: state for name, state in progress.states().items() if name.startswith("workflows.")}
            return bool(states) and all(state.cursor >= head for state in states.values())

        posted = requests.post(f"{base_url}/xapi/statements", json=statement(), auth=auth, headers=headers,
                               timeout=10)
        assert posted.status_code == 200, posted.text
        _wait(handled)

        # The supervising worker dies: its child ends, and a worker that serves requests starts another (each
        # worker becomes a candidate with its first request).
        os.kill(worker, signal.SIGKILL)
        _wait(lambda: not _command(runner))

        def replaced_runner() -> dict[int, int]:
            """a new runner process, under another worker"""
            requests.get(f"{base_url}/xapi/about", timeout=10)
            return {pid: parent for pid, parent in _runners(master).items() if pid != runner}
        replaced = _wait(replaced_runner)
        assert len(replaced) == 1 and worker not in replaced.values(), replaced

        # Events stored while no runner ran are handled by the new one.
        for _ in range(3):
            body = statement(actor={"mbox": f"mailto:{uuid.uuid4().hex}@example.com", "objectType": "Agent"})
            response = requests.post(f"{base_url}/xapi/statements", json=body, auth=auth, headers=headers,
                                     timeout=10)
            assert response.status_code == 200, response.text
        _wait(handled)
    finally:
        next(server, None)
        services.close()
