"""Each live check passes on the mini sandbox and fails on the fault that breaks it."""

from __future__ import annotations

from collections.abc import Callable

import live_minisandbox as mini
import pytest

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.checks.registry import run_check
from live_fakes import live_checks as all_checks
from interopcheck.model import CheckResult, Exchange, HttpRequest, HttpResponse, Status

pytestmark = pytest.mark.timeout(60)

LiveCtx = Callable[..., CheckContext]


def run(ctx: CheckContext, check_id: str) -> CheckResult:
    """Run one registered check on `ctx`."""
    return run_check(all_checks()[check_id], ctx)


def test_good_sandbox_passes_every_applicable_live_check(live_ctx: LiveCtx) -> None:
    ctx = live_ctx()
    results = {cid: run_check(spec, ctx) for cid, spec in all_checks().items() if cid.startswith("live.") and cid != "live.spec-conformance"}
    bad = {cid: (r.status, r.summary) for cid, r in results.items() if r.status not in (Status.PASS, Status.NOT_APPLICABLE, Status.SKIP)}
    undeclared = bad.pop("live.subject-access")  # the mini sandbox declares no subject-access extract (HSG-DATA-24)
    assert undeclared[0] is Status.FAIL and "names no subject-access operation" in undeclared[1]
    assert bad == {}
    assert results["live.records.property"].status == Status.PASS
    assert results["live.tls"].status == Status.NOT_APPLICABLE
    assert results["live.records.leasehold"].status == Status.SKIP  # not declared by the mini sandbox


@pytest.mark.parametrize(
    ("fault", "check_id", "expected"),
    [
        ("no-auth", "live.auth-required", "answered HTTP 200"),
        ("broken-pagination", "live.pagination", "pagination loop"),
        ("duplicates", "live.pagination", "was already on page"),
        ("no-updated-since", "live.updated-since", "were updated before it"),
        ("no-problem-json", "live.problem-errors", "not JSON (text/html)"),
        ("wrong-content-type", "live.json-content-type", "text/plain"),
        ("missing-uprn", "live.uprn-valid", "has no uprn"),
        ("missing-uprn", "live.records.property", "'uprn' is a required property"),
        ("bad-dates", "live.dates-valid", "02/01/2026"),
        ("version-mismatch", "live.version-matches", "'2.0.0'"),
        ("server-errors", "live.pagination", "returned HTTP 500"),
    ],
)
def test_fault_fails_its_check(live_ctx: LiveCtx, fault: str, check_id: str, expected: str) -> None:
    result = run(live_ctx(fault), check_id)
    assert result.status == Status.FAIL, result.summary
    assert any(expected in f.message for f in result.findings), [f.message for f in result.findings]
    assert all(f.exchange is not None for f in result.findings if "page" in f.message or "GET" in f.message)


def test_auth_required_tries_item_operations_with_a_walked_id(live_ctx: LiveCtx) -> None:
    good = live_ctx()
    assert run(good, "live.pagination").status == Status.PASS  # caches the walks, so a real id is used
    result = run(good, "live.auth-required")
    assert result.status == Status.PASS, result.summary
    assert "1 of them item operations" in result.summary
    assert any("GET /v1/properties/p1 (a property id from its collection) without credentials -> 401" in f.message for f in result.evidence)


def test_auth_required_fails_when_items_are_served_without_a_token(live_ctx: LiveCtx) -> None:
    ctx = live_ctx("open-items")
    run(ctx, "live.pagination")
    result = run(ctx, "live.auth-required")
    assert result.status == Status.FAIL, result.summary
    messages = [f.message for f in result.findings]
    assert messages == ["GET /v1/properties/p1 (a property id from its collection) without credentials answered HTTP 200: the item is served"]
    assert result.findings[0].exchange is not None and result.findings[0].exchange.response.status == 200


def test_auth_required_uses_a_made_up_id_without_a_walk(live_ctx: LiveCtx) -> None:
    result = run(live_ctx(), "live.auth-required")
    assert result.status == Status.PASS, result.summary
    assert any("/v1/properties/1 (a made-up property id" in f.message for f in result.evidence)


def test_records_report_n_of_m_and_do_not_stop_at_first(live_ctx: LiveCtx) -> None:
    ctx = live_ctx("schema-drift", "missing-uprn")
    result = run(ctx, "live.records.property")
    assert result.status == Status.FAIL
    assert result.summary.startswith("2 of 25 property records failed")
    assert {f.data["id"] for f in result.findings if f.data} == {"p1", "p4"}


def test_records_sample_is_capped_and_seeded(live_ctx: LiveCtx) -> None:
    ctx = live_ctx(options=RunOptions(sample=7, seed=3))
    result = run(ctx, "live.records.property")
    assert result.status == Status.PASS and "all 7 sampled" in result.summary


def test_records_skip_without_standards(live_ctx: LiveCtx) -> None:
    result = run(live_ctx(standards=None), "live.records.property")
    assert result.status == Status.SKIP and "standard" in result.summary


def test_pagination_cap_skips_never_passes(live_ctx: LiveCtx) -> None:
    result = run(live_ctx(options=RunOptions(max_pages=2)), "live.pagination")
    assert result.status == Status.SKIP
    assert "--max-pages=2" in result.summary


def test_pagination_walk_is_shared_through_the_cache(live_ctx: LiveCtx) -> None:
    ctx = live_ctx()
    run(ctx, "live.pagination")
    before = len(ctx.live.exchanges)
    run(ctx, "live.records.property")
    run(ctx, "live.uprn-valid")
    assert len(ctx.live.exchanges) == before


def test_oauth2_not_applicable_or_skip_without_client_credentials(sandbox: Callable[..., str]) -> None:
    import live_fakes

    url = sandbox()
    ctx = live_fakes.context(url, index=mini.spec_index(), declaration=mini.declaration(), env={"T": mini.STATIC_TOKEN}, token_env="T")
    assert run(ctx, "live.oauth2-token").status == Status.SKIP  # the spec declares OAuth 2.0
    no_oauth = {**mini.SPEC, "components": {**mini.SPEC["components"], "securitySchemes": {"b": {"type": "http", "scheme": "bearer"}}}}
    ctx.index = mini.spec_index(no_oauth)
    assert run(ctx, "live.oauth2-token").status == Status.NOT_APPLICABLE
    assert run(ctx, "live.auth-required").status == Status.PASS
    ctx.live.close()


def test_oauth2_token_fails_when_not_accepted(live_ctx: LiveCtx) -> None:
    ctx = live_ctx()
    assert run(ctx, "live.oauth2-token").status == Status.PASS
    ctx.live.credentials._token = "at-forged-token-value"  # an issued token the API does not accept
    ctx.live.credentials.invalidate = lambda: None  # keep the forged one through the client's single retry
    result = run(ctx, "live.oauth2-token")
    assert result.status == Status.FAIL and "401" in result.summary


def _timed(ms: float) -> Exchange:
    return Exchange(HttpRequest("GET", "http://x/"), HttpResponse(200, elapsed_ms=ms))


def test_response_time_fails_when_slow(live_ctx: LiveCtx) -> None:
    ctx = live_ctx()
    assert run(ctx, "live.response-time").status == Status.PASS
    ctx.live.client.exchanges.extend(_timed(2500.0) for _ in range(40))
    result = run(ctx, "live.response-time")
    assert result.status == Status.FAIL and "p95" in result.summary


def test_version_matches_by_path_when_nothing_is_reported() -> None:
    from interopcheck.checks import live_http

    assert live_http._json_type_ok("application/json; charset=utf-8")
    assert live_http._json_type_ok("application/problem+json")
    assert not live_http._json_type_ok("application/json; charset=iso-8859-1")
    assert not live_http._json_type_ok("text/json")


def test_tls_check_on_https_server_negotiates_tls12_or_better(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from live_tls import serve_tls

    import live_fakes

    with serve_tls(tmp_path) as (url, ca):
        ctx = live_fakes.context(url, ca_bundle=str(ca))
        result = run(ctx, "live.tls")
        ctx.live.close()
    assert result.status == Status.PASS, result.summary
    assert "TLSv1.2" in result.summary or "TLSv1.3" in result.summary
