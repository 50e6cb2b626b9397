"""Small HTTP servers on 127.0.0.1 for the live tests: a starlette app under uvicorn in a thread, or a raw socket server.

Each is a context manager yielding the base URL, so a test cannot leave a server behind.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import uvicorn


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread cannot install them
        pass


@contextlib.contextmanager
def serve_app(app: Any, ssl: tuple[str, str] | None = None) -> Iterator[str]:
    """Run an ASGI `app` on a free 127.0.0.1 port (https with `ssl` = (cert, key)); yields "http://127.0.0.1:PORT"."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    tls = {"ssl_certfile": ssl[0], "ssl_keyfile": ssl[1]} if ssl else {}
    config = uvicorn.Config(app, log_level="error", lifespan="off", access_log=False, timeout_graceful_shutdown=1, **tls)
    server = _Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


Handler = Callable[[socket.socket, bytes], None]


@contextlib.contextmanager
def serve_raw(handle: Handler) -> Iterator[str]:
    """Run a raw TCP server whose `handle(conn, request_head)` writes whatever it likes; yields the base URL."""

    class _Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            conn.settimeout(30)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                handle(conn, head)

    class _TCP(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = _TCP(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
