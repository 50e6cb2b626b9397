"""The asynchronous bulk export job (FHIR bulk data style): kick-off, polling, a manifest covering every entity, its files.

The job's NDJSON files are counted by line and each line only checked to look like one JSON object
(the first 1,000 of each file parsed): their records are not validated here, and the summary says so.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from interopcheck.checks.context import CheckContext
from interopcheck.checks.export_records import NEEDS
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, passed, skipped
from interopcheck.entities import ENTITIES
from interopcheck.export.discover import run_exports
from interopcheck.export.fetch import ExportUnavailable, JobResult, LimitReached, unavailable_reason
from interopcheck.export.jobcheck import PARSE_FIRST, JobOutput, run_job
from interopcheck.export.runner import entity_scan
from interopcheck.export.scan import EntityScan
from interopcheck.model import Finding


def expected_types(ctx: CheckContext, kickoff: str) -> list[str]:
    """The entities the job's manifest must cover: the kick-off's `_type`, else every entity with a direct export (else declared)."""
    assert ctx.declaration is not None
    query = parse_qs(urlsplit(kickoff).query)
    named = [t.strip() for v in query.get("_type", ()) for t in v.split(",") if t.strip()]
    if named:
        return [e for e in ENTITIES if e in named]
    direct = [e for e in ctx.scope.entities if any(d.entity == e for d in run_exports(ctx))]
    return direct or [e for e in ctx.scope.entities if e in ctx.declaration.entities]


def manifest_findings(ctx: CheckContext, kickoff: str, job: JobResult) -> list[Finding]:
    """What the manifest alone shows wrong: expected entities without an output file, a non-empty `error` list."""
    findings: list[Finding] = []
    listed = {kind for kind, _ in job.outputs}
    absent = [e for e in expected_types(ctx, kickoff) if e not in listed]
    if absent:
        findings.append(Finding(f"the job's manifest has no output file for {len(absent)} entities: {', '.join(absent)}", data={"absent": absent}))
    errors: Any = job.manifest.get("error") if isinstance(job.manifest, dict) else None
    if isinstance(errors, list) and errors:
        named = [f"{e.get('type', '?')} {e.get('url', '?')}" if isinstance(e, dict) else repr(e) for e in errors]
        findings.append(Finding(f"the job's manifest lists {len(errors)} error files (OperationOutcome): {', '.join(named[:10])}", data={"error": errors[:50]}))
    elif errors is not None and not isinstance(errors, list):
        findings.append(Finding("the job's manifest has an `error` that is not an array", data={"error": repr(errors)[:200]}))
    return findings


def _output_findings(out: JobOutput) -> list[Finding]:
    """What one downloaded output file shows wrong."""
    if out.untested:
        return []  # never requested (the run's time budget) or never answered: the check errors with the reason
    if out.error is not None:
        return [Finding(f"output {out.url}: {out.error}", exchange=out.exchange)]
    findings = []
    if out.problems:
        findings.append(Finding(f"output {out.url} ({out.kind}): unreadable records or a broken stream", data={"problems": list(out.problems)}))
    if out.bad:
        lines = ", ".join(map(str, out.bad_lines))
        findings.append(Finding(f"output {out.url} ({out.kind}): {out.bad} lines are not one JSON object (lines {lines}{', ...' if out.bad > len(out.bad_lines) else ''})", data={"bad": out.bad, "lines": list(out.bad_lines)}))
    if out.declared is not None and out.declared != out.records:
        findings.append(Finding(f"output {out.url} has {out.records} {out.kind} records, its manifest says {out.declared}"))
    return findings


def job_unavailable(ctx: CheckContext, exc: ExportUnavailable) -> Decision:
    """An export job that could not be used: failed when the sandbox answered (a status), errored when it did not."""
    reason = unavailable_reason(ctx.live, exc)
    finding = Finding(reason, exchange=exc.exchange)
    return failed(reason, [finding]) if exc.status is not None else errored(reason, [finding])


@check("export.async-job", title="An asynchronous bulk export job (FHIR bulk data style) runs to its files", family="export", needs=NEEDS)
def export_async_job(ctx: CheckContext) -> Decision:
    """Kick-off with `Prefer: respond-async` gives 202, polling honours Retry-After, the manifest covers every entity without errors, its files hold the records."""
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
        return job_unavailable(ctx, exc)
    result = run.job
    manifest = manifest_findings(ctx, job["kickoff"], result)
    evidence = [Finding(f"job ready after {result.polls} polls ({result.waited_s} s); {len(result.outputs)} output files", data={"status_url": result.status_url})]
    if run.limited:
        if manifest:
            return failed(f"{len(manifest)} problems with the export job's manifest (its files were not all read: {run.limited})", manifest, evidence)
        return skipped(run.limited)
    findings: list[Finding] = []
    counted = declared = 0
    totals: dict[str, int | None] = {}
    for out in run.outputs:
        findings += _output_findings(out)
        counted += out.how == "lines"
        declared += out.error is None and out.declared is not None
        if out.records is None:
            totals[out.kind] = None  # a file not downloaded: the type's total is unknown
        elif out.kind not in totals or totals[out.kind] is not None:
            totals[out.kind] = (totals.get(out.kind) or 0) + out.records
        if out.error is None:
            evidence.append(Finding(f"{out.kind}: {out.records} records ({'NDJSON lines counted' if out.how == 'lines' else 'read'}) from {out.url}", exchange=out.exchange))
    matched = 0
    for kind, total in totals.items():
        direct = entity_scan(ctx, kind) if kind in ENTITIES and total is not None else None
        if not isinstance(direct, EntityScan) or direct.limited or direct.truncated:
            continue
        if direct.records != total:
            findings.append(Finding(f"the job's {kind} files hold {total} records, the direct export {direct.records}", data={"entity": kind, "job": total, "direct": direct.records}))
        else:
            matched += 1
    if not result.outputs:
        findings.append(Finding("the job's manifest lists no output files"))
    findings += manifest
    if findings:
        return failed(f"{len(findings)} problems with the export job's manifest or files", findings, evidence)
    untested = [out for out in run.outputs if out.untested]
    if untested:
        return errored(f"{len(untested)} of the job's {len(run.outputs)} files were not downloaded: {untested[0].error}")
    expected = expected_types(ctx, job["kickoff"])
    summary = f"the export job delivered {len(result.outputs)} files covering the {len(expected)} expected entities, each downloaded whole"
    if declared:
        summary += f"; {declared} files hold the count their manifest entry gives"
    if matched:
        summary += f"; {matched} entities' counts match their direct exports"
    if counted:
        summary += (f"; {counted} NDJSON files counted by line, each line checked to look like one JSON object"
                    f" (the first {PARSE_FIRST:,} of each file parsed), their records not validated")
    return passed(summary, evidence)
