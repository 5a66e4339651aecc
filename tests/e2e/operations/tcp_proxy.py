"""A small TCP proxy between a server and its database, so a test can take the database away from that
server alone: `cut()` drops every connection and closes each new one at once, `freeze()` passes nothing
either way (a dead network: nothing answers, nothing refuses), `restore()` forwards again."""
from __future__ import annotations

import socket
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._mode = "forward"
        self._flowing = threading.Event()
        self._flowing.set()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            self._mode = "cut"
            self._flowing.set()
            self._close_all()

    def freeze(self) -> None:
        with self._lock:
            self._mode = "freeze"
            self._flowing.clear()

    def restore(self) -> None:
        with self._lock:
            self._mode = "forward"
            self._flowing.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()

    def _close_all(self) -> None:
        for each in self._sockets:
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            each.close()
        self._sockets.clear()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            with self._lock:
                mode = self._mode
            if mode == "cut":
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, destination), daemon=True).start()

    def _pump(self, source: socket.socket, destination: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._flowing.wait()  # frozen: the bytes wait here, as on a network that lost them for now
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for each in (source, destination):
                try:
                    each.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
