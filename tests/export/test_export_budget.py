"""Issue 19 item 10: exports never requested because the live run's time budget was spent are not tested, never failed.

The safe client refuses every request once the budget is spent (`RunDeadlineExceeded`); no export check
may turn that into the supplier's FAIL. Each says `error` with the reason, so the run is incomplete (exit 3).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from export_fakes import FakeClient, FakeSandbox, make_ctx
from test_export_checks import EXPORT_IDS, run

from interopcheck.live.failures import RunDeadlineExceeded
from interopcheck.model import Status

REASON = "not requested: the time budget of 5 s was spent"


class SpentClient(FakeClient):
    """A client whose run deadline has passed: every request is refused before it is sent."""

    def get(self, path_or_url: str, *args: Any, **kwargs: Any) -> Any:
        raise RunDeadlineExceeded("the live run's time budget is spent; request not sent")

    @contextlib.contextmanager
    def stream(self, path_or_url: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        raise RunDeadlineExceeded("the live run's time budget is spent; request not sent")
        yield


def spent_ctx(**changes: Any) -> Any:
    sandbox = FakeSandbox()
    ctx = make_ctx(sandbox, sandbox.declaration(**changes))
    ctx.live.client = SpentClient(sandbox)
    ctx.live.options = SimpleNamespace(run_deadline_s=5.0)
    return ctx


@pytest.mark.parametrize("check_id", EXPORT_IDS)
def test_no_export_check_fails_the_supplier_for_requests_never_sent(check_id: str) -> None:
    result = run(spent_ctx(), check_id)
    assert result.status is not Status.FAIL, (result.summary, [f.message for f in result.findings])


@pytest.mark.parametrize("check_id", ["export.csv-valid", "export.data-dictionary", "export.async-job", "export.available"])
def test_the_reason_names_the_spent_budget(check_id: str) -> None:
    result = run(spent_ctx(), check_id)
    assert result.status is Status.ERROR and REASON in result.summary, (result.status, result.summary)


def test_job_files_not_requested_are_not_the_suppliers_failure() -> None:
    """The job ran, then the budget ran out before its files were downloaded."""
    from interopcheck.export import jobcheck
    from interopcheck.export.fetch import JobResult

    ctx = spent_ctx()
    job = JobResult((("property", "/v1/exports/property.ndjson"),), (30,), 1, 0.0, "/v1/jobs/1", {"output": []})
    run_job = jobcheck.run_job(ctx, job)
    assert run_job.outputs[0].error == REASON and run_job.outputs[0].untested


def test_the_job_check_errors_when_its_files_were_not_requested() -> None:
    from interopcheck.export.fetch import JobResult
    from interopcheck.export.jobcheck import run_job

    from interopcheck.entities import ENTITIES

    ctx = spent_ctx()
    files = tuple((e, f"/v1/exports/{e}.ndjson") for e in ENTITIES)
    job = JobResult(files, (30,) * len(files), 1, 0.0, "/v1/jobs/1", {"output": []})
    future: Any = SimpleNamespace(result=lambda: run_job(ctx, job))
    ctx.cache["export.background"] = {"export.async-job": future}
    result = run(ctx, "export.async-job")
    assert result.status is Status.ERROR and REASON in result.summary, result.summary


def test_a_job_file_that_timed_out_is_not_tested_rather_than_failed() -> None:
    """The same class: a job file whose download got no answer (a timeout) is unknown, as a direct export's is (error)."""
    import httpx

    sandbox = FakeSandbox()

    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    sandbox.overrides["/v1/exports/repair.ndjson"] = hang
    ctx = make_ctx(sandbox)
    result = run(ctx, "export.async-job")
    assert result.status is Status.ERROR and "timed out" in result.summary, (result.status, result.summary)
    assert run(ctx, "export.available").status is Status.ERROR  # the direct export: the policy the job file now follows


def _gzipped_exports(sandbox: FakeSandbox) -> None:
    """Every export served gzip-compressed, in 200-byte chunks (so the decompressed body arrives piece by piece)."""
    import gzip

    import httpx

    from export_fakes import to_csv

    def serve(body: bytes) -> Any:
        packed = gzip.compress(body)
        return lambda request: httpx.Response(200, content=iter([packed[i : i + 200] for i in range(0, len(packed), 200)]))

    for entity in sandbox.records:
        sandbox.overrides[f"/v1/exports/{entity}.ndjson"] = serve(sandbox.ndjson(entity))
        sandbox.overrides[f"/v1/exports/{entity}.csv"] = serve(to_csv(sandbox.records[entity]))


@pytest.mark.parametrize("check_id", ["export.records.person", "export.csv-valid", "export.available", "export.complete"])
def test_a_gzipped_export_cut_by_the_users_byte_limit_is_skipped_not_failed(check_id: str) -> None:
    """The same class: --export-max-bytes stops decompressing mid-record; the partial record at the cut is the cut, not the export."""
    sandbox = FakeSandbox(n=200)
    _gzipped_exports(sandbox)
    result = run(make_ctx(sandbox, export_max_bytes=5000), check_id)
    assert result.status is Status.SKIP and "export-max-bytes" in result.summary, (result.status, result.summary, [f.message for f in result.findings][:3])


@pytest.mark.parametrize("fmt", ["ndjson", "json", "csv"])
def test_the_cut_of_the_byte_limit_is_no_read_problem(fmt: str) -> None:
    import gzip

    import orjson

    from interopcheck.export.csvscan import scan_csv
    from interopcheck.export.scan import scan_records

    records = [{"id": str(i), "updated_at": "2026-01-01T00:00:00Z", "note": "x" * (i % 7)} for i in range(5000)]
    body = {
        "ndjson": b"".join(orjson.dumps(r) + b"\n" for r in records),
        "json": orjson.dumps(records),
        "csv": b"id,updated_at,note\r\n" + b"".join(b"%s,%s,%s\r\n" % (r["id"].encode(), r["updated_at"].encode(), r["note"].encode()) for r in records),
    }[fmt]
    packed = gzip.compress(body)
    chunks = [packed[i : i + 1000] for i in range(0, len(packed), 1000)]
    scans = [scan_records("person", fmt, iter(chunks), validator=None, max_decompressed=20_000)]
    if fmt == "csv":
        scans.append(scan_csv("person", iter(chunks), max_decompressed=20_000))
    for scan in scans:
        assert scan.limited and "export-max-bytes" in scan.limited
        assert scan.problems == () and not scan.truncated and scan.records > 0, scan.problems
