"""Export scans in worker processes: the same outcomes as in this process, and no worker left behind."""

from __future__ import annotations

import gzip
import io
import os
import signal
import sys
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from export_fakes import FakeSandbox, make_ctx

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.export.background import close_workers, plan_checks
from interopcheck.export.scan import scan_records
from interopcheck.export.workers import (
    ScanPool,
    WorkerFailed,
    pooled_csv,
    pooled_records,
)
from interopcheck.model import Status

EXPORT_IDS = sorted(k for k in all_checks() if k.startswith("export."))
FACTORY = "export_fakes:StandInStandards"


def outcomes(sandbox: FakeSandbox, *, workers: bool, declaration: Any = None, **options: Any) -> dict[str, tuple[Any, ...]]:
    """Every export check of a planned run, with or without worker processes: status, summary, finding messages."""
    ctx = make_ctx(sandbox, declaration, **options)
    ctx.standards.worker_factory = FACTORY  # type: ignore[union-attr]
    plan_checks(ctx, EXPORT_IDS, workers=workers)
    try:
        results = {cid: run_check(all_checks()[cid], ctx) for cid in EXPORT_IDS}
        assert ctx.cache.get("export.pool-used", False) is workers
    finally:
        close_workers(ctx)
    return {cid: (r.status, r.summary, tuple(f.message for f in r.findings)) for cid, r in results.items()}


def broken_sandbox() -> FakeSandbox:
    sandbox = FakeSandbox()
    sandbox.records["property"][3]["uprn"] = "0"
    sandbox.records["property"][5]["uprn"] = "12a"
    sandbox.records["tenancy"].append(dict(sandbox.records["tenancy"][0]))
    sandbox.records["repair"][2]["property_id"] = "no-such-property"
    return sandbox


@pytest.mark.parametrize("make", [FakeSandbox, broken_sandbox, lambda: FakeSandbox(faults={"truncated"})])
def test_workers_give_the_outcomes_of_one_process(make: Any) -> None:
    in_process = outcomes(make(), workers=False)
    assert outcomes(make(), workers=True) == in_process


def test_workers_keep_failures_lines_pointers_and_reference_counts() -> None:
    found = outcomes(broken_sandbox(), workers=True)
    records, unique, refs = found["export.records.property"], found["export.unique-ids"], found["export.referential-integrity"]
    assert records[0] is Status.FAIL and records[1].startswith("2 of 30 property records failed")
    assert records[2][0].startswith("line 4 (id ") and "/uprn" in records[2][0]
    assert unique[0] is Status.FAIL and "tenancy: 1 records repeat an id" in unique[2][0]
    assert refs[0] is Status.FAIL and any("repair.property_id: 1 references" in m for m in refs[2])


def test_workers_under_limits_skip_like_one_process() -> None:
    for options in ({"export_max_records": 5}, {"export_max_bytes": 200}):
        in_process = outcomes(FakeSandbox(), workers=False, **options)
        assert outcomes(FakeSandbox(), workers=True, **options) == in_process
        assert in_process["export.complete"][0] is Status.SKIP


def test_workers_read_zip_json_and_gzip_exports() -> None:
    sandbox = FakeSandbox()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for e in ENTITIES:
            z.writestr(f"{e}.ndjson", sandbox.ndjson(e))
    sandbox.overrides["/v1/exports/all.zip"] = buf.getvalue()
    sandbox.overrides["/v1/exports/person.ndjson"] = gzip.compress(sandbox.ndjson("person"))
    exports = [{"entity": e, "format": "zip", "url": "/v1/exports/all.zip"} for e in ENTITIES if e != "person"]
    exports.append({"entity": "person", "format": "ndjson", "url": "/v1/exports/person.ndjson"})
    in_process = outcomes(sandbox, workers=False, declaration=sandbox.declaration(exports=exports))
    found = outcomes(sandbox, workers=True, declaration=sandbox.declaration(exports=exports))
    assert found == in_process and found["export.referential-integrity"][0] is Status.PASS


# -- the pool itself: results, and cleanup on every way out ---------------------------------------


@pytest.fixture
def pool() -> Iterator[ScanPool]:
    pool = ScanPool({"sys_path": list(sys.path), "standards": ("factory", FACTORY), "declaration": None}, size=2)
    pool.start()
    assert pool.usable()
    yield pool
    procs = pool.processes()
    pool.close()
    assert all(p.poll() is not None for p in procs)  # every worker reaped


def body(n: int = 200) -> list[bytes]:
    lines = b"".join(b'{"id": "p-%d", "updated_at": "2026-01-01T00:00:00Z"}\n' % i for i in range(n))
    return [lines[i : i + 101] for i in range(0, len(lines), 101)]


def test_pooled_scan_equals_the_scan_in_this_process(pool: ScanPool) -> None:
    from export_fakes import StandInStandards

    chunks = body() + [b'{"id": "p-1"}\n', b"not json\n"]
    here = scan_records("person", "ndjson", chunks, validator=StandInStandards().validator("person"), ids_mode="keep")
    there = pooled_records(pool, "person", "ndjson", chunks, {"validator": True, "ids_mode": "keep"})
    assert (there.records, there.problems, there.validation, there.ids.duplicates, len(there.ids)) == (
        here.records, here.problems, here.validation, here.ids.duplicates, len(here.ids))
    assert there.validation is not None and there.validation.failures[0].line == 201
    limited = pooled_records(pool, "person", "ndjson", body(), {"validator": True, "max_records": 5})
    assert limited.records == 5 and limited.limited
    csv_scan = pooled_csv(pool, "person", [b"id,name\r\n1,a\r\n2,b,c\r\n"], {})
    assert csv_scan.records == 1 and csv_scan.problems[0].line == 3


def failing(exc: BaseException) -> Iterator[bytes]:
    yield from body(50)
    raise exc


@pytest.mark.parametrize("exc", [RuntimeError("the download broke"), KeyboardInterrupt()])
def test_an_error_while_feeding_kills_the_worker_and_propagates(pool: ScanPool, exc: BaseException) -> None:
    before = set(pool.processes())
    with pytest.raises(type(exc)):
        pooled_records(pool, "person", "ndjson", failing(exc), {"validator": True})
    killed = before - set(pool.processes())
    assert len(killed) == 1 and all(p.poll() is not None for p in killed)
    assert pooled_records(pool, "person", "ndjson", body(), {"validator": True}).records == 200  # the pool goes on


def test_a_pool_whose_workers_were_killed_stays_usable(pool: ScanPool) -> None:
    for _ in all_started(pool):  # every started worker killed by a broken feed: `worker()` starts others on demand
        with pytest.raises(RuntimeError):
            pooled_records(pool, "person", "ndjson", failing(RuntimeError("cut short")), {"validator": True})
    assert pool.processes() == [] and pool.usable()


def test_a_run_decides_once_whether_scans_use_the_pool(pool: ScanPool) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from interopcheck.export.runstate import pool_for

    ctx = make_ctx(FakeSandbox())
    ctx.cache["export.pool"] = pool
    with ThreadPoolExecutor(8) as threads:
        answers = list(threads.map(lambda _: pool_for(ctx), range(32)))
    assert answers == [pool] * 32 and ctx.cache["export.pool-used"] is True


def all_started(pool: ScanPool, n: int = 2) -> list[Any]:
    """The pool's processes once all `n` have started (each start-up is awaited, not timed)."""
    for _ in range(600):
        if len(pool.processes()) == n:
            return pool.processes()
        time.sleep(0.05)
    raise AssertionError("the workers did not start")


def test_a_worker_that_dies_is_an_error_not_a_result(pool: ScanPool, sandbox: FakeSandbox) -> None:
    for victim in all_started(pool):
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
    with pytest.raises(WorkerFailed, match="the export worker stopped"):
        pooled_records(pool, "person", "ndjson", body(), {"validator": True})
    ctx = make_ctx(sandbox)  # a run whose pool is in use and whose other worker is dead too: the check errors
    ctx.cache.update({"export.pool": pool, "export.pool-used": True})
    outcome = run_check(all_checks()["export.records.person"], ctx)
    assert outcome.status is Status.ERROR and "WorkerFailed" in outcome.summary


def test_a_worker_ends_when_its_parent_closes_the_socket(pool: ScanPool) -> None:
    procs = pool.processes()
    for proc in pool._idle:
        proc.conn.close()
        proc.sock.close()
    for p in procs:
        assert p.wait(10) == 0


def test_a_dropped_run_leaves_no_worker(sandbox: FakeSandbox) -> None:
    ctx: CheckContext = make_ctx(sandbox)
    ctx.standards.worker_factory = FACTORY  # type: ignore[union-attr]
    plan_checks(ctx, EXPORT_IDS)
    statuses = {cid: run_check(all_checks()[cid], ctx).status for cid in EXPORT_IDS}
    assert statuses.pop("export.deletions") is Status.NOT_APPLICABLE  # the fake's export job offers no incremental export
    assert set(statuses.values()) == {Status.PASS}
    procs = ctx.cache["export.pool"].processes()
    assert procs
    ctx.cache.clear()  # the pool is dropped: its finalizer kills the workers
    del ctx
    import gc

    gc.collect()
    assert all(p.wait(10) is not None for p in procs)
