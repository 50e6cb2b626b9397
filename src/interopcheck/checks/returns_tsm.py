"""The Tenant Satisfaction Measures a landlord reports from system data, computed from the exported records.

The counts come from the export checks' own scans (each record export is read once per run: the scan
feeds a `measures.tally`), so this check downloads nothing itself. It fails when a measure cannot be
computed because records lack a field it needs (repairs with no target time, say), since the council
could not then report that measure from the system; the measures themselves go into the report.
"""

from __future__ import annotations

from interopcheck.checks.context import CheckContext
from interopcheck.checks.export_records import failure_decision
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, failed, passed, skipped
from interopcheck.export.runner import ScanFailure, entity_scan, measures_year
from interopcheck.measures.compute import Measure, compute
from interopcheck.measures.tally import ENTITIES as TALLIED
from interopcheck.model import Finding, Status

NEEDS = ("declaration", "export", "credentials")
#: Where report writers find the run's measures (the engine copies them into report.json's `measures`).
CACHE_KEY = "measures"


@check("returns.tsm", title="Tenant Satisfaction Measures computable from the exported records", family="returns", needs=NEEDS)
def returns_tsm(ctx: CheckContext) -> Decision:
    """Every measure of standards/returns/tsm.json computed for the reporting year; fails on a measure `missing` data."""
    year = measures_year(ctx)
    tallies, unread, homes = {}, {}, None
    refused: list[Decision] = []
    for entity in ("property", *TALLIED):
        if entity not in ctx.scope.entities:
            unread[entity] = ctx.scope.out_of_scope.get(entity) or f"{entity} is not an entity of the run's standard"
            continue
        result = entity_scan(ctx, entity)
        if isinstance(result, ScanFailure):
            decision = failure_decision(result)
            if decision.status is Status.FAIL:
                refused.append(decision)
            unread[entity] = result.reason
            continue
        if result.limited or result.truncated:
            return skipped(f"the {entity} export was not read to its end ({result.limited or 'broken off'}), so the measures would count part of it")
        if entity == "property":
            homes = result.records
        else:
            tallies[entity] = result.tally
    measures = compute(year, tallies, homes, unread)
    ctx.cache[CACHE_KEY] = measures
    evidence = [_evidence(m) for m in measures]
    missing = [m for m in measures if m.missing]
    findings = [_missing(m) for m in missing] + [f for d in refused for f in (d.findings or (Finding(d.summary),))]
    if findings:
        parts = [f"{len(missing)} of {len(measures)} measures cannot be computed: records lack the fields they need"] if missing else []
        parts += [f"{len(refused)} exports the measures need could not be read"] if refused else []
        return failed("; ".join(parts) + f" ({year.label})", findings, evidence)
    shown = sum(1 for m in measures if m.value is not None)
    return passed(f"{shown} of {len(measures)} Tenant Satisfaction Measures computed for {year.label} from the exported records", evidence)


def _missing(m: Measure) -> Finding:
    return Finding(f"{m.id} {m.title}: {m.missing} records lack a field it needs", data={"measure": m.id, "missing": m.missing, "period": m.period})


def _evidence(m: Measure) -> Finding:
    if m.value is not None:
        text = f"{m.id}: {m.numerator} / {m.denominator} = {m.value} {m.unit} ({m.period})"
    elif m.missing:
        text = f"{m.id}: missing ({m.missing} records lack a field it needs)"
    else:
        text = f"{m.id}: no value ({m.note})"
    return Finding(text, data=m.as_dict())
