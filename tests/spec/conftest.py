"""A tiny HTTP server on 127.0.0.1 for the spec stage's fetch tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SPEC_JSON = b'{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}'
REMOTE_SPEC = (
    b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/properties:\n    get:\n"
    b"      responses:\n        '200':\n          description: ok\n          content:\n"
    b"            application/json:\n              schema: {$ref: 'schemas.json#/Property'}\n"
)
SCHEMAS_JSON = b'{"Property": {"type": "object", "properties": {"uprn": {"type": "string"}}}}'


class SpecServer(ThreadingHTTPServer):
    """Serves fixed routes; `stop` releases handlers that are waiting on purpose."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stop = threading.Event()
        self.hits: list[str] = []
        self.spec_json = SPEC_JSON
        self.routes: dict[str, bytes] = {}  # extra documents a test serves, by path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: SpecServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.server.hits.append(self.path)
        if self.path in self.server.routes:
            self._send(200, self.server.routes[self.path])
        elif self.path == "/spec.json":
            self._send(200, SPEC_JSON)
        elif self.path == "/remote.yaml":
            self._send(200, REMOTE_SPEC)
        elif self.path == "/schemas.json":
            self._send(200, SCHEMAS_JSON)
        elif self.path == "/declared-big":
            self._send(200, b"{}", length=10_000_000)
        elif self.path == "/endless":
            self.send_response(200)
            self.end_headers()  # no length: the body streams until the client gives up
            try:
                while not self.server.stop.is_set():
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
        elif self.path == "/slow":
            self.server.stop.wait(10)
            self._send(200, SPEC_JSON)
        else:
            self._send(404, b'{"error": "not found"}')


@pytest.fixture()
def spec_server() -> Iterator[SpecServer]:
    """A running SpecServer, shut down after the test."""
    server = SpecServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
