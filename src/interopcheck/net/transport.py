"""The network backend below httpx for every reader: a whole-request deadline and an address rule.

httpx's timeouts apply per read, so a server that trickles one byte a second (headers or body)
never trips them. This backend caps each read's timeout by the time left on the current
request's deadline (a context variable the reader sets), so no trickle outlasts the deadline. When
an `AddressRule` is set (`address_rule`), each connection goes to an address it allows, resolved here.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from interopcheck.net.addresses import AddressRule

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("interopcheck_request_deadline", default=None)


@contextlib.contextmanager
def request_deadline(at: float | None) -> Iterator[None]:
    """Within the block, socket operations of the safe client end by monotonic time `at`."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


_RULE: contextvars.ContextVar[AddressRule | None] = contextvars.ContextVar("interopcheck_address_rule", default=None)


@contextlib.contextmanager
def address_rule(rule: AddressRule | None) -> Iterator[None]:
    """Within the block, the backend connects only to addresses `rule` allows (AddressRefused otherwise)."""
    token = _RULE.set(rule)
    try:
        yield
    finally:
        _RULE.reset(token)


def _bounded(timeout: float | None, exc: type[Exception]) -> float | None:
    """`timeout` capped by the time left before the current deadline; `exc` once it has passed."""
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise exc("the request deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes never wait past the request deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, waiting at most until the deadline."""
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting at most until the deadline."""
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the socket."""
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None) -> httpcore.NetworkStream:
        """Upgrade to TLS; the handshake is bounded too."""
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        """Delegate (TLS version, peer address, ...)."""
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """The sync network backend with every stream bounded by the request deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect, bounded by the deadline, to an address the current rule allows."""
        rule = _RULE.get()
        if rule is not None:
            host = rule.pick(host, port)
        stream = self._inner.connect_tcp(host, port, _bounded(timeout, httpcore.ConnectTimeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        """Connect to a Unix socket, bounded by the deadline."""
        return _DeadlineStream(self._inner.connect_unix_socket(path, _bounded(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        """Sleep."""
        self._inner.sleep(seconds)


def deadline_transport(verify: Any) -> httpx.HTTPTransport:
    """An httpx transport whose connections use DeadlineBackend (TLS verification as `verify`)."""
    transport = httpx.HTTPTransport(verify=verify)
    pool = transport._pool
    # httpx 0.28 builds its pool without a backend hook; rebuild it with ours and the same TLS context
    transport._pool = httpcore.ConnectionPool(ssl_context=pool._ssl_context, network_backend=DeadlineBackend())
    return transport
