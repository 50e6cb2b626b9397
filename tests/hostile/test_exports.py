"""Hostile exports (issue 19 items 5, 8, 10, 17): the CLI against the reference sandbox with one export replaced.

Each case serves the reference sandbox's app on 127.0.0.1 with a hostile route in front of it (the same
origin, so the safe client follows it) and runs the CLI under `run_limited`'s time and address-space limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from limits import run_limited
from live_servers import serve_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Mount, Route

from interopcheck.checks.context import RunOptions
from interopcheck.engine.run import RunRequest, run
from interopcheck.export.readers import MAX_RECORD_BYTES
from interopcheck.live.session import LiveOptions
from interopcheck.model import Status
from interopcheck.sandbox.server import SandboxConfig, SandboxServer

SECRET_ENV = "HOSTILE_EXPORTS_SECRET"
CHUNK = 64 * 1024
# A full run starts a few dozen threads (export downloads, round-trip GETs) and three worker processes; each
# thread reserves its stack and a glibc malloc arena, address space that is never touched. Fewer arenas and
# 3 GiB keep the limit about memory actually used (under 2 GiB the run could not start its threads).
MEMORY_BYTES = 3 * 1024**3
ENV = {"MALLOC_ARENA_MAX": "2"}

pytestmark = pytest.mark.timeout(600)


@contextlib.contextmanager
def sandbox_with(routes: dict[str, Callable[[Request], Any]], *, records: int = 20) -> Iterator[tuple[str, SandboxServer]]:
    """The reference sandbox's app with `routes` (path -> endpoint) in front of it; yields (base URL, the unstarted server)."""
    server = SandboxServer(SandboxConfig(records=records, seed=3))
    try:
        app = Starlette(routes=[*(Route(path, endpoint) for path, endpoint in routes.items()), Mount("/", app=server.app)])
        with serve_app(app) as base_url:
            yield base_url, server
    finally:
        server.close()


def check_args(base_url: str, server: SandboxServer, out: Path, *extra: str) -> list[str]:
    return [
        "check", "--spec", f"{base_url}/openapi.json", "--declaration", str(server.declaration_path),
        "--base-url", base_url, "--token-url", f"{base_url}/oauth/token", "--client-id", server.client_id,
        "--client-secret-env", SECRET_ENV, "--rate", "500", "--max-examples", "1", "--output-dir", str(out),
        "--format", "json", *extra,
    ]


def run_check(base_url: str, server: SandboxServer, tmp_path: Path, *extra: str, timeout_s: float = 240) -> tuple[Any, dict[str, Any]]:
    out = tmp_path / "reports"
    env = {**ENV, SECRET_ENV: server.client_secret}
    result = run_limited(check_args(base_url, server, out, *extra), tmp_path, timeout_s=timeout_s, memory_bytes=MEMORY_BYTES, env=env)
    result.assert_handled()
    report_path = out / "report.json"
    assert report_path.exists(), result.stderr[-2000:]
    return result, json.loads(report_path.read_text())


def check_result(report: dict[str, Any], check_id: str) -> dict[str, Any]:
    for outcome in report["outcomes"]:
        for check in outcome.get("checks", ()):
            if check.get("check_id", check.get("id")) == check_id:
                return check
    raise AssertionError(f"{check_id} not in the report")


def single_line_csv(total: int) -> Iterator[bytes]:
    """A CSV of `total` bytes with no line break after its header, gzip-compressed as it is sent.

    The row repeats a 251-byte run, so it compresses about 125:1: under the 200:1 a gzip bomb is refused at.
    """
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    yield packer.compress(b"id,uprn\r\n") + packer.flush(zlib.Z_SYNC_FLUSH)
    rnd = random.Random(5)
    unit = bytes(rnd.choice(b"abcdefghij") for _ in range(250)) + b","
    block = (unit * (CHUNK // len(unit) + 1))[:CHUNK]
    for _ in range(total // CHUNK):
        yield packer.compress(block) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield packer.flush()


NUL_CSV = b"id,given_name,family_name\r\nper-1,An\x00n,Lee\r\nper-2,Bo,Ng\r\n"


@pytest.fixture(scope="module")
def hostile_csv_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    """One run with two hostile CSV exports: property's row never ends (item 5), person's holds a NUL (item 8)."""

    async def endless_row(request: Request) -> Response:
        return StreamingResponse(single_line_csv(300 * 1024 * 1024), media_type="text/csv")

    async def nul_field(request: Request) -> Response:
        return Response(NUL_CSV, media_type="text/csv")

    tmp_path = tmp_path_factory.mktemp("hostile-csv")
    with sandbox_with({"/v1/exports/property.csv": endless_row, "/v1/exports/person.csv": nul_field}) as (base_url, server):
        return run_check(base_url, server, tmp_path, timeout_s=240)


def test_a_csv_export_without_line_breaks_is_the_suppliers_failure_at_its_line(hostile_csv_run: tuple[Any, dict[str, Any]]) -> None:
    """Item 5: 300 MB of one line (2.4 MB gzipped) took quadratic time and growing memory; now it stops at the row cap."""
    result, report = hostile_csv_run
    assert result.code == 1, result.stderr[-2000:]
    csv_valid = check_result(report, "export.csv-valid")
    assert csv_valid["status"] == "fail"
    messages = [f["message"] for f in csv_valid["findings"]]
    assert any("property" in m and "line 2" in m and f"more than {MAX_RECORD_BYTES} bytes" in m for m in messages), messages


def test_a_nul_in_a_csv_field_is_the_suppliers_failure_at_its_line(hostile_csv_run: tuple[Any, dict[str, Any]]) -> None:
    """Item 8: a NUL in a field passed HSG-EXP-02; RFC 4180 text has none."""
    result, report = hostile_csv_run
    csv_valid = check_result(report, "export.csv-valid")
    nuls = [f for f in csv_valid["findings"] if "NUL" in f["message"]]
    assert [(f["message"].split(":")[0], (f.get("data") or {}).get("line")) for f in nuls] == [("person export (csv)", 2)], csv_valid


def test_a_run_killed_while_workers_scan_prints_no_traceback(tmp_path: Path) -> None:
    """Item 17: the run killed (a time limit, the OOM killer) while its export workers were mid-task. They inherit
    its stderr; each met end-of-input inside its scan, then a broken pipe answering, and printed a traceback there."""
    exporting, fed = threading.Event(), threading.Event()
    server = SandboxServer(SandboxConfig(records=20, seed=3))
    trickled = {f"/v1/exports/{e}.ndjson" for e in ("property", "person", "tenancy")}

    async def trickle(send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/x-ndjson")]})
        for i in range(10_000):
            await send({"type": "http.response.body", "body": b'{"id": "per-%d"}\n' % i, "more_body": True})
            if i > 20:
                fed.set()  # a worker has been fed a few chunks of an export by now
            await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b""})

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] in trickled and exporting.is_set():
            await trickle(send)  # the live checks before the export stage get the real exports, quickly
        else:
            await server.app(scope, receive, send)

    def read(stream: Any, lines: list[bytes]) -> None:
        for line in iter(stream.readline, b""):
            lines.append(line)
            if b"export checks" in line:  # the CLI's progress line as the export stage starts
                exporting.set()

    lines: list[bytes] = []
    try:
        with serve_app(app) as base_url:
            proc = subprocess.Popen(
                [sys.executable, "-m", "interopcheck", *check_args(base_url, server, tmp_path / "reports")], cwd=tmp_path,
                env={**os.environ, **ENV, SECRET_ENV: server.client_secret}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            reader = threading.Thread(target=read, args=(proc.stderr, lines), daemon=True)
            reader.start()
            try:
                assert fed.wait(240), b"".join(lines).decode(errors="replace")[-2000:]
                time.sleep(1)
                proc.send_signal(signal.SIGKILL)
                proc.wait(60)
                reader.join(60)  # to the end of stderr: the workers' copies of it included
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    finally:
        server.close()
    err = b"".join(lines).decode(errors="replace")
    assert not reader.is_alive(), "a worker outlived its run by a minute"
    assert "Traceback" not in err, err[-3000:]


def test_exports_never_requested_for_want_of_time_are_not_the_suppliers_failure() -> None:
    """Item 10: once the live run's time budget is spent no request is sent; the export checks said FAIL (exit 1).

    In process, with `LiveOptions.run_deadline_s` (the CLI has no flag for it) of 1.5 s and a sandbox that
    answers each request after 0.4 s: the session opens (token, probe), the budget runs out during the live
    checks, and no export is requested.
    """
    server = SandboxServer(SandboxConfig(records=20, seed=3))

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(0.4)
        await server.app(scope, receive, send)

    try:
        with serve_app(slow) as base_url:
            live = LiveOptions(
                base_url=base_url, rate=500, token_url=f"{base_url}/oauth/token", client_id=server.client_id,
                client_secret_env=SECRET_ENV, run_deadline_s=1.5,
            )
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv(SECRET_ENV, server.client_secret)
                spec = f"{base_url}/openapi.json"  # read before the session opens, so before the budget starts
                artifacts = run(RunRequest(spec=spec, declaration=str(server.declaration_path), live=live, options=RunOptions(max_examples=1)))
    finally:
        server.close()
    checks = {c.check_id: c for o in artifacts.report.outcomes for c in o.checks if c.check_id.startswith("export.")}
    assert {k: c.summary for k, c in checks.items() if c.status is Status.FAIL} == {}
    for check_id in ("export.csv-valid", "export.data-dictionary", "export.available"):
        assert checks[check_id].status is Status.ERROR, (check_id, checks[check_id].summary)
        assert "not requested: the time budget of 1.5 s was spent" in checks[check_id].summary, checks[check_id].summary
