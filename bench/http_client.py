"""A lean HTTP/1.1 client for the load generators.

The client shares the machine's two cores with the server it measures, so every microsecond it spends
is taken from the server. It writes each request as one buffer on a plain socket and reads the answer
by its status line, Content-Length or chunked framing, with none of http.client's header objects (which
cost about 0.4 ms of client CPU per request on the seventh session's machine, as much as a third of what
the server spent on a SCORM commit). It keeps the connection open when the server does (gthread
workers) and reconnects when the server closes it (sync workers close after each response)."""
from __future__ import annotations

import socket
from urllib.parse import urlencode, urlsplit


class ResponseError(OSError):
    """The server's answer could not be read as HTTP/1.1 (a load generator's error, counted as status 0)."""


class LeanClient:
    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = 120):
        parts = urlsplit(base_url)
        self._address = (parts.hostname, parts.port or 80)
        self._host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
        self._prefix = parts.path.rstrip("/")
        self._headers = headers
        self._timeout = timeout
        self._socket: socket.socket | None = None
        self._buffer = b""
        self._answered = False  # whether any byte of the current answer arrived

    def request(self, method: str, path: str, *, params: dict | None = None, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        """(status, body) of one request; `path` is below the base URL, or a path with a query string."""
        target = self._prefix + path + ("?" + urlencode(params) if params else "")
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self._host}"]
        lines += [f"{name}: {value}" for name, value in {**self._headers, **(headers or {})}.items()]
        if body is not None or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(body or b'')}")
        message = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
        reused = self._socket is not None
        try:
            return self._exchange(message)
        except BaseException as error:
            answered = self._answered
            self.close()  # whatever failed, the connection is out of step: a later request starts afresh
            if not reused or answered or not isinstance(error, ConnectionError):
                raise  # a fresh connection that fails, a timeout or a torn answer is the server's to count
            # The server closed an idle kept-alive connection before reading this request: send it again.
            return self._exchange(message)

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket, self._buffer = None, b""

    # --- one exchange --------------------------------------------------------------------------------

    def _exchange(self, message: bytes) -> tuple[int, bytes]:
        if self._socket is None:
            self._socket = socket.create_connection(self._address, timeout=self._timeout)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._answered = False
        self._socket.sendall(message)
        head = self._until(b"\r\n\r\n")
        status_line, _, header_block = head.partition(b"\r\n")
        version, _, rest = status_line.partition(b" ")
        if not version.startswith(b"HTTP/1.") or not rest[:3].isdigit():
            raise ResponseError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
        status = int(rest[:3])
        fields = {}
        for line in header_block.split(b"\r\n"):
            name, _, value = line.partition(b":")
            fields[name.strip().lower()] = value.strip()
        if b"chunked" in fields.get(b"transfer-encoding", b"").lower():
            content = self._chunked()
        elif b"content-length" in fields:
            if not fields[b"content-length"].isdigit():
                raise ResponseError(f"a Content-Length that is not a number: {fields[b'content-length'][:40]!r}")
            content = self._exactly(int(fields[b"content-length"]))
        elif status in (204, 304) or 100 <= status < 200:
            content = b""
        else:
            content = self._to_end()
        options = {option.strip() for option in fields.get(b"connection", b"").lower().split(b",")}
        if b"close" in options or version == b"HTTP/1.0":
            self.close()
        return status, content

    def _receive(self) -> bytes:
        data = self._socket.recv(65536)
        if not data:
            raise ConnectionResetError("the server closed the connection before the answer ended")
        self._answered = True
        return data

    def _until(self, marker: bytes) -> bytes:
        """The bytes before `marker` (consumed with it)."""
        while True:
            head, found, rest = self._buffer.partition(marker)
            if found:
                self._buffer = rest
                return head
            self._buffer += self._receive()

    def _exactly(self, count: int) -> bytes:
        parts, have = [self._buffer], len(self._buffer)
        while have < count:
            data = self._receive()
            parts.append(data)
            have += len(data)
        whole = b"".join(parts) if len(parts) > 1 else self._buffer
        content, self._buffer = whole[:count], whole[count:]
        return content

    def _chunked(self) -> bytes:
        parts = []
        while True:
            try:
                size = int(self._until(b"\r\n").split(b";", 1)[0], 16)
            except ValueError:
                raise ResponseError("a chunk size that is not hexadecimal") from None
            if size == 0:
                while self._until(b"\r\n"):  # trailer fields, then the empty line
                    pass
                return b"".join(parts)
            parts.append(self._exactly(size))
            self._until(b"\r\n")

    def _to_end(self) -> bytes:
        """A body framed by the connection's end (no length, not chunked)."""
        parts = [self._buffer]
        while data := self._socket.recv(65536):
            parts.append(data)
        self.close()
        return b"".join(parts)
