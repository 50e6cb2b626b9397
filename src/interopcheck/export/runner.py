"""The bridge between checks and the export machinery: which export to read, download it once, cache the scan.

Every export check asks `entity_scan(ctx, entity)`; the first call downloads and scans, later ones
read `ctx.cache`. A zip archive is downloaded once (spooled to disk) and serves every entity inside it.
A planned run (`export.background`) starts the scans early and may parse them in worker processes; the
runner reaches that work through `export.runstate`, below both, so neither imports the other.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from interopcheck.declaration import ExportDecl
from interopcheck.export import runstate
from interopcheck.export.discover import run_exports
from interopcheck.entities import REFERENCES, Reference
from interopcheck.errors import CheckSkipped
from interopcheck.export.fetch import ExportUnavailable, LimitReached, Limits, open_export, unavailable_reason
from interopcheck.export.readers import ReadProblem
from interopcheck.export.archives import ZipEntry, iter_zip_entry, open_zip, spool, zip_entries
from interopcheck.export.csvscan import scan_csv
from interopcheck.export.reconcile import IdIndex
from interopcheck.export.scan import EntityScan, scan_records
from interopcheck.export.validate import mapper_for
from interopcheck.export.workers import pooled_csv, pooled_records
from interopcheck.measures.definitions import ReportingYear, reporting_year
from interopcheck.measures.tally import tally_for

PREFERENCE = ("ndjson", "json", "zip", "csv")
ROUNDTRIP_SAMPLES = 10


@dataclass(frozen=True)
class ScanFailure:
    """Why an entity's export could not be scanned, with the reason: `limit` (skip), `unavailable` (an HTTP
    refusal fails, a transport error errors), `broken` (a file that downloaded but cannot be read: fails), `undeclared`."""

    entity: str
    kind: str  # limit, unavailable, broken, undeclared
    reason: str
    status: int | None = None
    exchange: Any = None


def choose_export(ctx: Any, entity: str, formats: tuple[str, ...] = PREFERENCE) -> ExportDecl | None:
    """The declared export of `entity` to read, preferring record formats over CSV."""
    declared = [d for d in run_exports(ctx) if d.entity == entity]
    for fmt in formats:
        for decl in declared:
            if decl.format == fmt:
                return decl
    return None


def incremental_entity(ctx: Any) -> str | None:
    """The entity whose export the incremental check re-reads since T (the first with a record export)."""
    if ctx.declaration is None or not (ctx.declaration.incremental or job_since_param(ctx)):
        return None
    for decl in run_exports(ctx):
        if decl.format in ("ndjson", "json"):
            return decl.entity
    return None


def entity_scan(ctx: Any, entity: str, *, fmt: str | None = None) -> EntityScan | ScanFailure:
    """The cached scan of `entity`'s export (of format `fmt`, else the preferred one), downloading it on first use."""
    decl = choose_export(ctx, entity, (fmt,) if fmt else PREFERENCE)
    if decl is None:
        if fmt == "csv" and (zipped := choose_export(ctx, entity, ("zip",))) is not None:
            return _zip_csv(ctx, zipped)
        return ScanFailure(entity, "undeclared", f"no {fmt or 'record'} export of {entity} is declared")
    key = scan_key(decl)
    if key not in ctx.cache:
        runstate.start_background(ctx)
        early = runstate.pending(ctx, key)
        if early is not None:
            ctx.cache[key] = early.result()
        else:
            ctx.cache[key] = scan_decl(ctx, decl)
            runstate.follow_up(ctx, decl, ctx.cache[key])
    return ctx.cache[key]


def measures_year(ctx: Any) -> ReportingYear:
    """The reporting year the run's measures count (`--measures-year`, else the latest complete one), fixed once per run."""
    if "measures.year" not in ctx.cache:
        ctx.cache["measures.year"] = reporting_year(getattr(ctx.options, "measures_year", None))
    return ctx.cache["measures.year"]


def scan_key(decl: ExportDecl) -> str:
    """The cache key of a declared export's scan."""
    return f"export.scan:{decl.entity}:{decl.format}:{decl.url}"


def since_key(entity: str, since_param: str, since: str) -> str:
    """The key of an incremental extract's scan."""
    return f"export.since:{entity}:{since_param}:{since}"


def csv_form_only(ctx: Any, decl: ExportDecl) -> bool:
    """Whether `decl` is a CSV checked only for its form (the entity's records come from its record export)."""
    return decl.format == "csv" and _ids_mode(ctx, decl, None) == "none"


def require_scan(ctx: Any, entity: str, *, fmt: str | None = None) -> EntityScan:
    """`entity_scan`, raising CheckSkipped when a limit stopped it (callers handle ScanFailure otherwise)."""
    result = entity_scan(ctx, entity, fmt=fmt)
    if isinstance(result, ScanFailure) and result.kind == "limit":
        raise CheckSkipped(result.reason)
    return result  # type: ignore[return-value]


def scan_decl(ctx: Any, decl: ExportDecl, params: dict[str, str] | None = None, track: bool | None = None) -> EntityScan | ScanFailure:
    """Download and scan one declared export now (`params`: query parameters; `track`: the incremental re-read)."""
    limits = Limits.from_options(ctx.options)
    if track is None and csv_form_only(ctx, decl):
        return _scan_csv_form(ctx, decl, limits)
    validator = ctx.standards.validator(decl.entity) if ctx.standards is not None and decl.format != "csv" else None
    kwargs: dict[str, Any] = {
        "validator": validator,
        "mapper": mapper_for(ctx.declaration, decl.entity),
        "max_records": limits.max_records,
        "max_decompressed": limits.max_bytes,
        "track_updated": incremental_entity(ctx) == decl.entity if track is None else track,
        "targets": _targets(ctx, decl.entity) if track is None else None,
        "ids_mode": _ids_mode(ctx, decl, track),
        "samples": min(ctx.options.sample, ROUNDTRIP_SAMPLES),
        "seed": ctx.options.seed,
        "url": decl.url,
    }
    planned = ctx.cache.get("export.planned")
    if track is None and (planned is None or "returns.tsm" in planned):  # the one full read feeds the measures, never a re-read
        kwargs["tally"] = tally_for(decl.entity, measures_year(ctx))
    try:
        if decl.format == "zip":
            return _scan_zip(ctx, decl, limits, kwargs)
        with open_export(ctx.live.client, decl.url, limits, params) as download:
            scan = _records(ctx, decl.entity, decl.format, download.chunks, kwargs)
            if download.broken is not None:
                scan = _with_problem(scan, download.broken)
            return _replace(scan, bytes_read=download.bytes_read, exchange=download.exchange)
    except LimitReached as exc:
        return ScanFailure(decl.entity, "limit", exc.reason)
    except ExportUnavailable as exc:
        return ScanFailure(decl.entity, "unavailable", unavailable_reason(ctx.live, exc), exc.status, exc.exchange)


def _scan_csv_form(ctx: Any, decl: ExportDecl, limits: Limits) -> EntityScan | ScanFailure:
    """Every row of a CSV whose records the entity's record export supplies: form only (see `export.csvscan`)."""
    try:
        with open_export(ctx.live.client, decl.url, limits) as download:
            args = {"max_records": limits.max_records, "max_decompressed": limits.max_bytes, "url": decl.url}
            pool = runstate.pool_for(ctx)
            scan = pooled_csv(pool, decl.entity, download.chunks, args) if pool is not None else scan_csv(decl.entity, download.chunks, **args)
            if download.broken is not None:
                scan = _with_problem(scan, download.broken)
            return _replace(scan, bytes_read=download.bytes_read, exchange=download.exchange)
    except LimitReached as exc:
        return ScanFailure(decl.entity, "limit", exc.reason)
    except ExportUnavailable as exc:
        return ScanFailure(decl.entity, "unavailable", unavailable_reason(ctx.live, exc), exc.status, exc.exchange)


def _records(ctx: Any, entity: str, fmt: str, chunks: Iterable[bytes], kwargs: dict[str, Any]) -> EntityScan:
    """`scan_records`, in a worker process when the run has them (see `export.workers`)."""
    pool = runstate.pool_for(ctx)
    if pool is not None:
        return pooled_records(pool, entity, fmt, chunks, kwargs)
    return scan_records(entity, fmt, chunks, **kwargs)


def _ids_mode(ctx: Any, decl: ExportDecl, track: bool | None) -> str:
    """Keep id hashes only where a check needs them: reference targets and the incremental comparison."""
    if decl.format == "csv" and choose_export(ctx, decl.entity, PREFERENCE[:-1]) is not None:
        return "none"  # the record export is the entity's scan; this CSV is only checked for its form
    if track is False or any(r.target == decl.entity for r in REFERENCES):
        return "keep"
    return "count"


def _targets(ctx: Any, entity: str) -> dict[Reference, IdIndex | None]:
    """The id index of each entity `entity` references, scanning those first (None when not read whole)."""
    out: dict[Reference, IdIndex | None] = {}
    for ref in ctx.scope.references:  # a target out of the run's scope is not scanned, so not checked
        if ref.entity != entity or ref.target == entity:
            continue
        target = entity_scan(ctx, ref.target)
        ok = isinstance(target, EntityScan) and not (target.limited or target.truncated)
        out[ref] = target.ids if ok else None  # type: ignore[union-attr]
    return out


def scan_since(ctx: Any, entity: str, since_param: str, since: str) -> EntityScan | ScanFailure:
    """A fresh (uncached) scan of `entity`'s record export with `?<since_param>=<since>`."""
    early = runstate.pending(ctx, since_key(entity, since_param, since))
    if early is not None:
        return early.result()  # started in the background as soon as the full scan fixed T
    return scan_since_now(ctx, entity, since_param, since)


def job_since_param(ctx: Any) -> str | None:
    """The parameter the declared export job takes to limit it to changes since a time (`_since`), if declared."""
    job = (ctx.declaration.export_job or {}) if ctx.declaration is not None else {}
    return job.get("since_param") if job.get("kickoff") else None


def job_since_key(entity: str, since: str) -> str:
    """The key of the scan of an export job's `entity` files since T."""
    return f"export.job-since:{entity}:{since}"


def rescan(ctx: Any, entity: str, fmt: str, chunks: Iterable[bytes], url: str) -> EntityScan:
    """`chunks` scanned as a re-read of `entity` (mapped, ids kept to compare, not validated), in a worker when the run has them."""
    limits = Limits.from_options(ctx.options)
    kwargs: dict[str, Any] = {
        "validator": None, "mapper": mapper_for(ctx.declaration, entity), "max_records": limits.max_records,
        "max_decompressed": limits.max_bytes, "track_updated": False, "targets": None, "ids_mode": "keep",
        "samples": 0, "seed": ctx.options.seed, "url": url,
    }
    return _records(ctx, entity, fmt, chunks, kwargs)


def scan_since_now(ctx: Any, entity: str, since_param: str, since: str) -> EntityScan | ScanFailure:
    """`scan_since` without looking for one started in the background."""
    decl = choose_export(ctx, entity, ("ndjson", "json"))
    if decl is None:
        return ScanFailure(entity, "undeclared", f"no NDJSON or JSON export of {entity} is declared")
    return scan_decl(ctx, decl, {since_param: since}, track=False)


def _scan_zip(ctx: Any, decl: ExportDecl, limits: Limits, kwargs: dict[str, Any]) -> EntityScan | ScanFailure:
    archive = _zip_or_failure(ctx, decl)
    if isinstance(archive, ScanFailure):
        return archive
    _, problems = _zip_archive(ctx, decl.url, limits)  # cached: the archive's own problems go into every entity's scan
    entries = _entries(ctx, decl)
    entry = next((e for e in entries if e.format != "csv"), entries[0] if entries else None)
    if entry is None:
        why = "; ".join(p.message for p in problems) or f"the archive has no file for {decl.entity}"
        return ScanFailure(decl.entity, "broken", f"the zip export {decl.url}: {why}")
    try:
        scan = _records(ctx, decl.entity, entry.format, _safe_entry(archive, entry, problems), kwargs)
    except zipfile.BadZipFile as exc:
        return ScanFailure(decl.entity, "broken", f"the zip export {decl.url} is broken: {exc}")
    for problem in problems:
        scan = _with_problem(scan, problem)
    return scan


def zip_formats(ctx: Any, decl: ExportDecl) -> set[str] | ScanFailure:
    """The formats of `decl.entity`'s files inside the zip export `decl` (the archive is downloaded once per run)."""
    archive = _zip_or_failure(ctx, decl)
    if isinstance(archive, ScanFailure):
        return archive
    return {e.format for e in _entries(ctx, decl)}


def _zip_csv(ctx: Any, decl: ExportDecl) -> EntityScan | ScanFailure:
    """The form scan of `decl.entity`'s CSV file inside the zip export `decl` (cached like any other scan)."""
    key = f"export.scan:{decl.entity}:zip-csv:{decl.url}"
    if key not in ctx.cache:
        ctx.cache[key] = _scan_zip_csv(ctx, decl)
    return ctx.cache[key]


def _scan_zip_csv(ctx: Any, decl: ExportDecl) -> EntityScan | ScanFailure:
    archive = _zip_or_failure(ctx, decl)
    if isinstance(archive, ScanFailure):
        return archive
    entry = next((e for e in _entries(ctx, decl) if e.format == "csv"), None)
    if entry is None:
        return ScanFailure(decl.entity, "undeclared", f"the zip export {decl.url} has no CSV file for {decl.entity}")
    limits = Limits.from_options(ctx.options)
    problems: list[ReadProblem] = []
    try:
        body = _safe_entry(archive, entry, problems)
        scan = scan_csv(decl.entity, body, max_records=limits.max_records, max_decompressed=limits.max_bytes, url=f"{decl.url} ({entry.name})")
    except zipfile.BadZipFile as exc:
        return ScanFailure(decl.entity, "broken", f"the zip export {decl.url} is broken: {exc}")
    for problem in problems:
        scan = _with_problem(scan, problem)
    return scan


def _zip_or_failure(ctx: Any, decl: ExportDecl) -> zipfile.ZipFile | ScanFailure:
    """The zip export `decl` opened (downloaded once per run), or why it cannot be read."""
    try:
        archive, problems = _zip_archive(ctx, decl.url, Limits.from_options(ctx.options))
    except LimitReached as exc:
        return ScanFailure(decl.entity, "limit", exc.reason)
    except ExportUnavailable as exc:
        return ScanFailure(decl.entity, "unavailable", unavailable_reason(ctx.live, exc), exc.status, exc.exchange)
    if (stop := _limit(problems)) is not None:
        return ScanFailure(decl.entity, "limit", stop)
    if archive is None:
        return ScanFailure(decl.entity, "broken", f"the zip export {decl.url}: " + "; ".join(p.message for p in problems))
    return archive


def _entries(ctx: Any, decl: ExportDecl) -> list[ZipEntry]:
    """The safe entries of `decl.entity` in the zip export `decl`, once `_zip_archive` has read it."""
    return [e for e in ctx.cache.get(f"export.zip-entries:{decl.url}", ()) if e.entity == decl.entity]


def _limit(problems: list[ReadProblem]) -> str | None:
    """The reason a user limit stopped reading an archive, if one did."""
    return next((p.message for p in problems if p.kind == "limit"), None)


def _safe_entry(archive: zipfile.ZipFile, entry: ZipEntry, problems: list[ReadProblem]) -> Iterator[bytes]:
    try:
        yield from iter_zip_entry(archive, entry)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:  # zlib errors surface as BadZipFile/EOFError
        problems.append(ReadProblem("truncated", f"entry {entry.name!r} is broken: {exc}", None, True))


def _zip_archive(ctx: Any, url: str, limits: Limits) -> tuple[zipfile.ZipFile | None, list[ReadProblem]]:
    """The archive at `url`, downloaded and opened once per run; its problems (traversal, bombs) listed."""
    key = f"export.zip:{url}"
    if key not in ctx.cache:
        with open_export(ctx.live.client, url, limits) as download:
            file = spool(download.chunks)
        problems: list[ReadProblem] = []
        try:
            archive = open_zip(file)
            entries, problems = zip_entries(archive, limit=limits.max_bytes)
        except zipfile.BadZipFile as exc:
            archive, entries = None, []
            problems.append(ReadProblem("bad-zip", f"not a readable zip archive: {exc}", None, True))
        ctx.cache[key] = (archive, problems)
        ctx.cache[f"export.zip-entries:{url}"] = entries
    archive, problems = ctx.cache[key]
    return archive, list(problems)


def _with_problem(scan: EntityScan, problem: ReadProblem) -> EntityScan:
    kept = scan.problems + (problem,) if len(scan.problems) < 20 else scan.problems
    return _replace(scan, problems=kept, problem_count=scan.problem_count + 1, truncated=scan.truncated or problem.fatal)


def _replace(scan: EntityScan, **changes: Any) -> EntityScan:
    from dataclasses import replace

    return replace(scan, **changes)
