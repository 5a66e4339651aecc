"""A reference receiver of forwarded statements: checks X-LRS-Signature (and its timestamp), keeps each
statement once by id as an LRS would, and remembers when each arrived. The tests and `bench forward` use
it; operators can point a subscription at it to see what their receiver will get."""
from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson

from automation.forwarding.signing import SIGNATURE_HEADER, verify


class RecordingReceiver:
    def __init__(self, secrets_by_subscription: dict[str, str] | None = None, *, host: str = "127.0.0.1",
                 tolerance_seconds: int = 300):
        self.secrets = dict(secrets_by_subscription or {})
        self.tolerance_seconds = tolerance_seconds
        self.lock = threading.Lock()
        self.statements: dict[str, list[dict]] = {}   # subscription id -> statements in arrival order
        self.arrived_at: dict[str, float] = {}        # statement id -> time.time() of first arrival
        self.sent = Counter()                         # (subscription id, statement id) -> times sent
        self.requests = 0
        self.refused = 0
        self.answer_status = 200                      # set to 503 to play a receiver that is down
        self.answer_delay_seconds = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver._receive(self.headers, body)
                if receiver.answer_delay_seconds:
                    time.sleep(receiver.answer_delay_seconds)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/statements"

    def __enter__(self) -> "RecordingReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _receive(self, headers, body: bytes) -> int:
        subscription = headers.get("X-LRS-Subscription", "")
        with self.lock:
            self.requests += 1
            if self.answer_status != 200:
                return self.answer_status
            secret = self.secrets.get(subscription)
            if secret is None or not verify(secret, body, headers.get(SIGNATURE_HEADER, ""),
                                            tolerance_seconds=self.tolerance_seconds):
                self.refused += 1
                return 401
            now = time.time()
            for statement in orjson.loads(body):
                key = (subscription, statement["id"])
                self.sent[key] += 1
                if self.sent[key] == 1:
                    self.statements.setdefault(subscription, []).append(statement)
                    self.arrived_at.setdefault(statement["id"], now)
            return 200

    def ids(self, subscription_id) -> list[str]:
        with self.lock:
            return [statement["id"] for statement in self.statements.get(str(subscription_id), [])]

    def resent(self) -> int:
        """Statements sent more than once (a batch in flight when its worker died is sent again)."""
        with self.lock:
            return sum(count - 1 for count in self.sent.values())
