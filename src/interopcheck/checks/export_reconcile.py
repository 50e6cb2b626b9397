"""Export checks that reconcile: complete against the API, round-trip, unique ids, references, incremental.

They read the cached per-entity scans; a scan stopped by a user limit makes a check skip (with the
reason) unless a failure was already proven, so a limit can never turn into a pass.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.export_records import NEEDS, failure_decision, missing_summary
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.export.discover import run_exports
from interopcheck.export.reconcile import records_equal, rfc3339
from interopcheck.export.background import api_count_of, item_or_error, pending
from interopcheck.export.jobcheck import scan_job_since
from interopcheck.export.runner import ScanFailure, entity_scan, incremental_entity, job_since_key, job_since_param, scan_since
from interopcheck.export.scan import EntityScan
from interopcheck.export.validate import mapper_for
from interopcheck.model import Finding, Status

ROUNDTRIP_THREADS = 8


def _scans(ctx: CheckContext) -> tuple[dict[str, EntityScan], list[Decision]]:
    """The record-export scan of every entity, and the decisions for those that could not be scanned."""
    scans, broken = {}, []
    for entity in ctx.scope.entities:
        result = entity_scan(ctx, entity)
        if isinstance(result, ScanFailure):
            broken.append(failure_decision(result))
        else:
            scans[entity] = result
    return scans, broken


def _decide(findings: list[Finding], limits: list[str], broken: list[Decision], ok: str, bad: str, evidence: list[Finding] | None = None) -> Decision:
    """Fail on findings or a missing export; else error/skip when something could not be read or a limit stopped a scan; else pass.

    A missing (undeclared, refused or unreadable) export is worded as what it is ("no record export of
    leasehold is declared"), never counted into `bad` ("entities have duplicate ids"): the supplier must
    know which of the two to fix. `evidence` shows the comparisons that passed, on a fail too.
    """
    failures = [d for d in broken if d.status is Status.FAIL]
    if findings or failures:
        missing = [f for d in failures for f in (d.findings or (Finding(d.summary),))]
        parts = ([bad.format(n=len(findings))] if findings else []) + [missing_summary([d.summary for d in failures])]
        return failed("; ".join(p for p in parts if p), (findings + missing)[:200], evidence or ())
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
    return _decide(findings, limits, broken, f"all {len(ctx.scope.entities)} entities in scope exported whole", "{n} entities incomplete", evidence)


@check("export.roundtrip", title="Sampled export records equal the API's records", family="export", needs=NEEDS)
def export_roundtrip(ctx: CheckContext) -> Decision:
    """For sampled ids, the export record equals the API item record for the same id after mapping."""
    assert ctx.declaration is not None
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    compared = 0
    wanted: list[tuple[str, Any, int, str, Any]] = []
    untyped = [entity for entity, scan in scans.items() if scan.format == "csv"]
    for entity, scan in scans.items():
        if entity in untyped:
            continue  # CSV cells are text: comparing them with the API's typed fields would report false differences
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
    equal: dict[str, int] = {}
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
        else:
            equal[entity] = equal.get(entity, 0) + 1
    shown = [Finding(f"{entity}: {n} sampled records equal their API records", data={"entity": entity, "equal": n}) for entity, n in equal.items() if entity not in skipped_entities]
    notes = [f"not compared: {', '.join(untyped)}, whose only record export is CSV (CSV values are text, so they cannot be compared field for field with the API's typed records)"] if untyped else []
    if not compared and not findings and not broken:
        return skipped("; ".join(limits + notes) or "no export records to compare")
    ok = "; ".join([f"{compared} sampled records equal their API records", *notes])
    return _decide(findings, limits, broken, ok, "{n} sampled records differ from the API", shown + [Finding(n) for n in notes])


@check("export.unique-ids", title="No duplicate or missing ids in any export", family="export", needs=NEEDS)
def export_unique_ids(ctx: CheckContext) -> Decision:
    """Within each entity's export every record has an id and no id occurs twice."""
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    evidence: list[Finding] = []
    for entity, scan in scans.items():
        if not (scan.ids.duplicates or scan.missing_ids or scan.limited or scan.truncated):
            evidence.append(Finding(f"{entity}: {scan.records} ids, all unique", data={"entity": entity, "ids": scan.records}))
        if scan.ids.duplicates:
            findings.append(Finding(f"{entity}: {scan.ids.duplicates} records repeat an id already exported", data={"entity": entity, "duplicates": scan.ids.duplicates}))
        if scan.missing_ids:
            findings.append(Finding(f"{entity}: {scan.missing_ids} records have no string id", data={"entity": entity, "missing": scan.missing_ids}))
        if scan.limited:
            limits.append(f"{entity}: {scan.limited}")
        elif scan.truncated:
            limits.append(f"{entity}: the export is truncated, so ids after the break are unknown (see export.complete)")
    total = sum(s.records - s.missing_ids for s in scans.values())
    return _decide(findings, limits, broken, f"{total} ids across {len(scans)} entities, all unique", "{n} entities have duplicate ids or records without an id", evidence)


@check("export.referential-integrity", title="Every reference in the export resolves to an exported record", family="export", needs=NEEDS)
def export_referential_integrity(ctx: CheckContext) -> Decision:
    """Each reference (a tenancy's property, a rent account's tenancy, ...) names a record in the target entity's export."""
    scans, broken = _scans(ctx)
    findings: list[Finding] = []
    limits: list[str] = []
    checked = 0
    resolved: list[Finding] = []
    for ref in ctx.scope.references:  # both ends in scope: a reference to an entity out of scope is not checked
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
        if not (orphans or absent or source.limited):
            resolved.append(Finding(f"{ref.entity}.{ref.field}: {source.ref_checked.get(ref, 0)} references to {ref.target} resolve", data={"reference": ref.field, "target": ref.target, "resolved": source.ref_checked.get(ref, 0)}))
        if orphans:
            findings.append(Finding(f"{ref.entity}.{ref.field}: {orphans} references to {ref.target} records that are not in the export", data={"reference": ref.field, "target": ref.target, "orphans": orphans}))
        if source.limited:
            limits.append(f"{ref.entity}: {source.limited}")
    skipped_refs = [f"{r.entity}.{r.field} -> {r.target}" for r in ctx.scope.skipped_references()]
    evidence = resolved + ([Finding(f"not checked, their target is out of scope: {', '.join(skipped_refs)}", data={"not_checked": skipped_refs})] if skipped_refs else [])
    return _decide(findings, limits, broken, f"{checked} references resolve", "{n} reference fields do not resolve", evidence)


@check("export.incremental", title="An extract since time T holds exactly the records changed since T", family="export", needs=NEEDS)
def export_incremental(ctx: CheckContext) -> Decision:
    """`?since=T` on the export, and the export job's own since parameter, return exactly the records the full export shows as updated after T.

    T lies between the stamps' precision steps (`...:26.5Z` for whole seconds), so a supplier reading
    `since` as "after T" (FHIR `_since`) and one reading it as "at or after T" both return that set.
    """
    assert ctx.declaration is not None
    param = (ctx.declaration.incremental or {}).get("since_param")
    job_param = job_since_param(ctx)
    if not param and not job_param:
        why = "no incremental extract is declared (incremental.since_param, or export_job.since_param)"
        return failed(why, [Finding("the declaration has no incremental.since_param and no export_job.since_param")])
    entity = incremental_entity(ctx)
    if entity is None:
        if run_exports(ctx):  # our limit, not the supplier's failure
            return skipped("only CSV or zip exports are declared: the incremental extract is compared on an NDJSON or JSON export, so it was not tested")
        return failed("no export is declared to take an incremental extract of", [Finding("incremental needs a record export")])
    full = entity_scan(ctx, entity)
    if isinstance(full, ScanFailure):
        return failure_decision(full)
    if full.limited or full.truncated:
        return skipped(f"the full {entity} export was not read whole, so the expected extract is unknown")
    if full.since is None or full.expected_since is None:
        return skipped(f"no {entity} record has a readable updated_at to choose T from")
    since = rfc3339(full.since)
    extracts: list[tuple[str, EntityScan | ScanFailure]] = []
    if param:
        extracts.append((f"?{param}={since}", scan_since(ctx, entity, param, since)))
    if job_param:
        early = pending(ctx, job_since_key(entity, since))
        extracts.append((f"the export job with {job_param}={since}", early.result() if early is not None else scan_job_since(ctx, entity, since)))
    findings: list[Finding] = []
    unsure: list[Decision] = []
    evidence: list[Finding] = []
    for label, part in extracts:
        if isinstance(part, ScanFailure):
            decided = failure_decision(part)
            if decided.status is Status.FAIL:
                findings.extend(decided.findings)
            else:
                unsure.append(decided)
            continue
        if part.limited:
            unsure.append(skipped(part.limited))
            continue
        found, doubt, detail = _compare(ctx, entity, full, part, since, label)
        findings += found
        if doubt:
            unsure.append(skipped(doubt))
        elif not found:
            evidence.append(Finding(f"{label} returned exactly the {part.records} {entity} records the full export shows as updated after {since}", exchange=part.exchange, data=detail))
    if findings:
        return failed(f"{len(findings)} problems with the incremental extracts of {entity} since {since}", findings, [Finding(d.summary) for d in unsure] + evidence)
    if unsure:
        errors = [d for d in unsure if d.status is Status.ERROR]
        return errored("; ".join(d.summary for d in errors)) if errors else skipped("; ".join(d.summary for d in unsure))
    note = Finding(f"{since} lies between the sampled stamps' precision steps, so a since parameter read as after or as at-or-after it selects the same records")
    return passed("; ".join(f.message for f in evidence), [*evidence, note])


def _compare(ctx: CheckContext, entity: str, full: EntityScan, part: EntityScan, since: str, label: str) -> tuple[list[Finding], str | None, dict[str, Any]]:
    """An extract since T against the full export: (its problems, why extra records prove nothing if they don't, the figures)."""
    assert full.expected_since is not None
    missing, extra = full.expected_since.difference(part.ids)
    kept = len(full.ids) > 0 or full.records == full.missing_ids  # the full export's own ids were kept to compare with
    absent = part.ids.difference(full.ids)[0] if extra and kept else None  # returned, but not in the full export at all
    detail = {"entity": entity, "since": since, "expected": len(full.expected_since), "returned": part.records, "missing": missing, "extra": extra, "absent": absent}
    findings: list[Finding] = []
    if part.truncated:
        why = next((p.message for p in part.problems if p.fatal), "the stream ended early")
        findings.append(Finding(f"{label}: the extract is truncated after {part.records} records: {why}", exchange=part.exchange))
    if part.ids.duplicates:
        findings.append(Finding(f"{label}: {part.ids.duplicates} {entity} records repeat an id already returned", exchange=part.exchange))
    if missing:
        findings.append(Finding(f"{label}: {missing} of the {len(full.expected_since)} {entity} records the full export shows as updated after {since} are missing", exchange=part.exchange, data=detail))
    doubt = None
    if extra and absent is not None:
        if extra - absent:
            findings.append(Finding(f"{label}: {extra - absent} {entity} records returned that the full export shows as not updated after {since} (older, or without a readable updated_at)", exchange=part.exchange, data=detail))
        if absent:
            doubt = f"{label} returned {absent} {entity} records the full export does not hold, so the full export cannot serve as the reference for the expected extract (see export.complete)"
    elif extra:
        whole = _full_export_whole(ctx, entity, full)
        if whole is None:
            findings.append(Finding(f"{label}: {extra} {entity} records returned that are not among those the full export shows as updated after {since}", exchange=part.exchange, data=detail))
        else:
            doubt = f"{label} returned {extra} {entity} records not among those the full export shows as updated after {since}, and the full export could not be confirmed whole ({whole})"
    return findings, doubt, detail


def _full_export_whole(ctx: CheckContext, entity: str, full: EntityScan) -> str | None:
    """None when the full export has as many records as the API counts; else why that could not be confirmed."""
    assert ctx.declaration is not None
    mapping = ctx.declaration.entities.get(entity)
    if mapping is None:
        return f"no API collection of {entity} is declared to count against"
    try:
        count = api_count_of(ctx, entity, mapping)
    except CheckSkipped as exc:
        return exc.reason
    except LiveError as exc:
        return f"the API count could not be read: {exc.message}"
    if count.count != full.records:
        return f"it has {full.records} records, the API {count.count}"
    return None
