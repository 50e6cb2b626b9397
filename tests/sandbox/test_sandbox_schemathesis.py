"""schemathesis (engine API, GET only, few examples) against the running sandbox and its own spec."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from interopcheck.sandbox.server import SandboxServer


def failures(server: SandboxServer, client: httpx.Client, path_regex: str | None = None) -> list[str]:
    """The names of failed schemathesis checks (GET operations only), e.g. 'GET /v1/properties: response_schema_conformance'."""
    settings: dict = {"max-failures": 1, "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}}} if path_regex else {}
    config = SchemathesisConfig.from_dict(
        {
            "seed": 1,
            "base-url": server.base_url,
            "headers": {"Authorization": client.headers["authorization"]},
            "generation": {"max-examples": 3, "mode": "positive"},
            "phases": {"stateful": {"enabled": False}},
            **settings,
        }
    )
    schema = schemathesis.openapi.from_url(server.spec_url, config=config).include(method="GET")
    if path_regex:
        schema = schema.include(path_regex=path_regex)
    found: list[str] = []
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            raise AssertionError(f"schemathesis could not run: {event.exception}")
        if isinstance(event, events.ScenarioFinished) and event.status in (Status.FAILURE, Status.ERROR):
            checks = [c.name for results in event.recorder.checks.values() for c in results if c.status != Status.SUCCESS]
            found += [f"{event.label}: {name}" for name in checks] or [f"{event.label}: {event.status}"]
    return found


def test_conformant_sandbox_matches_its_spec(sandbox: SandboxServer, client: httpx.Client) -> None:
    assert failures(sandbox, client) == []


def test_schema_drift_is_found(start_sandbox: Callable) -> None:
    server, client = start_sandbox("schema-drift")
    found = failures(server, client, path_regex="^/v1/properties$")
    assert any("response_schema_conformance" in f for f in found), found


def test_server_errors_are_found(start_sandbox: Callable) -> None:
    server, client = start_sandbox("server-errors")
    found = failures(server, client, path_regex="^/v1/properties/")
    assert any("not_a_server_error" in f for f in found), found


def test_each_product_matches_its_own_spec(start_sandbox: Callable) -> None:
    for product in ("own-codes", "homelessness-only"):
        server, client = start_sandbox(records=30, product=product)
        assert failures(server, client) == [], product
