"""The asynchronous export job, run to its files: kick-off, polling, manifest, every output downloaded and counted.

An NDJSON output's records are counted by their lines, not parsed again: its records are the
entity's, already parsed and validated through the direct export, and `export.async-job` compares
the two counts. Outputs in other formats are read with the record readers (without validation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interopcheck.export.csvscan import count_ndjson
from interopcheck.export.fetch import MAX_POLL_WAIT_S, ExportUnavailable, JobResult, LimitReached, Limits, open_export, run_async_job
from interopcheck.export.readers import MAX_DECOMPRESSED_BYTES, entry_format


@dataclass(frozen=True)
class JobOutput:
    """One output file of the job: what the manifest says and what downloading it found."""

    kind: str
    url: str
    declared: int | None  # the manifest's count
    records: int | None  # counted from the download (None when it could not be downloaded)
    how: str  # "lines" (NDJSON, counted) or "records" (read)
    problems: tuple[str, ...] = ()
    error: str | None = None
    exchange: Any = None


@dataclass(frozen=True)
class JobRun:
    """The job and its outputs; `limited` when a user limit stopped a download (the check skips)."""

    job: JobResult
    outputs: tuple[JobOutput, ...]
    limited: str | None = None


def start_job(ctx: Any) -> JobResult:
    """Kick off the declared job and poll it to its manifest (may run in the background while exports are scanned)."""
    limits = Limits.from_options(ctx.options)
    kickoff = (ctx.declaration.export_job or {})["kickoff"]
    return run_async_job(ctx.live.client, kickoff, max_wait_s=min(limits.timeout or MAX_POLL_WAIT_S, MAX_POLL_WAIT_S))


def run_job(ctx: Any, job: JobResult | None = None) -> JobRun:
    """Run the declared job (unless `job` is its manifest already) and download each output, on this thread.

    Raises LimitReached / ExportUnavailable like `run_async_job`. A planned run calls it on a background
    thread (`export.background.start_background`), so the files download while the record exports are scanned.
    """
    limits = Limits.from_options(ctx.options)
    job = job if job is not None else start_job(ctx)
    outputs: list[JobOutput] = []
    for (kind, url), declared in zip(job.outputs, job.counts, strict=True):
        try:
            outputs.append(_output(ctx, kind, url, declared, limits))
        except LimitReached as exc:
            return JobRun(job, tuple(outputs), exc.reason)
        except ExportUnavailable as exc:
            outputs.append(JobOutput(kind, url, declared, None, "", error=exc.reason, exchange=exc.exchange))
    return JobRun(job, tuple(outputs))


def _output(ctx: Any, kind: str, url: str, declared: int | None, limits: Limits) -> JobOutput:
    fmt = entry_format(url.split("?", 1)[0]) or "ndjson"
    with open_export(ctx.live.client, url, limits) as download:
        if fmt == "ndjson":
            count, problems = count_ndjson(download.chunks, max_decompressed=limits.max_bytes or MAX_DECOMPRESSED_BYTES)
            messages = [p.message for p in problems]
            how = "lines"
        else:
            from interopcheck.export.scan import scan_records

            scan = scan_records(kind, fmt, download.chunks, validator=None, max_records=limits.max_records, ids_mode="none", samples=0, url=url)
            if scan.limited:
                raise LimitReached(scan.limited)
            count, messages, how = scan.records, [p.message for p in scan.problems], "records"
        if download.broken is not None:
            messages.append(download.broken.message)
        if limits.max_records is not None and count > limits.max_records:
            raise LimitReached(f"the job output {url} has more than --export-max-records={limits.max_records} records")
        return JobOutput(kind, url, declared, count, how, tuple(messages), exchange=download.exchange)
