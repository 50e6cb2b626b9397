"""A planned run's export work started early: worker processes, background downloads, the follow-up requests.

A run that tells the runner which export checks it will call (`plan_checks`) gets its downloads
overlapped: the CSV form scans, the async job (kick-off, polling and every file), the API counts
`export.complete` compares with and, when the scans run in worker processes (`export.workers`), the
record exports two at a time in dependency order, so one download's wait for its end overlaps the
next one's records. As each record scan ends, its round-trip GETs start and, for the incremental
entity, the `?since=T` extract. Everything goes through the one safe client (its rate cap holds across
threads) and each result waits in a Future under its key until a check asks for it. Unplanned,
nothing starts early (no download or job a run did not ask for) and everything runs in this process.
The runner starts this work through the scheduler `plan_checks` leaves in `export.runstate`, so this
module imports the runner and never the reverse. `pending` and `pool_for` live there too (re-exported here).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

from interopcheck.declaration import ExportDecl
from interopcheck.entities import ENTITIES
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.export import runner
from interopcheck.export.api import api_count, api_item
from interopcheck.export.jobcheck import run_job, scan_job_since
from interopcheck.export.reconcile import rfc3339
from interopcheck.export.runstate import EARLY, FUTURES, POOL, SCHEDULER, Scheduler, early_key, pending, pool_for
from interopcheck.export.workers import ScanPool
from interopcheck.standards.registry import StandardsRegistry

__all__ = ["api_count_of", "close_workers", "follow_up", "item_or_error", "pending", "plan_checks", "pool_for", "start_background"]

OWN_ENTITY = frozenset({"export.formats", "export.incremental"})  # besides export.records.*: checks that read one entity or none
RECORD_THREADS = 2  # record exports scanned at once (in dependency order) when the scans run in worker processes
POOL_SIZE = RECORD_THREADS + 1  # and one worker for the CSVs
ITEM_THREADS = 8  # round-trip GETs of one entity at once (as many as the round-trip check itself used)


def plan_checks(ctx: Any, check_ids: Iterable[str], *, workers: bool = True) -> None:
    """Tell the runner which export checks this run will call, so their downloads may start early.

    With `workers`, the scans are parsed and validated in worker processes; call `close_workers(ctx)`
    when the run ends (a dropped pool and process exit also stop them).
    """
    ctx.cache["export.planned"] = frozenset(check_ids)
    ctx.cache["export.use-workers"] = workers
    ctx.cache[SCHEDULER] = Scheduler(start_background, follow_up)


def close_workers(ctx: Any) -> list[tuple[float, float]]:
    """Stop the run's export workers, if any; each one's (peak RSS MB, CPU seconds), for the benchmark."""
    pool = ctx.cache.pop(POOL, None)
    if pool is None:
        return []
    pool.close()
    return list(zip(pool.peaks_mb, pool.cpu_s, strict=True))


def start_background(ctx: Any) -> None:
    """Start the planned background work once per run (the sandbox serves it while the scans run).

    Each kind of work runs on its own daemon threads: a run cut short (Ctrl-C) does not wait for them,
    and their workers are killed when the pool goes.
    """
    planned = ctx.cache.get("export.planned")
    if not planned or FUTURES in ctx.cache or ctx.live is None or ctx.declaration is None:
        return
    if ctx.cache.get("export.use-workers"):
        _start_pool(ctx)
    futures: dict[str, Future[Any]] = {}
    ctx.cache[FUTURES] = futures
    if "export.csv-valid" in planned:
        decls = [d for e in ctx.scope.entities if (d := runner.choose_export(ctx, e, ("csv",))) is not None and runner.csv_form_only(ctx, d)]
        _background("csv", [(runner.scan_key(d), runner.scan_decl, (ctx, d)) for d in decls], futures)
    if "export.async-job" in planned and (ctx.declaration.export_job or {}).get("kickoff"):
        _background("job", [("export.async-job", run_job, (ctx,))], futures)
    if "export.complete" in planned:
        _background("counts", [("export.api-counts", _api_counts, (ctx,))], futures)
    if early := [(early_key(cid), fn, (ctx,)) for cid, fn in EARLY.items() if cid in planned]:
        _background("early", early, futures, threads=len(early))  # each on its own thread: they wait on the network
    if POOL in ctx.cache:  # in dependency order: a scan waits only for scans taken before it
        wanted = _record_entities(ctx, planned)
        decls = [d for e in ctx.scope.entities if e in wanted and (d := runner.choose_export(ctx, e)) is not None and d.format != "csv"]
        _background("records", [(runner.scan_key(d), _scan_and_follow, (ctx, d)) for d in decls], futures, threads=RECORD_THREADS)


def _record_entities(ctx: Any, planned: frozenset[str]) -> set[str]:
    """The entities whose record exports the planned checks read (with the entities they reference)."""
    if any(c.startswith("export.") and c not in OWN_ENTITY for c in planned if not c.startswith("export.records.")):
        return set(ctx.scope.entities)  # available, complete, unique ids, references, round-trip, CSV, job, dictionary: every entity
    wanted = {e for e in ENTITIES if f"export.records.{e}" in planned}
    if "export.incremental" in planned and (entity := runner.incremental_entity(ctx)) is not None:
        wanted.add(entity)
    while more := {r.target for r in ctx.scope.references if r.entity in wanted} - wanted:
        wanted |= more
    return wanted


def _start_pool(ctx: Any) -> None:
    """Start the worker processes when the standards can be loaded in them (the bundled ones, or a named factory)."""
    standards = ctx.standards
    if isinstance(standards, StandardsRegistry) and standards.root is not None:
        spec: tuple[str, ...] | None = ("root", str(standards.root), "" if standards.year is None else str(standards.year))
    elif isinstance(getattr(standards, "worker_factory", None), str):
        spec = ("factory", standards.worker_factory)
    elif standards is None:
        spec = None
    else:
        return  # standards a worker cannot rebuild: scan in this process
    pool = ScanPool({"sys_path": list(sys.path), "standards": spec, "declaration": ctx.declaration}, size=POOL_SIZE)
    ctx.cache[POOL] = pool
    pool.start()


def _scan_and_follow(ctx: Any, decl: ExportDecl) -> Any:
    scan = runner.scan_decl(ctx, decl)
    follow_up(ctx, decl, scan)
    return scan


def follow_up(ctx: Any, decl: ExportDecl, scan: Any) -> None:
    """In a planned run, start what a finished record scan makes possible: its round-trip GETs, the incremental extract."""
    futures = ctx.cache.get(FUTURES)
    planned = ctx.cache.get("export.planned") or ()
    if futures is None or not isinstance(scan, runner.EntityScan) or decl.format == "csv" or ctx.declaration is None:
        return
    entity = decl.entity
    mapping = ctx.declaration.entities.get(entity)
    if "export.roundtrip" in planned and scan.samples and mapping is not None and mapping.item:
        tasks = [(f"export.item:{entity}:{rid}", _fetch_item, (ctx, mapping, rid)) for _, rid, _ in scan.samples]
        _background(f"items-{entity}", tasks, futures, threads=min(len(tasks), ITEM_THREADS))  # latency-bound GETs
    param = (ctx.declaration.incremental or {}).get("since_param")
    if "export.incremental" in planned and runner.incremental_entity(ctx) == entity and scan.since is not None \
            and not (scan.limited or scan.truncated):
        since = rfc3339(scan.since)
        tasks = [(runner.since_key(entity, param, since), runner.scan_since_now, (ctx, entity, param, since))] if param else []
        if runner.job_since_param(ctx):  # the export job's own since parameter, checked the same way
            tasks.append((runner.job_since_key(entity, since), scan_job_since, (ctx, entity, since)))
        _background("incremental", tasks, futures, threads=len(tasks) or 1)


def item_or_error(ctx: Any, entity: str, mapping: Any, rid: str) -> Any:
    """The API's record `rid` as `api_item` gives it, or the CheckSkipped / LiveError it raised (fetched early when planned)."""
    early = pending(ctx, f"export.item:{entity}:{rid}")
    return early.result() if early is not None else _fetch_item(ctx, mapping, rid)


def _fetch_item(ctx: Any, mapping: Any, rid: str) -> Any:
    try:
        return api_item(ctx, mapping, rid)
    except (CheckSkipped, LiveError) as exc:
        return exc


def api_count_of(ctx: Any, entity: str, mapping: Any) -> Any:
    """The API's count of `entity`: fetched in the background when the run planned `export.complete`, else now."""
    early = pending(ctx, "export.api-counts")
    found = early.result().get(entity) if early is not None else None
    if found is None:
        return api_count(ctx, mapping)
    if isinstance(found, Exception):
        raise found
    return found


def _api_counts(ctx: Any) -> dict[str, Any]:
    """Each declared entity's API record count (an ApiCount, or the CheckSkipped / LiveError its request raised)."""
    out: dict[str, Any] = {}
    for entity in ctx.scope.entities:
        mapping = ctx.declaration.entities.get(entity)
        if mapping is None:
            continue
        try:
            out[entity] = api_count(ctx, mapping)
        except (CheckSkipped, LiveError) as exc:
            out[entity] = exc
    return out


def _background(name: str, tasks: list[tuple[str, Callable[..., Any], tuple[Any, ...]]], futures: dict[str, Future[Any]], threads: int = 1) -> None:
    """Run `tasks` in their order on `threads` daemon threads; each task's outcome is the Future under its key."""
    queue = [(key, Future(), fn, args) for key, fn, args in tasks]
    for key, future, _, _ in queue:
        futures.setdefault(key, future)
    items = iter(queue)
    lock = threading.Lock()

    def run() -> None:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            _, future, fn, args = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the future
                    future.set_exception(exc)

    for n in range(threads):
        threading.Thread(target=run, name=f"export-{name}-{n}", daemon=True).start()
