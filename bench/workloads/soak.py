"""A bounded soak on loopback: --soak-seconds (default 1800) of mixed load (90% statement POSTs in
batches of 10, 10% GETs, and a State PUT/GET loop) from 4 clients, sampling the server's memory."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import orjson
import requests

from bench.environment import auth_headers, create_credential, fresh_database, running_server
from bench.generator import StatementGenerator


def _server_rss_kib(port: int) -> int:
    """Resident memory of every gunicorn process listening for this run (master and workers)."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if f"127.0.0.1:{port}".encode() not in status.read_bytes():
                continue
            for line in (status.parent / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run(arguments, report) -> dict:
    results = {}
    for dialect in arguments.dialects:
        with fresh_database(dialect) as url:
            create_credential(url)
            with running_server(url) as base:
                port = int(base.rsplit(":", 1)[1])
                stop = time.monotonic() + arguments.soak_seconds
                counts = {"post": 0, "get": 0, "state": 0, "errors": 0}
                lock = threading.Lock()

                def client(number: int) -> None:
                    generator = StatementGenerator(seed=100 + number)
                    session = requests.Session()
                    headers = {**auth_headers(), "Content-Type": "application/json"}
                    state = {"activityId": "https://courses.example.com/course/1",
                             "agent": f'{{"mbox":"mailto:soak{number}@example.com"}}', "stateId": "bookmark"}
                    step = 0
                    while time.monotonic() < stop:
                        step += 1
                        try:
                            if step % 10 == 0:
                                response = session.get(f"{base}/xapi/statements", params={"limit": 50},
                                                       headers=headers, timeout=60)
                                kind = "get"
                            elif step % 10 == 5:
                                session.put(f"{base}/xapi/activities/state", params=state, headers=headers,
                                            data=orjson.dumps({"step": step}), timeout=60)
                                response = session.get(f"{base}/xapi/activities/state", params=state,
                                                       headers=headers, timeout=60)
                                kind = "state"
                            else:
                                response = session.post(f"{base}/xapi/statements", headers=headers, timeout=60,
                                                        data=orjson.dumps(generator.batch(10)))
                                kind = "post"
                            ok = response.status_code in (200, 204)
                        except requests.RequestException:
                            kind, ok = "errors", False
                        with lock:
                            counts[kind] += 1
                            counts["errors"] += 0 if ok else 1

                threads = [threading.Thread(target=client, args=(number,)) for number in range(4)]
                for thread in threads:
                    thread.start()
                samples = []
                started = time.monotonic()
                while any(thread.is_alive() for thread in threads):
                    samples.append((round(time.monotonic() - started), _server_rss_kib(port), dict(counts)))
                    report.progress(f"soak {dialect}: {samples[-1][0]} s, server RSS {samples[-1][1] / 1024:.0f} "
                                    f"MiB, {counts}")
                    time.sleep(min(30, max(1, arguments.soak_seconds / 20)))
                for thread in threads:
                    thread.join()
        results[dialect] = {"samples": samples, "counts": counts}
        rows = [(f"{seconds} s", f"{rss / 1024:.0f} MiB", f"{seen['post'] * 10:,}", f"{seen['get']:,}",
                 f"{seen['state']:,}", seen["errors"]) for seconds, rss, seen in samples]
        report.table(f"Soak, {dialect}, {arguments.soak_seconds} s, 4 clients",
                     ("time", "server RSS", "statements", "GETs", "State loops", "errors"), rows)
    return results
