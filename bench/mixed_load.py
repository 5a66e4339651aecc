"""Mixed load for the `mix` and `soak` workloads: client threads sending statement POSTs and GETs in a
fixed ratio, plus one client looping over the State API (PUT then GET of a bookmark), until a deadline."""
from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field

import orjson

from bench.environment import auth_headers
from bench.generator import StatementGenerator
from bench.http_client import LeanClient

KINDS = ("post", "get", "state")


@dataclass
class MixedLoad:
    base: str
    seconds: float
    clients: int = 4
    post_batch: int = 1  # statements per POST; 1 is how SCORM and cmi5 content sends them
    get_every: int = 10  # every tenth request of a statement client is a GET: 90/10
    latencies: dict = field(default_factory=lambda: {kind: [] for kind in KINDS})
    errors: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def counts(self) -> dict:
        with self._lock:
            return {**{kind: len(values) for kind, values in self.latencies.items()}, "errors": len(self.errors)}

    def run(self, while_running=None) -> float:
        """Runs the load; `while_running()` is called about every second until it ends. Returns seconds."""
        stop = time.monotonic() + self.seconds
        threads = [threading.Thread(target=self._statement_client, args=(number, stop))
                   for number in range(self.clients)]
        threads.append(threading.Thread(target=self._state_client, args=(stop,)))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            if while_running is not None:
                while_running()
            time.sleep(1)
        for thread in threads:
            thread.join()
        return time.perf_counter() - started

    def _record(self, kind: str, started: float, status: int, body: bytes, expected=(200, 204)) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.latencies[kind].append(elapsed)
            if status not in expected:
                self.errors.append(f"{kind}: {status} {body[:200]!r}")

    @staticmethod
    def _send(client: LeanClient, method: str, path: str, **options) -> tuple[int, bytes]:
        """A request whose connection fails counts as an error (status 0) instead of ending the client."""
        try:
            return client.request(method, path, **options)
        except (OSError, http.client.HTTPException) as error:
            return 0, repr(error).encode()

    def _statement_client(self, number: int, stop: float) -> None:
        generator = StatementGenerator(seed=100 + number)
        client = LeanClient(self.base, {**auth_headers(), "Content-Type": "application/json"})
        step = 0
        while time.monotonic() < stop:
            step += 1
            if step % self.get_every == 0:
                started = time.perf_counter()
                status, body = self._send(client, "GET", "/xapi/statements", params={"limit": 100})
                self._record("get", started, status, body)
            else:
                payload = generator.batch(self.post_batch) if self.post_batch > 1 else generator.statement()
                encoded = orjson.dumps(payload)
                started = time.perf_counter()
                status, body = self._send(client, "POST", "/xapi/statements", body=encoded)
                self._record("post", started, status, body)
        client.close()

    def _state_client(self, stop: float) -> None:
        client = LeanClient(self.base, {**auth_headers(), "Content-Type": "application/json"})
        state = {"activityId": "https://courses.example.com/course/1",
                 "agent": '{"mbox":"mailto:mixed-load@example.com"}', "stateId": "bookmark"}
        step = 0
        while time.monotonic() < stop:
            step += 1
            started = time.perf_counter()
            status, body = self._send(client, "PUT", "/xapi/activities/state", params=state,
                                      body=orjson.dumps({"step": step}))
            if status == 204:
                status, body = self._send(client, "GET", "/xapi/activities/state", params=state)
                if status == 200 and orjson.loads(body) != {"step": step}:
                    status, body = 0, b"State GET did not return the document just PUT"
            self._record("state", started, status, body)
        client.close()
