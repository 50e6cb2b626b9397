"""Run the sandbox: uvicorn in a background thread on a free port, started and stopped cleanly.

`SandboxServer` is a context manager for tests, the demo and the acceptance layer;
`serve_forever` is what `interopcheck sandbox serve` calls. The client ID and secret are fixed
and documented: this is a sandbox of synthetic data, not a secret.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from interopcheck.errors import LiveError, UsageError
from interopcheck.sandbox.app import build_app
from interopcheck.sandbox.exports import publish_exports
from interopcheck.sandbox.faults import SLOW_DELAY_S, parse_faults
from interopcheck.sandbox.products import REFERENCE, product_named
from interopcheck.sandbox.store import Store
from interopcheck.sandbox.web import SandboxState

CLIENT_ID = "interopcheck-sandbox"
CLIENT_SECRET = "sandbox-secret-not-a-secret"
DECLARATION_PATH = REFERENCE.declaration_path
START_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class SandboxConfig:
    """How to run the sandbox: which product, data size and seed, faults, where the data lives, where to listen."""

    records: int = 300
    seed: int = 1
    faults: tuple[str, ...] = ()
    db_path: str | Path | None = None  # None: in memory
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    product: str = REFERENCE.name  # a name of `sandbox.products.PRODUCTS`


class SandboxServer:
    """A running sandbox (use as a context manager, or `start()` / `stop()`)."""

    def __init__(self, config: SandboxConfig = SandboxConfig()) -> None:
        """Check the config, prepare the data (generated unless a reused file has it) and the app."""
        if config.records < 0:
            raise UsageError(f"--records must be 0 or more, not {config.records}")
        self.config = config
        self.faults = parse_faults(config.faults)
        self.product = product_named(config.product)
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.declaration_path = self.product.declaration_path
        self.store = Store(config.db_path)
        if not self.store.is_filled(records=config.records, seed=config.seed, product=self.product):
            self.store.fill(records=config.records, seed=config.seed, product=self.product)
        self.state = SandboxState(
            store=self.store, faults=self.faults, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
            records=config.records, seed=config.seed, slow_delay=SLOW_DELAY_S, product=self.product,
        )
        self.state.published = publish_exports(self.state)
        self.app = build_app(self.state)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.base_url = ""

    @property
    def spec_url(self) -> str:
        """URL of the served OpenAPI document."""
        return f"{self.base_url}/openapi.json"

    def start(self) -> SandboxServer:
        """Bind, start uvicorn in a daemon thread and wait until it accepts connections."""
        try:
            # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY only on sockets that say so, and the accepted sockets
            # inherit it; without it, Nagle and delayed ACKs held each keep-alive response back by 40 ms.
            family = socket.AF_INET6 if ":" in self.config.host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.config.host, self.config.port))
        except OSError as exc:
            raise UsageError(f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}") from exc
        self._socket = sock
        host, port = sock.getsockname()[:2]
        self.base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        uv_config = uvicorn.Config(self.app, log_config=None, log_level="error", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(uv_config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, name="interopcheck-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise LiveError(f"the sandbox did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for it (safe to call twice, and from a signal handler)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        self._thread = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def close(self) -> None:
        """Stop and drop the data (an in-memory database goes with it)."""
        self.stop()
        if self.state.published is not None:
            self.state.published.close()
        self.store.close()

    def __enter__(self) -> SandboxServer:
        """Start the sandbox."""
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Stop the sandbox and drop its data."""
        self.close()


def serve_forever(config: SandboxConfig, on_ready: Callable[[SandboxServer], None]) -> None:
    """Run the sandbox until Ctrl-C or SIGTERM, calling `on_ready(server)` once it listens."""
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        """SIGTERM: ask the wait loop to stop."""
        stop.set()

    previous = signal.signal(signal.SIGTERM, _on_signal) if threading.current_thread() is threading.main_thread() else None
    try:
        with SandboxServer(config) as server:
            on_ready(server)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
