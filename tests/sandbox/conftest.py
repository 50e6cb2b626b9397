"""Sandbox fixtures: real sandboxes on 127.0.0.1 (uvicorn in a thread) and httpx clients with a token."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from interopcheck.sandbox.server import SandboxConfig, SandboxServer


def _client(server: SandboxServer) -> httpx.Client:
    token = httpx.post(
        f"{server.base_url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": server.client_id, "client_secret": server.client_secret},
    ).json()["access_token"]
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """The conformant sandbox with the default 300 properties, shared by the whole session."""
    with SandboxServer(SandboxConfig(records=300, seed=1)) as server:
        yield server


@pytest.fixture(scope="session")
def client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """An httpx client for the conformant sandbox, with a bearer token."""
    with _client(sandbox) as c:
        yield c


@pytest.fixture
def start_sandbox() -> Iterator[Callable[..., tuple[SandboxServer, httpx.Client]]]:
    """Start extra sandboxes (e.g. with faults): returns (server, authorised client); all stop after the test."""
    started: list[tuple[SandboxServer, httpx.Client]] = []

    def start(*faults: str, records: int = 60, seed: int = 1, product: str = "reference") -> tuple[SandboxServer, httpx.Client]:
        server = SandboxServer(SandboxConfig(records=records, seed=seed, faults=faults, product=product)).start()
        pair = (server, _client(server))
        started.append(pair)
        return pair

    yield start
    for server, c in started:
        c.close()
        server.close()
