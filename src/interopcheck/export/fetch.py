"""Downloading exports through the live session's safe client, under the run's export limits.

Direct exports are streamed (`client.stream`); FHIR-style asynchronous jobs are kicked off with
`Prefer: respond-async`, polled honouring `Retry-After` within a bounded total wait, and their
manifest's output URLs returned. Limits reached become `LimitReached` (a skip), broken sandboxes
`ExportUnavailable` (an error), never a silent pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from interopcheck.errors import LiveError
from interopcheck.export.readers import ReadProblem

MAX_POLL_WAIT_S = 300.0
DEFAULT_RETRY_S = 2.0


class LimitReached(Exception):
    """A user limit (--export-max-bytes, --export-max-records, --export-timeout) stopped the download."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ExportUnavailable(Exception):
    """The export could not be fetched at all (status, transport): the check errors or fails with this reason."""

    def __init__(self, reason: str, *, status: int | None = None, exchange: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.exchange = exchange


class NotRequested(ExportUnavailable):
    """The live run's time budget was spent before the request was sent: not tested (an error), never the supplier's failure."""

    def __init__(self, reason: str = "not requested: the live run's time budget was spent") -> None:
        super().__init__(reason)


def budget_reason(live: Any) -> str:
    """Why a request was not sent: the live run's time budget (`LiveOptions.run_deadline_s`) was spent."""
    seconds = getattr(getattr(live, "options", None), "run_deadline_s", None)
    return f"not requested: the time budget of {seconds:g} s was spent" if seconds else NotRequested().reason


def unavailable_reason(live: Any, exc: ExportUnavailable) -> str:
    """The reason of `exc`, naming the spent budget when the request was never sent."""
    return budget_reason(live) if isinstance(exc, NotRequested) else exc.reason


@dataclass(frozen=True)
class Limits:
    """The run's export limits (None: unlimited)."""

    max_records: int | None = None
    max_bytes: int | None = None
    timeout: float | None = 600.0

    @classmethod
    def from_options(cls, options: Any) -> Limits:
        """Read the limits off `ctx.options` (RunOptions)."""
        return cls(
            getattr(options, "export_max_records", None),
            getattr(options, "export_max_bytes", None),
            getattr(options, "export_timeout", 600.0),
        )


@dataclass
class Download:
    """An open export download: its chunks, headers, and a problem if the stream broke part-way."""

    url: str
    status: int
    headers: dict[str, str]
    chunks: Iterator[bytes]
    exchange: Any = None
    broken: ReadProblem | None = None
    bytes_read: int = 0


@contextmanager
def open_export(client: Any, url: str, limits: Limits, params: dict[str, str] | None = None) -> Iterator[Download]:
    """Stream `url`; raises ExportUnavailable for a non-2xx status, LimitReached when a cap or the deadline passes."""
    from interopcheck.live.failures import ResponseTooLarge, RunDeadlineExceeded, SandboxTimeout

    try:
        with client.stream(url, params=params, max_bytes=limits.max_bytes, deadline_s=limits.timeout) as live:
            exchange = getattr(live, "exchange", None)
            if not 200 <= live.status_code < 300:
                raise ExportUnavailable(f"GET {url} answered HTTP {live.status_code}", status=live.status_code, exchange=exchange)
            download = Download(url, live.status_code, dict(live.headers), iter(()), exchange)
            download.chunks = _guarded(live, download, limits)
            yield download
    except ResponseTooLarge:
        raise LimitReached(f"the export {url} is larger than --export-max-bytes={limits.max_bytes}") from None
    except SandboxTimeout as exc:
        if "deadline" in exc.message:
            raise LimitReached(f"the export {url} did not finish within --export-timeout={limits.timeout:g} s") from None
        raise ExportUnavailable(f"the export {url} timed out: {exc.message}", exchange=exc.exchange) from None
    except RunDeadlineExceeded:
        raise NotRequested() from None
    except LiveError as exc:
        raise ExportUnavailable(f"the export {url} could not be fetched: {exc.message}", exchange=getattr(exc, "exchange", None)) from None


def _guarded(live: Any, download: Download, limits: Limits) -> Iterator[bytes]:
    """The body chunks; a transport failure after the first byte is a truncated stream (the supplier's fault)."""
    from interopcheck.live.failures import ResponseTooLarge, SandboxTimeout, SandboxUnreachable

    try:
        for chunk in live.iter_bytes():
            download.bytes_read += len(chunk)
            yield chunk
    except (ResponseTooLarge, SandboxTimeout):
        raise
    except SandboxUnreachable as exc:
        if not download.bytes_read:
            raise
        download.broken = ReadProblem("truncated", f"the stream broke after {download.bytes_read} bytes: {exc.message}", None, True)


@dataclass(frozen=True)
class JobResult:
    """The outcome of an asynchronous export job: its output files per entity, and what was seen on the way."""

    outputs: tuple[tuple[str, str], ...]  # (entity/type, url)
    counts: tuple[int | None, ...]  # the manifest's `count` per output, when it gives one
    polls: int
    waited_s: float
    status_url: str
    manifest: dict[str, Any]


def run_async_job(
    client: Any,
    kickoff: str,
    *,
    params: dict[str, str] | None = None,
    max_wait_s: float = MAX_POLL_WAIT_S,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> JobResult:
    """Kick off a FHIR-style bulk export and poll it to its manifest; ExportUnavailable / LimitReached otherwise."""
    from interopcheck.live.failures import RunDeadlineExceeded

    try:
        started = client.get(kickoff, params=params, headers={"Prefer": "respond-async", "Accept": "application/fhir+json"})
    except RunDeadlineExceeded:
        raise NotRequested() from None
    except LiveError as exc:
        raise ExportUnavailable(f"the export job kick-off {kickoff} failed: {exc.message}", exchange=getattr(exc, "exchange", None)) from None
    if started.status != 202:
        raise ExportUnavailable(f"the kick-off {kickoff} answered HTTP {started.status}, not 202 Accepted", status=started.status, exchange=started.exchange)
    status_url = started.headers.get("content-location")
    if not status_url:
        raise ExportUnavailable("the kick-off's 202 has no Content-Location to poll", status=202, exchange=started.exchange)
    begin, polls = clock(), 0
    while True:
        try:
            resp = client.get(status_url)
        except RunDeadlineExceeded:
            raise NotRequested() from None
        except LiveError as exc:
            raise ExportUnavailable(f"polling {status_url} failed: {exc.message}", exchange=getattr(exc, "exchange", None)) from None
        polls += 1
        if resp.status == 200:
            break
        if resp.status != 202:
            raise ExportUnavailable(f"polling {status_url} answered HTTP {resp.status}", status=resp.status, exchange=resp.exchange)
        wait = _retry_after(resp.headers.get("retry-after"))
        if clock() - begin + wait > max_wait_s:
            raise LimitReached(f"the export job was not ready within the {max_wait_s:g} s polling budget ({polls} polls)")
        sleep(wait)
    try:
        manifest = resp.json()
    except LiveError as exc:
        raise ExportUnavailable(f"the job manifest is not JSON: {exc.message}", exchange=resp.exchange) from None
    outputs = manifest.get("output") if isinstance(manifest, dict) else None
    if not isinstance(outputs, list) or not all(isinstance(o, dict) and isinstance(o.get("url"), str) for o in outputs):
        raise ExportUnavailable("the job manifest has no `output` list of {type, url}", exchange=resp.exchange)
    pairs = tuple((str(o.get("type", "")), o["url"]) for o in outputs)
    counts = tuple(o["count"] if isinstance(o.get("count"), int) else None for o in outputs)
    return JobResult(pairs, counts, polls, round(clock() - begin, 3), status_url, manifest)


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date; junk falls back to the default)."""
    from interopcheck.live.pacing import retry_after_seconds

    seconds = retry_after_seconds(value)
    return DEFAULT_RETRY_S if seconds is None else min(seconds, 60.0)
