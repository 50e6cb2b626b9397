"""Starting and stopping the sandbox: free ports, clean stops, serve_forever, its declaration, a file database."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest

from interopcheck.entities import ENTITIES
from interopcheck.errors import UsageError
from interopcheck.sandbox.server import CLIENT_ID, CLIENT_SECRET, SandboxConfig, SandboxServer, serve_forever


def test_context_manager_starts_on_a_free_port_and_stops(tmp_path: Path) -> None:
    with SandboxServer(SandboxConfig(records=10, db_path=tmp_path / "s.db")) as server:
        assert server.base_url.startswith("http://127.0.0.1:") and not server.base_url.endswith(":0")
        assert server.spec_url == f"{server.base_url}/openapi.json"
        assert (server.client_id, server.client_secret) == (CLIENT_ID, CLIENT_SECRET)
        assert httpx.get(server.spec_url).status_code == 200
        url = server.base_url
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/openapi.json", timeout=2)
    server.stop()  # a second stop is harmless
    # The file database is reused as is on the next start with the same size and seed.
    again = SandboxServer(SandboxConfig(records=10, db_path=tmp_path / "s.db"))
    assert again.store.count("property") == 10
    again.close()


def test_busy_port_is_a_usage_error() -> None:
    with SandboxServer(SandboxConfig(records=5)) as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        second = SandboxServer(SandboxConfig(records=5, port=port))
        with pytest.raises(UsageError):
            second.start()
        second.close()


def test_serve_forever_stops_cleanly_on_sigterm() -> None:
    seen: list[str] = []

    def on_ready(server: SandboxServer) -> None:
        seen.append(server.base_url)
        assert httpx.get(server.spec_url).status_code == 200
        os.kill(os.getpid(), signal.SIGTERM)

    serve_forever(SandboxConfig(records=5), on_ready)
    assert len(seen) == 1
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{seen[0]}/openapi.json", timeout=2)


def test_own_declaration_loads_and_names_every_operation_of_the_spec(sandbox: SandboxServer) -> None:
    declaration_mod = pytest.importorskip("interopcheck.declaration")
    if not hasattr(declaration_mod, "load_declaration"):
        pytest.skip("load_declaration is not written yet")
    declaration = declaration_mod.load_declaration(sandbox.declaration_path)
    spec = httpx.get(sandbox.spec_url).json()
    operation_ids = {op["operationId"] for item in spec["paths"].values() for op in item.values()}
    paths = set(spec["paths"])
    assert tuple(declaration.entities) == ENTITIES and len(declaration.attestations) == 6
    for mapping in declaration.entities.values():
        assert {mapping.collection, mapping.item} <= operation_ids and mapping.identity
    for export in declaration.exports:
        assert export.url in paths
    assert declaration.data_dictionary in paths and declaration.export_job["kickoff"] in paths


def test_accepted_connections_send_without_nagle_delay(sandbox: SandboxServer) -> None:
    """Each response goes out at once (TCP_NODELAY): with Nagle on, keep-alive answers waited 40 ms for a delayed ACK."""
    import socket

    with httpx.Client() as client:
        assert client.get(sandbox.spec_url).status_code == 200
        assert sandbox._server is not None
        sockets = [conn.transport.get_extra_info("socket") for conn in sandbox._server.server_state.connections]
        assert sockets and all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
