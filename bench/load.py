"""Client-side load helpers the workloads share: threads posting statements, with timings."""
from __future__ import annotations

import threading
import time

from bench.environment import auth_headers
from bench.http_client import LeanClient


def whole_batches(count: int, batch: int) -> int:
    """`count` rounded down to whole batches of `batch`, at least one batch: a part batch would never be
    posted, and a wait for it would never end."""
    return max(batch, count // batch * batch)


def post_all(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float]]:
    """POSTs every body to /xapi/statements from `clients` threads; returns (seconds, latencies in ms)."""
    headers = {**auth_headers(), "Content-Type": "application/json"}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = LeanClient(base, headers)
        mine = []
        for body in bodies[number::clients]:
            started = time.perf_counter()
            status, content = connection.request("POST", "/xapi/statements", body=body)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append(f"{status} {content[:200]!r}")
        connection.close()
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
