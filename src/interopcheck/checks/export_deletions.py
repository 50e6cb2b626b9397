"""Export check of deletions (HSG-EXP-10): `export.deletions`.

An incremental bulk export tells the council what changed since T; FHIR Bulk Data Access adds what
was deleted since T, in the manifest's `deleted` array (HL7/bulk-data, input/pagecontent/export.md:
"When a `_since` timestamp is supplied in the export request, this array SHOULD be populated with
output files ... that indicate which FHIR resources match the kick-off request criteria, but have
been deleted subsequent to the `_since` date"). The check starts the declared export job with its
since parameter set just before the earliest known deletion and requires every record known to be
deleted since then (from the deletions feed and the delete change events) in that list.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any

import orjson

from interopcheck.checks.context import CheckContext
from interopcheck.checks.deletion_feed import Tombstone, change_deletes, declared, feed_path, keys, read_feed, stamp_time
from interopcheck.checks.export_job import job_unavailable
from interopcheck.checks.export_records import NEEDS
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, errored, failed, from_findings, not_applicable, skipped
from interopcheck.declaration import MISSING, DeletionsDecl, pointer_get
from interopcheck.errors import LiveError
from interopcheck.export.fetch import ExportUnavailable, LimitReached, run_async_job
from interopcheck.export.runstate import early_key, early_work, pending
from interopcheck.model import Finding

#: Deleted-record files read from one manifest (each one is normally small: only what was deleted since T).
MAX_FILES = 50


def _known(ctx: CheckContext, decl: DeletionsDecl | None) -> list[Tombstone]:
    """Every deletion the run knows of: the feed's tombstones and the delete change events."""
    known: list[Tombstone] = []
    if decl is not None and (path := feed_path(ctx, decl)) is not None and "{" not in path:
        known += read_feed(ctx, decl, path).tombstones
    changes = change_deletes(ctx)
    if changes is not None:
        known += changes.deletes
    return known


def _fhir_deletes(line: Any) -> list[tuple[str, str]]:
    """(type, id) of the DELETE entries of a FHIR transaction Bundle line."""
    out = []
    for entry in line.get("entry") or () if isinstance(line, dict) else ():
        request = entry.get("request") if isinstance(entry, dict) else None
        if isinstance(request, dict) and str(request.get("method", "")).upper() == "DELETE" and "/" in str(request.get("url", "")):
            kind, _, rid = str(request["url"]).rstrip("/").rpartition("/")
            out.append((kind.rsplit("/", 1)[-1], rid))
    return out


def _listed(ctx: CheckContext, decl: DeletionsDecl, items: list[Any]) -> tuple[set[tuple[str, str]], list[Finding], list[Finding]]:
    """(entity, id) of every record the manifest's `deleted` items name, reading their files; problems; evidence."""
    assert ctx.live is not None
    found: set[tuple[str, str]] = set()
    problems: list[Finding] = []
    evidence: list[Finding] = []
    for item in items[:MAX_FILES]:
        if not isinstance(item, dict):
            problems.append(Finding(f"a `deleted` item is not an object: {item!r:.80}"))
            continue
        rid = pointer_get(item, decl.id_field)
        if "url" not in item and rid is not MISSING:  # an inline tombstone
            found.add((str(pointer_get(item, decl.entity_field)), str(rid)))
            continue
        url = item.get("url")
        if not isinstance(url, str):
            problems.append(Finding(f"a `deleted` item has no url: {item!r:.120}"))
            continue
        try:
            resp = ctx.live.client.get(url)
        except LiveError as exc:
            problems.append(Finding(f"deleted file {url}: {exc.message}", exchange=getattr(exc, "exchange", None)))
            continue
        if resp.status != 200:
            problems.append(Finding(f"deleted file {url} answered HTTP {resp.status}", exchange=resp.exchange))
            continue
        lines = [raw for raw in resp.content.splitlines() if raw.strip()]
        for n, raw in enumerate(lines, 1):
            try:
                line = orjson.loads(raw)
            except orjson.JSONDecodeError:
                problems.append(Finding(f"deleted file {url}: line {n} is not JSON", exchange=resp.exchange))
                break
            if isinstance(line, dict) and line.get("resourceType") == "Bundle":
                found.update(_fhir_deletes(line))
                continue
            entity, rid = pointer_get(line, decl.entity_field), pointer_get(line, decl.id_field)
            if entity is MISSING and isinstance(item.get("type"), str):
                entity = item["type"]
            if entity is MISSING or rid is MISSING:
                problems.append(Finding(f"deleted file {url}: line {n} names no {decl.entity_field} and {decl.id_field}", exchange=resp.exchange))
                break
            found.add((str(entity), str(rid)))
        evidence.append(Finding(f"deleted file {url}: {len(lines)} records", exchange=resp.exchange))
    return found, problems, evidence


def _still_output(ctx: CheckContext, outputs: tuple[tuple[str, str], ...], listed: set[tuple[str, str]]) -> tuple[list[Finding], list[Finding]]:
    """Records the manifest lists as deleted that its own `output` files still hold (FHIR Bulk Data:
    "Resources that appear in the 'deleted' section of an export manifest SHALL NOT appear in the
    'output' section"); read only for the entities with deletions, whose incremental files are small."""
    assert ctx.live is not None and ctx.declaration is not None
    kinds = {e for e, _ in listed}
    findings: list[Finding] = []
    unread: list[Finding] = []
    for kind, url in [o for o in outputs if o[0] in kinds][:MAX_FILES]:
        mapping = ctx.declaration.entities.get(kind)
        id_field = mapping.id_field if mapping is not None else "/id"
        try:
            resp = ctx.live.client.get(url)
        except LiveError as exc:
            unread.append(Finding(f"output {url} was not read to look for deleted records: {exc.message}"))
            continue
        if resp.status != 200:
            unread.append(Finding(f"output {url} answered HTTP {resp.status}, so it was not searched for deleted records", exchange=resp.exchange))
            continue
        held = set()
        for raw in resp.content.splitlines():
            try:
                rid = pointer_get(orjson.loads(raw), id_field) if raw.strip() else MISSING
            except orjson.JSONDecodeError:
                continue  # export.async-job reports unreadable lines
            if rid is not MISSING and (kind, str(rid)) in listed:
                held.add(str(rid))
        if held:
            findings.append(Finding(f"output {url} still holds {len(held)} {kind} records the manifest lists as deleted: {', '.join(sorted(held)[:5])}", exchange=resp.exchange))
    return findings, unread


@check("export.deletions", title="An incremental export lists the records deleted since T", family="export", needs=NEEDS)
def export_deletions(ctx: CheckContext) -> Decision:
    """HSG-EXP-10: the export job started with its since parameter just before the earliest known
    deletion (from the deletions feed and the delete change events) answers a manifest whose
    `deleted` list (declared `deletions.manifest_pointer`, FHIR Bulk Data's `deleted`: file items
    of {entity, id, deleted_at} lines or FHIR transaction Bundles, or inline tombstones) names
    every one of them, and whose `output` files of those entities hold none of them. No export job
    declared, or one with no since parameter (no incremental export): not applicable. No deletion known: not tested."""
    early = pending(ctx, early_key("export.deletions"))
    return early.result() if early is not None else _decide(ctx)  # type: ignore[no-any-return]


@early_work("export.deletions")
def _decide(ctx: CheckContext) -> Decision:
    """The check's work: requests that wait on the network (the walks of the deletions feed and the change
    events, the export job and its files), so a planned run starts it beside the export scans."""
    assert ctx.declaration is not None and ctx.live is not None
    job = ctx.declaration.export_job or {}
    if not job.get("kickoff"):
        return not_applicable("no asynchronous export job is declared (export_job.kickoff), so there is no incremental manifest to list deletions")
    param = job.get("since_param")
    if not param:
        # No incremental export is offered (HSG-EXP-06 judges that); a deletions list cannot be asked of a job that has none.
        return not_applicable("the export job declares no since parameter (export_job.since_param): it offers no incremental export, "
                              "so there is no incremental manifest to list deletions (HSG-EXP-06 judges incremental exports)")
    decl = declared(ctx)
    known = [t for t in _known(ctx, decl) if stamp_time(t.deleted_at) is not None]
    if not known and decl is None:
        return skipped("no deletions feed is declared (deletions:) and no change event records a delete, so whether an incremental export lists deletions could not be tested")
    if not known:
        return errored("not tested: neither the deletions feed nor the change events name a deleted record, so the data holds no deletion to look for in the manifest")
    # A second before the earliest deletion, so a server reading _since as "after T" lists it too.
    since = (min(stamp_time(t.deleted_at) for t in known) - timedelta(seconds=1)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[type-var, operator]
    try:
        result = run_async_job(ctx.live.client, job["kickoff"], params={param: since})
    except LimitReached as exc:
        return skipped(exc.reason)
    except ExportUnavailable as exc:
        return job_unavailable(ctx, exc)
    pointer = decl.manifest_pointer if decl is not None else "/deleted"
    items = pointer_get(result.manifest, pointer)
    expected = keys(known)
    head = f"the export job with {param}={since}"
    if items is MISSING or items is None:
        items = []
    if not isinstance(items, list):
        return failed(f"{head}: the manifest's {pointer} is not an array", [Finding(f"{pointer} is {type(items).__name__}", data={"status_url": result.status_url})])
    listed, problems, evidence = _listed(ctx, decl or _DEFAULT, items)
    findings = problems
    held, unread = _still_output(ctx, result.outputs, listed)
    findings += held
    evidence += unread
    if missing := expected - listed:
        shown = ", ".join(f"{e} {i}" for e, i in sorted(missing)[:5]) + (", ..." if len(missing) > 5 else "")
        findings.append(Finding(
            f"{head}: the manifest's {pointer} list leaves out {len(missing)} of the {len(expected)} records deleted since then: {shown}",
            data={"status_url": result.status_url, "missing": [list(p) for p in sorted(missing)[:200]]},
        ))
    return from_findings(
        findings,
        ok=f"{head}: the manifest's {pointer} list names all {len(expected)} records known to be deleted since then",
        bad="{n} problems with the deletions an incremental export lists",
        evidence=[Finding(f"{head}: {len(items)} `deleted` items naming {len(listed)} records", data={"status_url": result.status_url}), *evidence],
    )


_DEFAULT = DeletionsDecl(collection="", since_param="")
