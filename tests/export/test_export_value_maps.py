"""export.records.E with the declaration's value maps: uncovered values are findings, the same in worker processes."""

from __future__ import annotations

from typing import Any

import pytest
from export_fakes import FakeSandbox, make_ctx

from interopcheck.checks.registry import all_checks, run_check
from interopcheck.export.background import close_workers, plan_checks
from interopcheck.export.scan import scan_records
from interopcheck.export.validate import mapper_for
from interopcheck.model import CheckResult, Status

EXPORT_IDS = sorted(k for k in all_checks() if k.startswith("export."))
FACTORY = "export_fakes:StandInStandards"
MAP = {"/kind": {"from": "/kind", "values": {"A": 1, "B": 2}}}


def sandbox_with_kinds(kinds: str) -> FakeSandbox:
    """A sandbox whose property records carry a supplier code `kind`, cycling through `kinds`."""
    sandbox = FakeSandbox()
    for i, record in enumerate(sandbox.records["property"]):
        record["kind"] = kinds[i % len(kinds)]
    sandbox.dictionary["entities"]["property"]["columns"].append({"name": "kind"})
    return sandbox


def declaration(sandbox: FakeSandbox, fields: dict[str, Any]) -> Any:
    """The sandbox's declaration with `fields` on the identity mapping of property."""
    base = sandbox.declaration()
    entities = {e: {"collection": m.collection, "item": m.item, "records_pointer": "/data", "next_pointer": "/links/next",
                    "total_pointer": "/meta/total", "mapping": "identity"} for e, m in base.entities.items()}
    entities["property"]["fields"] = fields
    return sandbox.declaration(entities=entities)


def records_result(sandbox: FakeSandbox, fields: dict[str, Any], *, workers: bool) -> CheckResult:
    ctx = make_ctx(sandbox, declaration(sandbox, fields))
    ctx.standards.worker_factory = FACTORY  # type: ignore[union-attr]
    plan_checks(ctx, EXPORT_IDS, workers=workers)
    try:
        result = run_check(all_checks()["export.records.property"], ctx)
        assert ctx.cache.get("export.pool-used", False) is workers
    finally:
        close_workers(ctx)
    return result


@pytest.mark.parametrize("workers", [False, True])
def test_uncovered_values_are_findings_with_count_and_first_record(workers: bool) -> None:
    sandbox = sandbox_with_kinds("ABCCD")
    records = sandbox.records["property"]
    result = records_result(sandbox, MAP, workers=workers)
    assert result.status is Status.FAIL
    assert result.summary.endswith("; 2 value(s) outside the declaration's value maps")
    assert result.summary.startswith(f"0 of {len(records)} property records failed")
    found = {f.data["value"]: f.data for f in result.findings}
    c_ids = [r["id"] for r in records if r["kind"] == "C"]
    d_ids = [r["id"] for r in records if r["kind"] == "D"]
    assert found["C"] == {"field": "/kind", "value": "C", "count": len(c_ids), "first_id": c_ids[0], "other_values": False}
    assert found["D"] == {"field": "/kind", "value": "D", "count": len(d_ids), "first_id": d_ids[0], "other_values": False}
    assert f"property /kind: value 'C' not in the declaration's value map ({len(c_ids)} record(s), first in record {c_ids[0]}); kept as sent" in [
        f.message for f in result.findings
    ]


def test_workers_report_what_one_process_reports() -> None:
    one = records_result(sandbox_with_kinds("ABCCD"), MAP, workers=False)
    many = records_result(sandbox_with_kinds("ABCCD"), MAP, workers=True)
    assert (many.status, many.summary, [f.data for f in many.findings]) == (one.status, one.summary, [f.data for f in one.findings])


@pytest.mark.parametrize("workers", [False, True])
def test_a_map_covering_every_value_passes(workers: bool) -> None:
    result = records_result(sandbox_with_kinds("AB"), MAP, workers=workers)
    assert result.status is Status.PASS, [f.message for f in result.findings]


def test_mapper_for_is_none_only_for_the_plain_identity() -> None:
    sandbox = FakeSandbox()
    assert mapper_for(sandbox.declaration(), "property") is None
    mapped = declaration(sandbox, MAP)
    first, second = mapper_for(mapped, "property"), mapper_for(mapped, "property")
    assert first is not None and first is not second  # each scan tallies on its own


def test_the_scan_summary_carries_the_tally() -> None:
    sandbox = sandbox_with_kinds("AC")
    mapper = mapper_for(declaration(sandbox, MAP), "property")
    from export_fakes import StandInStandards

    scan = scan_records("property", "ndjson", [sandbox.ndjson("property")], validator=StandInStandards().validator("property"), mapper=mapper)
    assert scan.validation is not None
    [only] = scan.validation.unmapped
    assert (only.field, only.value, only.count, only.first_id) == ("/kind", "C", len(sandbox.records["property"]) // 2, sandbox.records["property"][1]["id"])
