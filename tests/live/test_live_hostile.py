"""Hostile sandboxes: every live check ends within its bounds, with no traceback, and none of them passes."""

from __future__ import annotations

import live_minisandbox as mini
import pytest
from hostile import KINDS, hostile
from live_fakes import FakeStandards, context

from interopcheck.checks.context import RunOptions
from interopcheck.checks.registry import run_check
from live_fakes import live_checks as all_checks
from interopcheck.errors import LiveError
from interopcheck.live.session import LiveOptions, open_session

#: A bearer token for the secured mini spec: without credentials its operations are never sent (they are `skip`).
TOKEN = {"env": {"MINI_TOKEN": mini.STATIC_TOKEN}, "token_env": "MINI_TOKEN"}
from interopcheck.model import Status

#: The check each hostile behaviour must not pass, and the statuses it may end in.
KEY_CHECK = {
    "hang": ("live.pagination", {Status.ERROR}),
    "trickle": ("live.pagination", {Status.ERROR}),
    "gigabyte": ("live.pagination", {Status.ERROR}),
    "invalid-json": ("live.pagination", {Status.FAIL}),
    "lying-content-type": ("live.json-content-type", {Status.FAIL}),
    "cross-redirect": ("live.pagination", {Status.ERROR, Status.FAIL}),
    "paginate-forever": ("live.pagination", {Status.SKIP}),
    "server-error": ("live.pagination", {Status.FAIL}),
}


@pytest.mark.timeout(90)
@pytest.mark.parametrize("kind", KINDS)
def test_hostile_sandbox_ends_every_check_with_a_reason(kind: str) -> None:
    with hostile(kind) as url:
        ctx = context(
            url,
            index=mini.spec_index(),
            declaration=mini.declaration(),
            standards=FakeStandards(),
            options=RunOptions(max_pages=20, max_examples=3),
            timeout=0.5,
            request_deadline_s=0.5,
            max_response_bytes=1_000_000,
            **TOKEN,
        )
        try:
            results = {cid: run_check(spec, ctx) for cid, spec in all_checks().items() if cid.startswith("live.")}
        finally:
            ctx.live.close()
    crashed = {cid: r.summary for cid, r in results.items() if r.summary.startswith("check raised")}
    assert crashed == {}
    check_id, allowed = KEY_CHECK[kind]
    assert results[check_id].status in allowed, results[check_id].summary
    assert results[check_id].summary
    data_checks = ("live.pagination", "live.records.property", "live.uprn-valid", "live.updated-since", "live.spec-conformance")
    assert not [cid for cid in data_checks if results[cid].status == Status.PASS]


@pytest.mark.timeout(30)
def test_hostile_limits_are_named_in_findings() -> None:
    with hostile("gigabyte") as url:
        ctx = context(url, index=mini.spec_index(), declaration=mini.declaration(), max_response_bytes=1_000_000, **TOKEN)
        result = run_check(all_checks()["live.pagination"], ctx)
        ctx.live.close()
    assert "1000000-byte response cap" in result.findings[0].message
    assert result.findings[0].exchange is not None and result.findings[0].exchange.error


@pytest.mark.timeout(30)
def test_server_errors_fail_spec_conformance() -> None:
    with hostile("server-error") as url:
        ctx = context(url, index=mini.spec_index(), declaration=mini.declaration(), options=RunOptions(max_examples=2), **TOKEN)
        result = run_check(all_checks()["live.spec-conformance"], ctx)
        ctx.live.close()
    assert result.status == Status.FAIL
    assert any(f.data and f.data["check"] == "not_a_server_error" for f in result.findings)


@pytest.mark.timeout(30)
def test_unreachable_sandbox_refuses_the_session_quickly() -> None:
    with hostile("hang") as url:
        port = int(url.rsplit(":", 1)[1])
    with pytest.raises(LiveError, match="not usable"):
        open_session(LiveOptions(base_url=f"http://127.0.0.1:{port}", timeout=0.5), None, None, env={})


@pytest.mark.timeout(30)  # the bound under test: a 2 s budget must not become a hang
def test_spec_conformance_on_a_hanging_sandbox_ends_within_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from interopcheck.checks import live_conformance

    monkeypatch.setattr(live_conformance, "MAX_CONFORMANCE_S", 2.0)
    with hostile("hang") as url:
        ctx = context(url, index=mini.spec_index(), declaration=mini.declaration(), timeout=0.5, options=RunOptions(max_examples=3), **TOKEN)
        result = run_check(all_checks()["live.spec-conformance"], ctx)
        ctx.live.close()
    assert result.status in (Status.FAIL, Status.ERROR), result.summary
    assert not result.summary.startswith("check raised")
