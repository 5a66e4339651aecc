"""Client-side load helpers the workloads share: threads posting or getting, with timings."""
from __future__ import annotations

import threading
import time

import requests

from bench.environment import auth_headers


def post_all(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float]]:
    """POSTs every body to /xapi/statements from `clients` threads; returns (seconds, latencies in ms)."""
    headers = {**auth_headers(), "Content-Type": "application/json"}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        session = requests.Session()
        mine = []
        for body in bodies[number::clients]:
            started = time.perf_counter()
            response = session.post(f"{base}/xapi/statements", data=body, headers=headers, timeout=120)
            mine.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.text[:200]}")
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, first: {errors[0]}")
    return elapsed, latencies
