"""A batch-ingest client that retries each unacknowledged batch with the same statement ids, as a
careful client does when the server or the database goes away (the reliability tests share it)."""
from __future__ import annotations

import time
from typing import Callable

import requests


class RetryingIngest:
    def __init__(self, base_url: Callable[[], str], headers: dict, batches: list[list[dict]]):
        self._base_url = base_url  # a callable, since a restarted server may listen elsewhere
        self._headers = headers
        self._batches = batches
        self.acknowledged: list[int] = []
        self.unavailable = 0  # refused connections, cut-off requests and 503s
        self.refused = 0  # no server listening: the connection was never made
        self.cut_off = 0  # connected, then the connection died before an answer: a request cut mid-send
        self.busy = 0  # 503 with Retry-After: the server was up and the database was not
        self.in_flight = False  # a request is on its way: a fault injected now lands mid-request
        self.failures: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        for number, batch in enumerate(self._batches):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                self.in_flight = True
                try:
                    response = session.post(f"{self._base_url()}/xapi/statements", json=batch,
                                            headers=self._headers, timeout=30)
                except requests.RequestException as error:
                    self.unavailable += 1
                    if _refused(error):
                        self.refused += 1
                    else:
                        self.cut_off += 1
                    session = requests.Session()
                    time.sleep(0.05)
                    continue
                finally:
                    self.in_flight = False
                if response.status_code == 200:
                    if response.json() != [s["id"] for s in batch]:
                        self.failures.append(f"batch {number} answered other ids")
                    self.acknowledged.append(number)
                    break
                if response.status_code != 503 or int(response.headers.get("Retry-After", "0")) < 1:
                    self.failures.append(f"batch {number}: {response.status_code} {response.text[:200]}")
                    return
                self.unavailable += 1
                self.busy += 1
                time.sleep(0.05)
            else:
                self.failures.append(f"batch {number} never acknowledged")
                return


def _refused(error: requests.RequestException) -> bool:
    """True when no connection was made (nothing listening), False when a made one died."""
    cause: BaseException | None = error
    for _ in range(10):  # requests wraps urllib3, which wraps the socket error
        if cause is None or isinstance(cause, ConnectionRefusedError):
            break
        cause = cause.__context__ or cause.__cause__ or next(
            (argument for argument in cause.args if isinstance(argument, BaseException)), None)
    return isinstance(cause, ConnectionRefusedError)
