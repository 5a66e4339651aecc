"""The load generators' HTTP client (bench/http_client.py) reads each framing HTTP/1.1 allows (RFC 9112
section 6.3: Content-Length, chunked, the connection's end), keeps a connection the server keeps, and sends
again once when the server closed an idle one. Against a real server on loopback (the standard library's)."""
from __future__ import annotations

import itertools
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.http_client import LeanClient


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    connections: list = []  # the serial of the connection each GET came on
    _serials = itertools.count()

    def setup(self) -> None:
        # One handler per connection: a serial of its own (id() of a closed connection's socket can be reused).
        super().setup()
        self.serial = next(_Handler._serials)

    def log_message(self, *_arguments) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._answer(200, b"echo:" + body + b":" + self.headers.get("X-Probe", "").encode())

    def do_GET(self) -> None:
        _Handler.connections.append(self.serial)
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"first ", b"second", b""):
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        elif self.path == "/until-close":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"to the end")
            self.close_connection = True
        elif self.path == "/close":
            self._answer(200, b"closing", close=True)
        elif self.path == "/slow":
            time.sleep(0.3)
            self._answer(200, b"late")
        elif self.path.startswith("/query"):
            self._answer(200, self.path.encode())
        else:
            self._answer(404, b"")

    def _answer(self, status: int, body: bytes, *, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def base():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_each_framing_is_read_whole(base):
    client = LeanClient(base, {"X-Probe": "default"})
    assert client.request("POST", "/echo", body=b"abc") == (200, b"echo:abc:default")
    assert client.request("POST", "/echo", body=b"", headers={"X-Probe": "given"}) == (200, b"echo::given")
    assert client.request("GET", "/chunked") == (200, b"first second")
    assert client.request("GET", "/until-close") == (200, b"to the end")
    assert client.request("GET", "/query", params={"a": "b c", "d": "é"}) == (200, b"/query?a=b+c&d=%C3%A9")
    assert client.request("GET", "/missing") == (404, b"")
    client.close()


def test_a_kept_connection_is_reused_and_a_closed_one_replaced(base):
    client = LeanClient(base, {})
    _Handler.connections.clear()
    client.request("GET", "/query")
    client.request("GET", "/query")
    assert len(set(_Handler.connections)) == 1  # kept alive: one connection for both
    assert client.request("GET", "/close") == (200, b"closing")
    client.request("GET", "/query")
    assert len(set(_Handler.connections)) == 2  # the server closed it: a new one
    client.close()


def test_a_server_that_closed_an_idle_connection_gets_the_request_again(base):
    client = LeanClient(base, {})
    client.request("GET", "/query")
    client._socket.shutdown(2)  # as if the server had closed it while idle
    assert client.request("POST", "/echo", body=b"again") == (200, b"echo:again:")
    client.close()


def test_a_request_that_timed_out_leaves_no_late_answer_for_the_next(base):
    client = LeanClient(base, {}, timeout=0.05)
    with pytest.raises(OSError):
        client.request("GET", "/slow")
    client._timeout = 5
    assert client.request("GET", "/query") == (200, b"/query")  # its own answer, not the slow one's
    client.close()
