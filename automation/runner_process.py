"""The embedded runner's process (`python -m automation.runner_process`): started and kept by one worker
of a SQLite server (automation/embedded.py), with that server's environment. It builds the services and
the automation core from the environment as lrs/wsgi.py does, lowers its CPU priority, and runs the
handlers until it is told to stop (SIGTERM) or the worker that started it is gone."""
from __future__ import annotations

import logging
import os
import signal

# Its nice value: under load the serving workers get the CPU, and the handlers catch up when ingest quiets
# down (Linux gives nice 10 about a tenth of a busy nice-0 process's share).
RUNNER_NICE = 10


def _log_as_the_server() -> None:
    """Lines in the server's LRS_LOG_FORMAT, on stderr as gunicorn's are."""
    from lrs.operations.log_format import StderrHandler, formatter
    from lrs.operations.settings import OperationsSettings
    handler = StderrHandler()
    handler.setFormatter(formatter(OperationsSettings.from_env().log_format))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    logging.getLogger("automation").setLevel(logging.INFO)


def main() -> None:
    os.nice(RUNNER_NICE)  # first: importing the app is work too
    _log_as_the_server()
    from automation.container import build_automation
    from lrs.services.container import build_services
    from lrs.settings import Settings
    settings = Settings.from_env()
    services = build_services(settings)
    automation = build_automation(settings, services)
    runner = automation.embedded
    if runner is None:  # this deployment does not run the handlers here (LRS_AUTOMATION_RUNNER)
        services.close()
        return
    from lrs.operations.garbage_collection import settle_long_lived_objects
    settle_long_lived_objects()
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    parent = os.environ.get("LRS_AUTOMATION_PARENT_PID")
    try:
        runner.run_forever(parent_pid=int(parent) if parent else None)
    finally:
        services.close()


if __name__ == "__main__":
    main()
