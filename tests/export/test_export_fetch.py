"""Downloads under the export limits and the FHIR-style asynchronous job: limits never pass silently."""

from __future__ import annotations

import httpx
import pytest

from export_fakes import BASE, FakeClient, FakeSandbox
from interopcheck.entities import ENTITIES
from interopcheck.export.fetch import ExportUnavailable, LimitReached, Limits, open_export, run_async_job


def test_open_export_streams_the_body(sandbox: FakeSandbox) -> None:
    with open_export(FakeClient(sandbox), "/v1/exports/property.ndjson", Limits()) as download:
        body = b"".join(download.chunks)
    assert body == sandbox.ndjson("property") and download.bytes_read == len(body) and download.broken is None


def test_byte_limit_becomes_limit_reached(sandbox: FakeSandbox) -> None:
    with pytest.raises(LimitReached, match="export-max-bytes=100"):
        with open_export(FakeClient(sandbox), "/v1/exports/property.ndjson", Limits(max_bytes=100)) as download:
            b"".join(download.chunks)


def test_http_error_status_is_unavailable(sandbox: FakeSandbox) -> None:
    with pytest.raises(ExportUnavailable) as err:
        with open_export(FakeClient(sandbox), "/v1/exports/nothing.ndjson", Limits()):
            pass
    assert err.value.status == 404


def test_connection_broken_mid_stream_is_a_truncation(sandbox: FakeSandbox) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        def body():
            yield b'{"id":"a"}\n'
            raise httpx.ReadError("connection reset")

        return httpx.Response(200, content=body())

    sandbox.overrides["/v1/exports/property.ndjson"] = broken
    with open_export(FakeClient(sandbox), "/v1/exports/property.ndjson", Limits()) as download:
        assert b"".join(download.chunks) == b'{"id":"a"}\n'
    assert download.broken is not None and download.broken.kind == "truncated"


def test_async_job_polls_honouring_retry_after() -> None:
    sandbox = FakeSandbox(n=2)
    waits: list[float] = []
    result = run_async_job(FakeClient(sandbox), "/v1/$export", sleep=waits.append)
    assert result.polls == 2 and waits == [0.0]
    assert len(result.outputs) == len(ENTITIES) and result.outputs[0] == ("property", f"{BASE}/v1/exports/property.ndjson")


def test_async_job_bounded_wait() -> None:
    sandbox = FakeSandbox(n=2)
    sandbox.overrides["/v1/jobs/1"] = lambda request: httpx.Response(202, headers={"Retry-After": "30"})
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(LimitReached, match="polling budget"):
        run_async_job(FakeClient(sandbox), "/v1/$export", max_wait_s=100, sleep=sleep, clock=lambda: now[0])
    assert now[0] <= 100


def test_async_job_without_202_or_location_is_unavailable() -> None:
    sandbox = FakeSandbox(n=2)
    sandbox.overrides["/v1/$export"] = lambda request: httpx.Response(200, json={})
    with pytest.raises(ExportUnavailable, match="not 202"):
        run_async_job(FakeClient(sandbox), "/v1/$export", sleep=lambda s: None)
    sandbox.overrides["/v1/$export"] = lambda request: httpx.Response(202)
    with pytest.raises(ExportUnavailable, match="Content-Location"):
        run_async_job(FakeClient(sandbox), "/v1/$export", sleep=lambda s: None)


def test_async_job_bad_manifest() -> None:
    sandbox = FakeSandbox(n=2)
    sandbox.overrides["/v1/jobs/1"] = lambda request: httpx.Response(200, json={"files": []})
    with pytest.raises(ExportUnavailable, match="output"):
        run_async_job(FakeClient(sandbox), "/v1/$export", sleep=lambda s: None)
