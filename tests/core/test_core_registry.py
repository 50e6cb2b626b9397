"""The check registry: stable IDs, duplicates refused, preconditions, exceptions become `error`."""

from __future__ import annotations

import pytest

from interopcheck.checks import registry
from interopcheck.checks.context import CheckContext
from interopcheck.checks.results import failed, from_findings, passed
from interopcheck.errors import CheckNotApplicable, RegistryError
from interopcheck.model import Finding, Status


def _spec(func, needs: tuple[str, ...] = ()) -> registry.CheckSpec:  # type: ignore[no-untyped-def]
    return registry.CheckSpec("test.x", "x", "test", frozenset(needs), func, "")


def test_duplicate_ids_are_refused() -> None:
    @registry.check("test.dup-a", title="a", family="test")
    def first(ctx: CheckContext):  # type: ignore[no-untyped-def]
        return passed("ok")

    with pytest.raises(RegistryError, match="registered twice"):

        @registry.check("test.dup-a", title="b", family="test")
        def second(ctx: CheckContext):  # type: ignore[no-untyped-def]
            return passed("ok")


def test_unknown_need_is_refused() -> None:
    with pytest.raises(RegistryError, match="unknown preconditions"):
        registry.check("test.bad-need", title="t", family="test", needs=("sandbox",))


def test_missing_input_skips_and_broken_input_errors() -> None:
    spec = _spec(lambda ctx: passed("ran"), needs=("live",))
    skipped = registry.run_check(spec, CheckContext())
    assert skipped.status is Status.SKIP and "--base-url" in skipped.summary
    broken = registry.run_check(spec, CheckContext(live_error="connection refused"))
    assert broken.status is Status.ERROR and "connection refused" in broken.summary


def test_exception_in_a_check_is_an_error_and_not_applicable_is_kept() -> None:
    def boom(ctx: CheckContext):  # type: ignore[no-untyped-def]
        raise KeyError("paths")

    result = registry.run_check(_spec(boom), CheckContext())
    assert result.status is Status.ERROR and "KeyError" in result.summary

    def na(ctx: CheckContext):  # type: ignore[no-untyped-def]
        raise CheckNotApplicable("plain http on loopback")

    assert registry.run_check(_spec(na), CheckContext()).status is Status.NOT_APPLICABLE


def test_from_findings_caps_findings_but_counts_all() -> None:
    findings = [Finding(f"f{i}") for i in range(5)]
    decision = from_findings(findings, ok="fine", bad="{n} problems", max_findings=2)
    assert decision.status is Status.FAIL and decision.summary.startswith("5 problems")
    assert len(decision.findings) == 2
    assert from_findings([], ok="fine", bad="{n}").status is Status.PASS
    assert failed("x", findings).status is Status.FAIL


def test_did_you_mean() -> None:
    assert "spec.https-servers" in registry.did_you_mean("spec.https-server", ["spec.https-servers", "live.tls"])
    assert registry.did_you_mean("zzz", ["spec.https-servers"]) == ""
