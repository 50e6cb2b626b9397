"""Export checks that reconcile: complete against the API, round-trip, unique ids, references, incremental, async job.

They read the cached per-entity scans; a scan stopped by a user limit makes a check skip (with the
reason) unless a failure was already proven, so a limit can never turn into a pass.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.export_records import NEEDS, failure_decision
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.entities import ENTITIES, REFERENCES
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.export.fetch import ExportUnavailable, LimitReached
from interopcheck.export.jobcheck import run_job
from interopcheck.export.reconcile import records_equal, rfc3339
from interopcheck.export.background import api_count_of, item_or_error
from interopcheck.export.runner import ScanFailure, entity_scan, incremental_entity, scan_since
from interopcheck.export.scan import EntityScan
from interopcheck.export.validate import mapper_for
from interopcheck.model import Finding, Status

ROUNDTRIP_THREADS = 8


def _scans(ctx: CheckContext) -> tuple[dict[str, EntityScan], list[Decision]]:
    """The record-export scan of every entity, and the decisions for those that could not be scanned."""
    scans, broken = {}, []
    for entity in ENTITIES:
        result = entity_scan(ctx, entity)
        if isinstance(result, ScanFailure):
            broken.append(failure_decision(result))
        else:
            scans[entity] = result
    return scans, broken


def _decide(findings: list[Finding], limits: list[str], broken: list[Decision], ok: str, bad: str, evidence: list[Finding] | None = None) -> Decision:
    """Fail on findings; else error/skip when something could not be read or a limit stopped a scan; else pass."""
    failures = [d for d in broken if d.status is Status.FAIL]
    findings = findings + [f for d in failures for f in (d.findings or (Finding(d.summary),))]
    if findings:
        return failed(bad.format(n=len(findings)), findings[:200], evidence or ())
    errors = [d.summary for d in broken if d.status is Status.ERROR]
    if errors:
        return errored("; ".join(errors))
    skips = limits + [d.summary for d in broken if d.status is Status.SKIP]
    if skips:
        return skipped("; ".join(dict.fromkeys(skips)))
    return passed(ok, evidence or ())


@check("export.complete", title="The export holds every entity, whole: counts match the API", family="export", needs=NEEDS)
def export_complete(ctx: CheckContext) -> Decision:
    """Every entity is exported, no stream is truncated, and each entity's record count equals the API's."""
    assert ctx.declaration is not None
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    evidence: list[Finding] = []
    for entity, scan in scans.items():
        if scan.truncated:
            why = next((p.message for p in scan.problems if p.fatal), "the stream ended early")
            findings.append(Finding(f"{entity}: the export is truncated after {scan.records} records: {why}", data={"entity": entity}))
            continue
        if scan.limited:
            limits.append(f"{entity}: {scan.limited}")
            continue
        mapping = ctx.declaration.entities.get(entity)
        if mapping is None:
            limits.append(f"{entity}: no API collection is declared to count against")
            continue
        try:
            count = api_count_of(ctx, entity, mapping)
        except CheckSkipped as exc:
            limits.append(exc.reason)
            continue
        except LiveError as exc:
            broken.append(errored(f"{entity}: the API count could not be read: {exc.message}"))
            continue
        if count.count != scan.records:
            findings.append(Finding(f"{entity}: the export has {scan.records} records, the API {count.count} ({count.how})", exchange=count.exchange, data={"entity": entity, "export": scan.records, "api": count.count}))
        else:
            evidence.append(Finding(f"{entity}: {scan.records} records in the export and the API ({count.how})"))
    return _decide(findings, limits, broken, f"all {len(ENTITIES)} entities exported whole", "{n} entities incomplete", evidence)


@check("export.roundtrip", title="Sampled export records equal the API's records", family="export", needs=NEEDS)
def export_roundtrip(ctx: CheckContext) -> Decision:
    """For sampled ids, the export record equals the API item record for the same id after mapping."""
    assert ctx.declaration is not None
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    compared = 0
    wanted: list[tuple[str, Any, int, str, Any]] = []
    for entity, scan in scans.items():
        mapping = ctx.declaration.entities.get(entity)
        if mapping is None or not mapping.item:
            limits.append(f"{entity}: no item operation declared")
            continue
        wanted += [(entity, mapping, line, rid, record) for line, rid, record in scan.samples]
        if scan.limited:
            limits.append(f"{entity}: {scan.limited}")
    with ThreadPoolExecutor(max_workers=ROUNDTRIP_THREADS, thread_name_prefix="export-roundtrip") as pool:
        answers = list(pool.map(lambda w: item_or_error(ctx, w[0], w[1], w[3]), wanted))  # latency-bound GETs (or fetched already)
    skipped_entities: set[str] = set()
    for (entity, _, line, rid, record), answer in zip(wanted, answers, strict=True):
        if entity in skipped_entities:
            continue
        if isinstance(answer, CheckSkipped):
            limits.append(answer.reason)
            skipped_entities.add(entity)
            continue
        if isinstance(answer, LiveError):
            broken.append(errored(f"{entity} {rid}: the API record could not be read: {answer.message}"))
            continue
        api_record, exchange = answer
        compared += 1
        if api_record is None:
            findings.append(Finding(f"{entity} {rid} (export line {line}) is not found by the API", exchange=exchange))
            continue
        mapper = mapper_for(ctx.declaration, entity)
        diff = records_equal(record, mapper(api_record) if mapper else api_record)
        if diff:
            findings.append(Finding(f"{entity} {rid} (export line {line}) differs from the API at {', '.join(diff[:10])}", exchange=exchange, data={"id": rid, "fields": diff}))
    if not compared and not findings and not broken:
        return skipped("; ".join(limits) or "no export records to compare")
    return _decide(findings, limits, broken, f"{compared} sampled records equal their API records", "{n} sampled records differ from the API")


@check("export.unique-ids", title="No duplicate or missing ids in any export", family="export", needs=NEEDS)
def export_unique_ids(ctx: CheckContext) -> Decision:
    """Within each entity's export every record has an id and no id occurs twice."""
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    for entity, scan in scans.items():
        if scan.ids.duplicates:
            findings.append(Finding(f"{entity}: {scan.ids.duplicates} records repeat an id already exported", data={"entity": entity, "duplicates": scan.ids.duplicates}))
        if scan.missing_ids:
            findings.append(Finding(f"{entity}: {scan.missing_ids} records have no string id", data={"entity": entity, "missing": scan.missing_ids}))
        if scan.limited:
            limits.append(f"{entity}: {scan.limited}")
        elif scan.truncated:
            limits.append(f"{entity}: the export is truncated, so ids after the break are unknown (see export.complete)")
    total = sum(s.records - s.missing_ids for s in scans.values())
    return _decide(findings, limits, broken, f"{total} ids across {len(scans)} entities, all unique", "{n} entities have duplicate or missing ids")


@check("export.referential-integrity", title="Every reference in the export resolves to an exported record", family="export", needs=NEEDS)
def export_referential_integrity(ctx: CheckContext) -> Decision:
    """Each reference (a tenancy's property, a rent account's tenancy, ...) names a record in the target entity's export."""
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    checked = 0
    for ref in REFERENCES:
        source = scans.get(ref.entity)
        if source is None:
            continue
        absent = source.missing_refs.get(ref, 0)
        if absent:
            findings.append(Finding(f"{ref.entity}.{ref.field}: {absent} records lack the reference", data={"reference": ref.field, "absent": absent}))
        if ref in source.unresolved:
            limits.append(f"{ref.target} was not read whole, so {ref.entity}.{ref.field} cannot be resolved")
            continue
        orphans = source.orphans.get(ref, 0)
        checked += source.ref_checked.get(ref, 0)
        if orphans:
            findings.append(Finding(f"{ref.entity}.{ref.field}: {orphans} references to {ref.target} records that are not in the export", data={"reference": ref.field, "target": ref.target, "orphans": orphans}))
        if source.limited:
            limits.append(f"{ref.entity}: {source.limited}")
    return _decide(findings, limits, broken, f"{checked} references resolve", "{n} reference fields do not resolve")


@check("export.incremental", title="An extract since time T holds exactly the records changed since T", family="export", needs=NEEDS)
def export_incremental(ctx: CheckContext) -> Decision:
    """`?since=T` on the export returns exactly the records whose updated_at >= T in the full export."""
    assert ctx.declaration is not None
    param = (ctx.declaration.incremental or {}).get("since_param")
    if not param:
        return failed("no incremental extract is declared (incremental.since_param)", [Finding("the declaration has no incremental.since_param")])
    entity = incremental_entity(ctx)
    if entity is None:
        return failed("no NDJSON or JSON export to take an incremental extract of", [Finding("incremental needs a record export")])
    full = entity_scan(ctx, entity)
    if isinstance(full, ScanFailure):
        return failure_decision(full)
    if full.limited or full.truncated:
        return skipped(f"the full {entity} export was not read whole, so the expected extract is unknown")
    if full.since is None or full.expected_since is None:
        return skipped(f"no {entity} record has a readable updated_at to choose T from")
    since = rfc3339(full.since)
    part = scan_since(ctx, entity, param, since)
    if isinstance(part, ScanFailure):
        return failure_decision(part)
    if part.limited:
        return skipped(part.limited)
    missing, extra = full.expected_since.difference(part.ids)
    detail = {"entity": entity, "since": since, "expected": len(full.expected_since), "returned": part.records, "missing": missing, "extra": extra}
    if missing or extra:
        return failed(
            f"?{param}={since} returned {part.records} {entity} records: {missing} changed records missing, {extra} unchanged records included",
            [Finding(f"incremental extract of {entity} since {since} differs from the full export", exchange=part.exchange, data=detail)],
        )
    return passed(f"?{param}={since} returned exactly the {part.records} {entity} records changed since then", [Finding("incremental extract matches", data=detail)])


@check("export.async-job", title="An asynchronous bulk export job (FHIR bulk data style) runs to its files", family="export", needs=NEEDS)
def export_async_job(ctx: CheckContext) -> Decision:
    """Kick-off with `Prefer: respond-async` gives 202, polling honours Retry-After, the manifest's files hold the records."""
    assert ctx.declaration is not None and ctx.live is not None
    job = ctx.declaration.export_job or {}
    if not job.get("kickoff"):
        return failed("no asynchronous export job is declared (export_job.kickoff)", [Finding("the declaration has no export_job")])
    pending = ctx.cache.get("export.background", {}).get("export.async-job")
    try:
        run = pending.result() if pending is not None else run_job(ctx)  # planned: run in the background
    except LimitReached as exc:
        return skipped(exc.reason)
    except ExportUnavailable as exc:
        finding = Finding(exc.reason, exchange=exc.exchange)
        return failed(exc.reason, [finding]) if exc.status is not None else errored(exc.reason, [finding])
    if run.limited:
        return skipped(run.limited)
    result = run.job
    findings: list[Finding] = []
    evidence = [Finding(f"job ready after {result.polls} polls ({result.waited_s} s); {len(result.outputs)} output files", data={"status_url": result.status_url})]
    counted = 0
    for out in run.outputs:
        if out.error is not None:
            findings.append(Finding(f"output {out.url}: {out.error}", exchange=out.exchange))
            continue
        counted += out.how == "lines"
        if out.problems:
            findings.append(Finding(f"output {out.url} ({out.kind}): unreadable records or a broken stream", data={"problems": list(out.problems)}))
        if out.declared is not None and out.declared != out.records:
            findings.append(Finding(f"output {out.url} has {out.records} {out.kind} records, its manifest says {out.declared}"))
        direct = entity_scan(ctx, out.kind) if out.kind in ENTITIES else None
        if isinstance(direct, EntityScan) and not (direct.limited or direct.truncated) and direct.records != out.records:
            findings.append(Finding(f"output {out.url} has {out.records} {out.kind} records, the direct export {direct.records}"))
        evidence.append(Finding(f"{out.kind}: {out.records} records ({'NDJSON lines counted' if out.how == 'lines' else 'read'}) from {out.url}", exchange=out.exchange))
    if not result.outputs:
        findings.append(Finding("the job's manifest lists no output files"))
    if findings:
        return failed(f"{len(findings)} problems with the export job's files", findings, evidence)
    how = f"; {counted} NDJSON files counted by line, their records validated through the direct exports" if counted else ""
    return passed(f"the export job delivered {len(result.outputs)} files, each downloaded whole, counts match the manifest and direct exports{how}", evidence)
