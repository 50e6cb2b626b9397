"""The live preflight against the reference sandbox over real HTTP: a set-up mistake is one plain cause, and no live or export check runs."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from dataclasses import replace
from typing import Any

import pytest

from interopcheck.checks.context import CheckContext
from interopcheck.engine.demo import demo_request
from interopcheck.engine.preflight import Preflight, run_preflight
from interopcheck.engine.run import run
from interopcheck.report.json_report import to_dict, validation_errors
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

WRONG_SECRET_ENV = "PREFLIGHT_TEST_WRONG_SECRET"
BOGUS_TOKEN_ENV = "PREFLIGHT_TEST_BOGUS_TOKEN"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(records=20, seed=5)) as server:
        yield server


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _report(request: Any) -> dict[str, Any]:
    report = to_dict(run(request).report)
    assert validation_errors(report) == []
    return report


def _live_and_export(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for o in report["outcomes"] for c in o["checks"] if c["check_id"].startswith(("live.", "export."))]


def test_wrong_client_secret_is_one_cause_and_no_live_check_runs(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    request = demo_request(sandbox, sample=5)
    monkeypatch.setenv(WRONG_SECRET_ENV, "not-the-secret")
    report = _report(replace(request, live=replace(request.live, client_secret_env=WRONG_SECRET_ENV)))
    cause = "the token endpoint refused the client credentials: HTTP 401 invalid_client"
    assert report["summary"]["preflight"] == {"ok": False, "cause": cause}
    assert report["verdict"] == "incomplete"
    checks = _live_and_export(report)
    assert checks and {c["status"] for c in checks} == {"error"}
    assert all(cause in c["summary"] for c in checks)
    shared = report["summary"]["shared_causes"]
    assert shared[0]["cause"] == cause and shared[0]["count"] == report["counts"]["by_status"]["error"]


def test_closed_port_is_connection_refused(sandbox: SandboxServer) -> None:
    request = demo_request(sandbox, sample=5)
    base = f"http://127.0.0.1:{closed_port()}"
    report = _report(replace(request, live=replace(request.live, base_url=base, token_url=f"{base}/oauth/token")))
    assert report["summary"]["preflight"] == {"ok": False, "cause": f"connection refused at {base}"}
    assert {c["status"] for c in _live_and_export(report)} == {"error"}


def test_refused_bearer_token_is_caught_on_a_data_collection(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    request = demo_request(sandbox, sample=5)
    monkeypatch.setenv(BOGUS_TOKEN_ENV, "bogus-token")
    live = replace(request.live, token_url=None, client_id=None, client_secret_env=None, token_env=BOGUS_TOKEN_ENV)
    report = _report(replace(request, live=live))
    cause = report["summary"]["preflight"]["cause"]
    assert cause.startswith("the sandbox refused the credentials for GET /v1/") and cause.endswith("HTTP 401")
    assert {c["status"] for c in _live_and_export(report)} == {"error"}


def test_good_credentials_pass_the_preflight(sandbox: SandboxServer) -> None:
    report = _report(demo_request(sandbox, sample=5))
    assert report["summary"]["preflight"] == {"ok": True, "cause": None}
    assert "error" not in {c["status"] for c in _live_and_export(report)}


def test_a_spec_only_run_has_no_preflight(sandbox: SandboxServer) -> None:
    report = _report(replace(demo_request(sandbox, sample=5), live=None, declaration=None))
    summary = report["summary"]
    assert summary["preflight"] is None
    assert summary["decided"] + sum(s["count"] for s in summary["skipped"]) == summary["total"] == len(report["outcomes"])
    assert {s["reason"] for s in summary["skipped"]} >= {"no --base-url", "no --declaration"}


def test_without_a_declaration_the_data_tried_is_a_collection_that_needs_credentials(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = demo_request(sandbox, sample=5)
    monkeypatch.setenv(BOGUS_TOKEN_ENV, "bogus-token")
    live = replace(request.live, token_url=None, client_id=None, client_secret_env=None, token_env=BOGUS_TOKEN_ENV)
    report = _report(replace(request, live=live, declaration=None))
    assert report["summary"]["preflight"]["cause"] == "the sandbox refused the credentials for GET /v1/properties: HTTP 401"


class _Fixed(BaseHTTPRequestHandler):
    """Answers / with 200 and every other path with the status in its first segment (/500/items -> 500)."""

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        status = 200 if self.path == "/" else int(self.path.split("/")[1])
        body = b'{"items": []}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fixed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fixed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _preflight_of(base: str, collection: str, monkeypatch: pytest.MonkeyPatch) -> Preflight:
    from interopcheck.live.redact import Redactor
    from interopcheck.live.session import LiveOptions
    from interopcheck.spec.document import SpecDocument
    from interopcheck.spec.index import build_index

    monkeypatch.setenv(BOGUS_TOKEN_ENV, "some-token")
    spec = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {collection: {"get": {"responses": {"200": {"description": "ok"}}}}}}
    ctx = CheckContext(index=build_index(SpecDocument(spec, "mem.json", "file:///mem.json", "json", "", 0)))
    session, result = run_preflight(LiveOptions(base_url=base, token_env=BOGUS_TOKEN_ENV, rate=100), ctx, Redactor())
    if session is not None:
        session.close()
    return result


@pytest.mark.parametrize("status", [403, 401])
def test_a_refused_collection_is_a_set_up_mistake(fixed_server: str, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    assert _preflight_of(fixed_server, f"/{status}/items", monkeypatch) == Preflight(
        False, f"the sandbox refused the credentials for GET /{status}/items: HTTP {status}"
    )


@pytest.mark.parametrize("status", [500, 404, 200])
def test_any_other_answer_of_the_collection_is_for_the_checks(fixed_server: str, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    assert _preflight_of(fixed_server, f"/{status}/items", monkeypatch) == Preflight(True)


def test_an_unreachable_token_endpoint_is_named_as_such(sandbox: SandboxServer) -> None:
    request = demo_request(sandbox, sample=5)
    token_url = f"http://127.0.0.1:{closed_port()}/oauth/token"
    report = _report(replace(request, live=replace(request.live, token_url=token_url)))
    assert report["summary"]["preflight"] == {"ok": False, "cause": f"connection refused at the token endpoint {token_url}"}
