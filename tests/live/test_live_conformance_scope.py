"""HSG-API-12 and HSG-API-18 never pass or fail on what they could not test (issue 16, live checks).

- Without credentials, a secured operation is `skip` ("no credentials given"), public ones are tested,
  and a 401/403 answer to a request sent without credentials is never a problem+json failure.
- An operation whose response schemas sit behind a reference that was not fetched is `skip`, never `pass`.
- The reason states the scope: positive tests, the schemathesis checks, requests and operations covered.
- A sandbox that is slow but correct still gets a verdict: the run is planned to the time, with stated coverage.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import live_fakes
import live_minisandbox as mini
import pytest
from live_servers import serve_app

from interopcheck.checks import live_conformance
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import run_check
from interopcheck.live.relay import from_schemathesis
from interopcheck.model import CheckResult, Status

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def bare_ctx(sandbox: Callable[..., str]) -> Iterator[Callable[..., CheckContext]]:
    """`bare_ctx(spec=None, *faults)`: a context on a mini sandbox with no credentials at all."""
    opened: list[CheckContext] = []

    def make(spec: dict[str, Any] | None = None, *faults: str) -> CheckContext:
        ctx = live_fakes.context(sandbox(*faults), index=mini.spec_index(spec), declaration=mini.declaration(), standards=live_fakes.FakeStandards())
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        assert ctx.live is not None
        ctx.live.close()


def _run(check_id: str, ctx: CheckContext) -> CheckResult:
    return run_check(live_fakes.live_checks()[check_id], ctx)


def _with_public_root() -> dict[str, Any]:
    """The mini spec plus a public `GET /` (security: []) that the sandbox serves without a token."""
    spec = copy.deepcopy(mini.SPEC)
    spec["paths"]["/"] = {
        "get": {
            "operationId": "about",
            "security": [],
            "responses": {"200": {"description": "about", "content": {"application/json": {"schema": {"type": "object", "required": ["name"]}}}}},
        }
    }
    return spec


# -- class 1: no credentials for a secured API --------------------------------------------------


def test_without_credentials_every_secured_operation_is_skipped_not_passed(bare_ctx: Callable[..., CheckContext]) -> None:
    ctx = bare_ctx()
    result = _run("live.spec-conformance", ctx)
    assert result.status == Status.SKIP, result.summary
    assert result.summary.startswith("no credentials given"), result.summary
    assert "3 of 3 operations" in result.summary, result.summary
    assert ctx.live is not None
    assert not [e for e in ctx.live.exchanges if from_schemathesis(e)], "secured operations were sent without credentials"
    assert not result.findings


def test_without_credentials_public_operations_are_tested_and_the_summary_says_so_first(bare_ctx: Callable[..., CheckContext]) -> None:
    ctx = bare_ctx(_with_public_root())
    result = _run("live.spec-conformance", ctx)
    assert result.status == Status.SKIP, result.summary
    assert result.summary.startswith("no credentials given: 3 of 4 operations are secured and were not tested"), result.summary
    assert "1 of 1 public operation covered" in result.summary or "1 of 4 operations covered" in result.summary, result.summary
    assert ctx.live is not None
    sent = {urlsplit(e.request.url).path for e in ctx.live.exchanges if from_schemathesis(e)}
    assert {path for path in sent if not path.startswith("/schemathesis-probe")} == {"/"}, sent  # probes: schemathesis' start-up


def test_without_credentials_a_failure_on_a_public_operation_still_fails(bare_ctx: Callable[..., CheckContext]) -> None:
    spec = _with_public_root()
    spec["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["required"] = ["not-there"]
    result = _run("live.spec-conformance", bare_ctx(spec))
    assert result.status == Status.FAIL, result.summary
    assert result.summary.startswith("no credentials given"), result.summary


def test_problem_errors_never_blames_the_supplier_for_401_without_credentials(bare_ctx: Callable[..., CheckContext]) -> None:
    result = _run("live.problem-errors", bare_ctx())
    assert result.status == Status.SKIP, (result.summary, [f.message for f in result.findings])
    assert result.summary.startswith("no credentials given"), result.summary


def test_problem_errors_still_fails_a_non_problem_error_with_credentials(live_ctx: Callable[..., CheckContext]) -> None:
    result = _run("live.problem-errors", live_ctx("no-problem-json"))
    assert result.status == Status.FAIL, result.summary


def test_with_credentials_operations_answering_only_401_are_not_covered(live_ctx: Callable[..., CheckContext]) -> None:
    ctx = live_ctx()
    assert ctx.live is not None
    ctx.live.credentials.headers = lambda: {"Authorization": "Bearer at-not-a-token-the-sandbox-issued"}  # type: ignore[method-assign]
    result = _run("live.spec-conformance", ctx)
    assert result.status == Status.SKIP, result.summary
    assert "answered only 401/403" in result.summary, result.summary


# -- class 2: response schemas behind references that were not fetched ---------------------------


def _remote_property() -> dict[str, Any]:
    spec = copy.deepcopy(mini.SPEC)
    spec["components"]["schemas"]["Property"] = {"$ref": "https://schemas.example.test/housing.json#/Property"}
    return spec


def test_operations_whose_response_schema_was_not_fetched_are_skipped(live_ctx: Callable[..., CheckContext]) -> None:
    result = _run("live.spec-conformance", live_ctx(index=mini.spec_index(_remote_property())))
    assert result.status == Status.SKIP, result.summary
    assert "GET /v1/properties" in result.summary and "GET /v1/properties/{id}" in result.summary, result.summary
    assert "https://schemas.example.test/housing.json#/Property" in result.summary, result.summary
    assert "not fetched" in result.summary, result.summary


def test_an_unfetched_reference_no_response_uses_does_not_stop_a_pass(live_ctx: Callable[..., CheckContext]) -> None:
    spec = copy.deepcopy(mini.SPEC)
    spec["components"]["schemas"]["Unused"] = {"$ref": "https://schemas.example.test/housing.json#/Unused"}
    result = _run("live.spec-conformance", live_ctx(index=mini.spec_index(spec)))
    assert result.status == Status.PASS, result.summary


# -- class 3: the reason states its scope ---------------------------------------------------------


def test_pass_reason_states_positive_tests_checks_requests_and_operations(live_ctx: Callable[..., CheckContext]) -> None:
    result = _run("live.spec-conformance", live_ctx())
    assert result.status == Status.PASS, result.summary
    summary = result.summary
    assert "positive tests" in summary, summary
    for name in ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance", "response_schema_conformance"):
        assert name in summary, summary
    assert "3 of 3 operations covered" in summary, summary
    assert " requests" in summary, summary


# -- class 4: a slow but correct sandbox still gets a verdict ------------------------------------


def _slow(inner: Any, delay: float) -> Any:
    """An ASGI app that answers every data request `delay` seconds late."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            await asyncio.sleep(delay)
        await inner(scope, receive, send)

    return app


def test_a_slow_correct_sandbox_gets_a_pass_with_stated_coverage(monkeypatch: pytest.MonkeyPatch) -> None:
    # scaled down: a 3 s plan and a 6 s cap, where the full coverage phase at 0.25 s a response takes far longer
    monkeypatch.setattr(live_conformance, "PLANNED_CONFORMANCE_S", 3.0)
    monkeypatch.setattr(live_conformance, "MAX_CONFORMANCE_S", 6.0)
    with serve_app(_slow(mini.make_app(), 0.25)) as url:
        ctx = live_fakes.context(
            url,
            index=mini.spec_index(),
            declaration=mini.declaration(),
            standards=live_fakes.FakeStandards(),
            env={"MINI_TOKEN": mini.STATIC_TOKEN},
            token_env="MINI_TOKEN",
            rate=10.0,
        )
        try:
            result = _run("live.spec-conformance", ctx)
        finally:
            assert ctx.live is not None
            ctx.live.close()
    assert result.status == Status.PASS, result.summary
    assert "3 of 3 operations covered" in result.summary, result.summary
    assert "requests/s" in result.summary, result.summary  # the plan says why it ran fewer tests
    assert result.duration_ms < 12_000, result.duration_ms
