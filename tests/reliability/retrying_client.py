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
        self.unavailable = 0  # refused connections and 503s: proof the fault hit mid-ingest
        self.failures: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        for number, batch in enumerate(self._batches):
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    response = session.post(f"{self._base_url()}/xapi/statements", json=batch,
                                            headers=self._headers, timeout=30)
                except requests.RequestException:
                    self.unavailable += 1
                    session = requests.Session()
                    time.sleep(0.05)
                    continue
                if response.status_code == 200:
                    if response.json() != [s["id"] for s in batch]:
                        self.failures.append(f"batch {number} answered other ids")
                    self.acknowledged.append(number)
                    break
                if response.status_code != 503 or int(response.headers.get("Retry-After", "0")) < 1:
                    self.failures.append(f"batch {number}: {response.status_code} {response.text[:200]}")
                    return
                self.unavailable += 1
                time.sleep(0.05)
            else:
                self.failures.append(f"batch {number} never acknowledged")
                return
