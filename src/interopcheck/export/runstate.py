"""A run's export state in `ctx.cache`, shared by the runner and the background work it may start.

The runner (`export.runner`) scans exports when a check asks; a planned run (`export.background.plan_checks`)
also starts work early: worker processes, downloads, follow-up requests, and the early work a check
registers (`early_work`). Both read the same state here: the Futures of background work by key, the
worker pool, and the plan's scheduler. The scheduler is
registered by `plan_checks` (the two hooks below call it), so the runner reaches the background work
without importing it: imports go downward only (background -> jobcheck -> runner -> runstate).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from interopcheck.declaration import ExportDecl
from interopcheck.export.workers import ScanPool

FUTURES = "export.background"  # key -> Future of work started early
POOL = "export.pool"  # the run's ScanPool, when its workers are in use
POOL_USED = "export.pool-used"  # decided once per run: whether scans go through the pool
_DECIDING = "export.pool-deciding"  # the lock under which POOL_USED is decided
SCHEDULER = "export.scheduler"  # the planned run's Scheduler


#: Work a check may start early in a planned run, by check id: `fn(ctx)`, its outcome the Future under
#: `early_key(check_id)`. Registered by the check's own module (`early_work`), so this layer imports no check.
EARLY: dict[str, Callable[[Any], Any]] = {}


def early_work(check_id: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Register `fn(ctx)` as what a planned run starts early for `check_id` (latency-bound requests, say)."""

    def register(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        EARLY[check_id] = fn
        return fn

    return register


def early_key(check_id: str) -> str:
    """The key of `check_id`'s early work among the run's Futures."""
    return f"early:{check_id}"


@dataclass(frozen=True)
class Scheduler:
    """What a planned run does early: start its background work (once), follow up a finished scan."""

    start: Callable[[Any], None]
    follow_up: Callable[[Any, ExportDecl, Any], None]


def pending(ctx: Any, key: str) -> Future[Any] | None:
    """The Future of background work started under `key`, if any."""
    return ctx.cache.get(FUTURES, {}).get(key)


def pool_for(ctx: Any) -> ScanPool | None:
    """The run's worker pool when its workers are in use; decided once per run, so hashes never mix."""
    with ctx.cache.setdefault(_DECIDING, threading.Lock()):  # scans on several threads ask at once; the first answer holds
        if POOL_USED not in ctx.cache:
            pool = ctx.cache.get(POOL)
            ctx.cache[POOL_USED] = pool is not None and pool.usable()
    return ctx.cache.get(POOL) if ctx.cache[POOL_USED] else None


def start_background(ctx: Any) -> None:
    """Start the planned run's background work, once (nothing in an unplanned run)."""
    scheduler: Scheduler | None = ctx.cache.get(SCHEDULER)
    if scheduler is not None:
        scheduler.start(ctx)


def follow_up(ctx: Any, decl: ExportDecl, scan: Any) -> None:
    """In a planned run, start what a finished scan makes possible (round-trip GETs, the incremental extract)."""
    scheduler: Scheduler | None = ctx.cache.get(SCHEDULER)
    if scheduler is not None:
        scheduler.follow_up(ctx, decl, scan)
