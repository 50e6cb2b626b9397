"""A missing export is worded as missing, never as duplicate ids or records that differ; what passed is shown."""

from __future__ import annotations

import pytest

from export_fakes import FakeSandbox, make_ctx
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.model import CheckResult, Status

MISSING = "no record export of leasehold is declared"
WRONG = ("duplicate or missing ids", "differ from the API", "do not resolve", "incomplete", "problems with the declared exports")


def run(ctx: CheckContext, check_id: str) -> CheckResult:
    return run_check(all_checks()[check_id], ctx)


def _without_leasehold(sandbox: FakeSandbox) -> CheckContext:
    exports = [{"entity": e, "format": f, "url": f"/v1/exports/{e}.{f}"} for e in ENTITIES if e != "leasehold" for f in ("ndjson", "csv")]
    return make_ctx(sandbox, sandbox.declaration(exports=exports))


@pytest.mark.parametrize("check_id", ["export.unique-ids", "export.roundtrip", "export.complete", "export.referential-integrity", "export.available"])
def test_a_missing_export_is_worded_as_missing(sandbox: FakeSandbox, check_id: str) -> None:
    result = run(_without_leasehold(sandbox), check_id)
    assert result.status is Status.FAIL, result.summary
    assert MISSING in result.summary, result.summary
    assert not any(w in result.summary for w in WRONG), result.summary
    assert [f.message for f in result.findings] == [MISSING]


def test_unique_ids_shows_each_entity_that_passed(sandbox: FakeSandbox) -> None:
    result = run(_without_leasehold(sandbox), "export.unique-ids")
    shown = [f.message for f in result.evidence]
    assert "person: 30 ids, all unique" in shown and len(shown) == len(ENTITIES) - 1


def test_roundtrip_shows_each_entity_compared(sandbox: FakeSandbox) -> None:
    result = run(_without_leasehold(sandbox), "export.roundtrip")
    assert any(f.message.startswith("person: ") and "equal their API records" in f.message for f in result.evidence), [f.message for f in result.evidence]


def test_referential_integrity_shows_each_reference_that_resolved(sandbox: FakeSandbox) -> None:
    result = run(_without_leasehold(sandbox), "export.referential-integrity")
    assert any(f.message.startswith("tenancy.property_id: ") and "resolve" in f.message for f in result.evidence), [f.message for f in result.evidence]


def test_passing_checks_show_their_comparisons(sandbox: FakeSandbox) -> None:
    ctx = make_ctx(sandbox)
    unique = run(ctx, "export.unique-ids")
    assert unique.status is Status.PASS and len(unique.evidence) == len(ENTITIES)
    refs = run(ctx, "export.referential-integrity")
    assert refs.status is Status.PASS and any("tenancy.property_id" in f.message for f in refs.evidence)


def test_a_real_difference_still_reads_as_one_beside_a_missing_export(sandbox: FakeSandbox) -> None:
    sandbox.faults.add("roundtrip-drift")
    result = run(_without_leasehold(sandbox), "export.roundtrip")
    assert result.status is Status.FAIL
    assert "differ from the API" in result.summary and MISSING in result.summary, result.summary
