"""live.reachable (HSG-API-11, a sandbox with test data) is judged on the data operations, not on `/`.

Fake sandboxes on an in-process transport: `/` answers 404 in every one of them (as most real APIs
do), and the data operations answer records, server errors, dropped connections or 401s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import live_minisandbox as mini
import pytest

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.checks.registry import run_check
from interopcheck.live.session import LiveOptions, open_session
from interopcheck.model import CheckResult, Status
from live_fakes import live_checks

BASE = "http://sandbox.test"
TOKEN = "tok-Fake-Bearer-Secret-77"
RECORDS = {"/v1/properties": [{"id": "p1", "updated_at": "2026-01-01T00:00:00Z"}], "/v1/people": [{"id": "n1"}]}
Handler = Callable[[httpx.Request], httpx.Response]


def _ctx(handler: Handler, *, token: str | None = TOKEN, declared: bool = True, spec: dict[str, Any] | None = None) -> CheckContext:
    """A context on a fake sandbox; a static bearer token unless `token` is None; the mini declaration unless not `declared`."""
    index = mini.spec_index(spec)
    declaration = mini.declaration() if declared else None
    options = LiveOptions(base_url=BASE, rate=1000.0, timeout=2.0, token_env="TOK" if token else None)
    session = open_session(options, index, declaration, env={"TOK": token} if token else {}, transport=httpx.MockTransport(handler))
    return CheckContext(index=index, declaration=declaration, standards=None, live=session, options=RunOptions(max_examples=2))


def _run(ctx: CheckContext) -> CheckResult:
    try:
        return run_check(live_checks()["live.reachable"], ctx)
    finally:
        ctx.live.close()


def _sandbox(data: Callable[[httpx.Request], httpx.Response]) -> Handler:
    """`/` answers 404; every other path is answered by `data`."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/":
            return httpx.Response(404, json={"title": "Not Found"})
        return data(request)

    return handle


def _records(request: httpx.Request) -> httpx.Response:
    if request.headers.get("authorization") != f"Bearer {TOKEN}":
        return httpx.Response(401, json={"title": "Unauthorized"})
    return httpx.Response(200, json={"data": RECORDS.get(request.url.path, []), "links": {}, "meta": {"total": 1}})


def test_root_404_and_every_data_request_a_server_error_fails() -> None:
    result = _run(_ctx(_sandbox(lambda r: httpx.Response(503, text="upstream down"))))
    assert result.status is Status.FAIL, result.summary
    assert "every one of the 2 data operations" in result.summary and "sandbox" in result.summary
    assert {f.message for f in result.findings} == {"GET /v1/properties answered HTTP 503", "GET /v1/people answered HTTP 503"}
    assert all(f.exchange is not None and f.exchange.response.status == 503 for f in result.findings)


def test_dropped_connections_on_every_data_request_fail() -> None:
    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset by peer", request=request)

    result = _run(_ctx(_sandbox(reset)))
    assert result.status is Status.FAIL, result.summary
    assert len(result.findings) == 2 and all("could not be read" in f.message for f in result.findings)


def test_root_404_and_a_collection_with_records_passes_naming_it() -> None:
    result = _run(_ctx(_sandbox(_records)))
    assert result.status is Status.PASS, result.summary
    assert "2 of the 2 data operations answered with records" in result.summary
    assert any(f.message == "GET /v1/properties -> 200 with 1 records" and f.exchange is not None for f in result.evidence)
    assert any("GET / -> 404" in f.message for f in result.evidence)


def test_one_collection_with_records_is_enough() -> None:
    def half(request: httpx.Request) -> httpx.Response:
        return _records(request) if request.url.path == "/v1/properties" else httpx.Response(500)

    result = _run(_ctx(_sandbox(half)))
    assert result.status is Status.PASS, result.summary
    assert "1 of the 2 data operations" in result.summary
    assert any("GET /v1/people answered HTTP 500" in f.message for f in result.evidence)


def test_no_credentials_given_skips_and_says_so() -> None:
    result = _run(_ctx(_sandbox(_records), token=None))
    assert result.status is Status.SKIP, result.summary
    assert result.summary.startswith("no credentials given")
    assert any(f.exchange is not None and f.exchange.response.status == 401 for f in result.evidence)


def test_credentials_refused_errors_and_says_the_cause_may_be_ours() -> None:
    result = _run(_ctx(_sandbox(_records), token="tok-Some-Other-Token-00"))
    assert result.status is Status.ERROR, result.summary
    assert result.summary.startswith("the credentials given were refused")


def test_empty_declared_collections_fail_for_want_of_test_data() -> None:
    result = _run(_ctx(_sandbox(lambda r: httpx.Response(200, json={"data": [], "links": {}}))))
    assert result.status is Status.FAIL, result.summary
    assert "no records" in result.summary


def test_without_a_declaration_the_descriptions_gets_are_judged() -> None:
    ok = _run(_ctx(_sandbox(lambda r: httpx.Response(200, json={"data": [{"id": "x"}]})), declared=False))
    assert ok.status is Status.PASS, ok.summary
    broken = _run(_ctx(_sandbox(lambda r: httpx.Response(500)), declared=False))
    assert broken.status is Status.FAIL, broken.summary
    assert "GET operations without path parameters" in broken.summary


def test_without_a_declaration_answers_without_records_are_not_a_verdict() -> None:
    result = _run(_ctx(_sandbox(lambda r: httpx.Response(200, json={"status": "ok"})), declared=False))
    assert result.status is Status.SKIP, result.summary
    assert "records" in result.summary


@pytest.mark.parametrize("status", [500, 404])
def test_base_url_answer_alone_is_no_verdict_on_the_data(status: int) -> None:
    """A 500 or 404 at `/` with working data operations passes: `/` is not a data operation."""
    result = _run(_ctx(lambda r: httpx.Response(status) if r.url.path == "/" else _records(r)))
    assert result.status is Status.PASS, result.summary
