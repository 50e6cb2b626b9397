"""Hostile sandboxes on 127.0.0.1: each answers "/" politely (so a session opens) and misbehaves everywhere else.

Kinds: hang, trickle, gigabyte, invalid-json, lying-content-type, cross-redirect, paginate-forever,
server-error. Raw sockets, so the misbehaviour is exactly what is written here.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from live_servers import serve_raw

KINDS = ("hang", "trickle", "gigabyte", "invalid-json", "lying-content-type", "cross-redirect", "paginate-forever", "server-error")


def _send(conn: socket.socket, status: str, body: bytes, content_type: str = "application/json", extra: str = "") -> None:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
    conn.sendall(head.encode() + body)


def _page(path: str, query: dict[str, list[str]]) -> bytes:
    page = int(query.get("page", ["1"])[0])
    records = [{"id": f"r{page}-{i}", "updated_at": "2026-01-01T00:00:00Z"} for i in range(3)]
    return json.dumps({"data": records, "links": {"next": f"{path}?page={page + 1}"}}).encode()


def _handler(kind: str):  # type: ignore[no-untyped-def]
    def handle(conn: socket.socket, head: bytes) -> None:
        target = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else "/"
        parts = urlsplit(target)
        if parts.path == "/":
            _send(conn, "200 OK", b'{"name": "hostile"}')
            return
        if kind == "hang":
            time.sleep(20)
        elif kind == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                conn.sendall(b" ")
                time.sleep(0.2)
        elif kind == "gigabyte":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n")
            chunk = b"[" + b"0," * 32767
            for _ in range(1_000_000_000 // len(chunk)):
                conn.sendall(chunk)
        elif kind == "invalid-json":
            _send(conn, "200 OK", b'{"data": [ {"id": "1", ')
        elif kind == "lying-content-type":
            _send(conn, "200 OK", b"<html><body>Not JSON at all</body></html>", content_type="application/json")
        elif kind == "cross-redirect":
            _send(conn, "302 Found", b"", extra="Location: http://interopcheck-elsewhere.invalid/steal\r\n")
        elif kind == "paginate-forever":
            _send(conn, "200 OK", _page(parts.path, parse_qs(parts.query)))
        elif kind == "server-error":
            _send(conn, "500 Internal Server Error", b'{"error": "boom"}')

    return handle


@contextlib.contextmanager
def hostile(kind: str) -> Iterator[str]:
    """A hostile sandbox of `kind`; yields its base URL."""
    if kind not in KINDS:
        raise ValueError(kind)
    with serve_raw(_handler(kind)) as url:
        yield url
