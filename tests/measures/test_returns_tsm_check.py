"""The returns.tsm check's decisions from the export scans it is given: pass, fail on missing data or an unreadable
export, skip on a scan a limit stopped, and a note (not a failure) for an entity outside the run's scope."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from interopcheck.checks import returns_tsm
from interopcheck.checks.context import CheckContext, RunOptions, Scope
from interopcheck.export.runner import ScanFailure
from interopcheck.measures.tally import tally_for
from interopcheck.model import Status


@dataclass
class _Scan:
    records: int = 0
    tally: Any = None
    limited: str | None = None
    truncated: bool = False


def _ctx(scans: dict[str, Any], entities: tuple[str, ...] | None = None) -> CheckContext:
    ctx = CheckContext(options=RunOptions(measures_year=2025))
    if entities is not None:
        ctx.scope = replace(Scope(), entities=entities, out_of_scope={"complaint": "module complaints is neither required nor offered"})
    ctx.cache["test.scans"] = scans
    return ctx


@pytest.fixture(autouse=True)
def _scans(monkeypatch: pytest.MonkeyPatch) -> None:
    def fake(ctx: CheckContext, entity: str, **_: Any) -> Any:
        scan = ctx.cache["test.scans"].get(entity)
        return scan if scan is not None else ScanFailure(entity, "undeclared", f"no record export of {entity} is declared")

    monkeypatch.setattr(returns_tsm, "entity_scan", fake)


def _good() -> dict[str, Any]:
    from interopcheck.measures.definitions import ReportingYear

    year = ReportingYear(2025)
    repairs = tally_for("repair", year)
    repairs.add({"status": "completed", "priority": "2", "completed_at": "2025-06-01T10:00:00Z", "target_completion_at": "2025-06-01T12:00:00Z"})
    scans = {"property": _Scan(records=200)}
    for entity in ("repair", "asb-case", "complaint", "compliance-certificate"):
        scans[entity] = _Scan(records=1, tally=repairs if entity == "repair" else tally_for(entity, year))
    return scans


def test_every_export_read_passes_and_leaves_the_measures() -> None:
    ctx = _ctx(_good())
    decision = returns_tsm.returns_tsm(ctx)
    assert decision.status is Status.PASS, decision.summary
    measures = {m.id: m for m in ctx.cache["measures"]}
    assert measures["RP02(2)"].value == 100.0 and measures["NM01(1)"].denominator == 200


def test_a_repair_without_a_target_time_fails_with_the_count() -> None:
    scans = _good()
    scans["repair"].tally.add({"status": "completed", "priority": "4", "completed_at": "2025-07-01T10:00:00Z"})
    decision = returns_tsm.returns_tsm(_ctx(scans))
    assert decision.status is Status.FAIL and "1 of 10 measures" in decision.summary
    assert [f.data["measure"] for f in decision.findings] == ["RP02(1)"]


def test_an_entity_in_scope_without_an_export_fails() -> None:
    scans = _good()
    del scans["complaint"]
    decision = returns_tsm.returns_tsm(_ctx(scans))
    assert decision.status is Status.FAIL and "could not be read" in decision.summary


def test_an_entity_out_of_scope_is_a_note_not_a_failure() -> None:
    scans = _good()
    del scans["complaint"]
    entities = ("property", "repair", "asb-case", "compliance-certificate")
    ctx = _ctx(scans, entities)
    assert returns_tsm.returns_tsm(ctx).status is Status.PASS
    ch01 = next(m for m in ctx.cache["measures"] if m.id == "CH01(1)")
    assert ch01.value is None and "neither required nor offered" in ch01.note


def test_a_scan_a_limit_stopped_skips() -> None:
    scans = _good()
    scans["asb-case"].limited = "stopped after --export-max-records=5 records"
    assert returns_tsm.returns_tsm(_ctx(scans)).status is Status.SKIP
