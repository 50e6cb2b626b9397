"""The loopback relay: schemathesis' traffic goes through the safe client, so its caps hold for it too."""

from __future__ import annotations

import resource
import socket
from typing import Any

import httpx
import live_minisandbox as mini
import pytest
from hostile import hostile
from live_fakes import FakeStandards, context, live_checks
from live_servers import serve_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from interopcheck.checks.context import RunOptions
from interopcheck.checks.registry import run_check
from interopcheck.live.client import SafeClient
from interopcheck.live.redact import Redactor
from interopcheck.live.relay import EXCHANGE_HEADER, REFUSED_HEADER, Relay
from interopcheck.model import Status

pytestmark = pytest.mark.timeout(90)


def _app() -> Starlette:
    async def here(request: Request) -> Response:
        return RedirectResponse(str(request.url_for("there")), status_code=302)  # absolute, same origin

    async def away(request: Request) -> Response:
        return RedirectResponse("http://interopcheck-elsewhere.invalid/steal", status_code=302)

    async def there(request: Request) -> Response:
        return JSONResponse({"q": request.query_params.get("q"), "auth": request.headers.get("authorization")}, headers={"X-Total": "1"})

    return Starlette(routes=[Route("/api/here", here), Route("/api/away", away), Route("/api/there", there, name="there")])


def test_relay_forwards_through_the_client_and_keeps_redirects_inside_the_relay() -> None:
    with serve_app(_app()) as url, SafeClient(url + "/api", rate=1000, redactor=Redactor(["s3cret"])) as client, Relay(client) as relay:
        assert relay.url == relay.origin + "/api"
        ok = httpx.get(relay.url + "/there?q=1", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json() == {"q": "1", "auth": "Bearer s3cret"} and ok.headers["x-total"] == "1"
        evidence = relay.evidence(ok.headers[EXCHANGE_HEADER])
        assert evidence is not None and evidence.request.url == url + "/api/there?q=1"
        assert "s3cret" not in repr(evidence)
        moved = httpx.get(relay.url + "/here")
        assert moved.status_code == 302 and moved.headers["location"] == relay.origin + "/api/there"
        away = httpx.get(relay.url + "/away")
        assert away.status_code == 502 and "another origin" in away.headers[REFUSED_HEADER]
    assert [e.request.url for e in client.exchanges] == [url + "/api/there?q=1", url + "/api/here", url + "/api/away"]


def test_a_gigabyte_answer_to_schemathesis_is_cut_at_the_byte_cap_and_is_an_error() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with hostile("gigabyte") as url:
        ctx = context(url, index=mini.spec_index(), declaration=mini.declaration(), standards=FakeStandards(), timeout=2.0, max_response_bytes=1_000_000, options=RunOptions(max_examples=2), env={"MINI_TOKEN": mini.STATIC_TOKEN}, token_env="MINI_TOKEN")
        try:
            result = run_check(live_checks()["live.spec-conformance"], ctx)
        finally:
            ctx.live.close()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert result.status == Status.ERROR, result.summary
    assert any("1000000-byte response cap" in f.message for f in result.findings), [f.message for f in result.findings]
    assert not any(f.data and f.data.get("check") == "not_a_server_error" for f in result.findings)
    assert grown_mb < 200, f"the run grew by {grown_mb:.0f} MB: a response was buffered past the cap"


def test_refused_answers_are_not_counted_as_the_sandboxs_server_errors() -> None:
    seen: list[Any] = []

    async def items(request: Request) -> Response:
        seen.append(request.url.path)
        return RedirectResponse("http://interopcheck-elsewhere.invalid/x", status_code=302)

    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/items": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}}},
    }
    from live_fakes import conformance

    with serve_app(Starlette(routes=[Route("/items", items)])) as url:
        run = conformance(spec, url, seed=1, max_examples=2)
    assert seen and run.findings == ()
    assert run.operations_errored == ("GET /items",)
    assert any("another origin" in e for e in run.errors)


def test_response_time_leaves_schemathesis_requests_out(live_ctx: Any) -> None:
    ctx = live_ctx()
    run_check(live_checks()["live.spec-conformance"], ctx)
    result = run_check(live_checks()["live.response-time"], ctx)
    timed = [e for e in ctx.live.exchanges if e.request.method == "GET" and e.response is not None and e.response.elapsed_ms]
    theirs = [e for e in timed if any(h.lower() == "x-interopcheck-source" for h in e.request.headers)]
    assert len(theirs) > 10
    assert result.evidence[0].data["samples"] == len(timed) - len(theirs)


def test_a_request_the_relay_cannot_forward_is_answered_not_dropped() -> None:
    with serve_app(_app()) as url, SafeClient(url, rate=1000) as client, Relay(client) as relay:
        port = int(relay.origin.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"GET /api/there HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n")
            bad = raw.recv(4096)
        big = httpx.post(relay.url + "/api/there", content=b"x" * 1_000_001)
    assert bad.startswith(b"HTTP/1.1 502") and REFUSED_HEADER.encode() in bad
    assert big.status_code == 502 and "1000000-byte cap" in big.headers[REFUSED_HEADER]


def test_schemathesis_requests_keep_the_clients_rate_cap() -> None:
    """The cap is the safe client's alone: at --rate 5, n requests take at least (n - 5) / 5 seconds (5 may burst)."""
    import time

    from live_fakes import conformance

    times: list[float] = []

    async def items(request: Request) -> Response:
        times.append(time.monotonic())
        return JSONResponse({})

    spec = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/items": {"get": {"parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                                     "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}}},
    }
    with serve_app(Starlette(routes=[Route("/items", items)])) as url:
        run = conformance(spec, url, seed=1, max_examples=25, rate=5.0)
    assert run.requests >= 10 and len(times) >= 10
    assert times[-1] - times[0] >= (len(times) - 5) / 5 - 0.3
