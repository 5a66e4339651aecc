"""A lean HTTP/1.1 client for the load generators.

The client shares the machine's two cores with the server it measures, so every microsecond it spends
is taken from the server: http.client costs about a tenth of what `requests` does per request. It
keeps the connection open when the server does (gthread workers) and reconnects when it closes it
(sync workers close after each response)."""
from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit


class LeanClient:
    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = 120):
        parts = urlsplit(base_url)
        self._connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self._prefix = parts.path.rstrip("/")
        self._headers = headers

    def request(self, method: str, path: str, *, params: dict | None = None, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        """(status, body) of one request; `path` is below the base URL, or a path with a query string."""
        target = self._prefix + path + ("?" + urlencode(params) if params else "")
        all_headers = {**self._headers, **(headers or {})}
        reused = self._connection.sock is not None
        try:
            self._connection.request(method, target, body=body, headers=all_headers)
            response = self._connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise  # a fresh connection that fails is the server failing, which the caller counts
            # The server closed an idle kept-alive connection between two requests: send it again.
            self._connection.close()
            self._connection.request(method, target, body=body, headers=all_headers)
            response = self._connection.getresponse()
        content = response.read()
        if response.will_close:
            self._connection.close()
        return response.status, content

    def close(self) -> None:
        self._connection.close()
