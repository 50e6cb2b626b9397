"""The asynchronous export job, run to its files: kick-off, polling, manifest, every output downloaded and counted.

An NDJSON output's records are counted by their lines, not validated: each non-blank line is only
checked to look like one JSON object (`{...}` once whitespace is stripped) and the first
`PARSE_FIRST` lines of each file are parsed, so millions of lines cost a byte split, not a parse.
`export.async-job` compares the counts with the manifest and the direct exports. Outputs in other
formats are read with the record readers (without validation).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from interopcheck.export.fetch import MAX_POLL_WAIT_S, ExportUnavailable, JobResult, LimitReached, Limits, NotRequested, open_export, run_async_job, unavailable_reason
from interopcheck.export.readers import MAX_RECORD_BYTES, ReadProblem
from interopcheck.export.archives import entry_format, with_gzip
from interopcheck.export.runner import ScanFailure, job_since_param, rescan
from interopcheck.export.scan import EntityScan, scan_records

PARSE_FIRST = 1000  # lines of each NDJSON job file parsed in full
KEEP_BAD = 5  # line numbers of bad lines kept per file


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
    untested: bool = False  # `error` says why the file was not requested or got no answer: unknown, not the supplier's failure
    bad: int = 0  # NDJSON lines that are not one JSON object
    bad_lines: tuple[int, ...] = ()  # the first few of them (1-based line numbers)


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
            untested = isinstance(exc, NotRequested) or exc.status is None  # not sent, or no answer: unknown, not refused
            outputs.append(JobOutput(kind, url, declared, None, "", error=unavailable_reason(ctx.live, exc), exchange=exc.exchange, untested=untested))
    return JobRun(job, tuple(outputs))


def _output(ctx: Any, kind: str, url: str, declared: int | None, limits: Limits) -> JobOutput:
    fmt = entry_format(url.split("?", 1)[0]) or "ndjson"
    with open_export(ctx.live.client, url, limits) as download:
        bad: tuple[int, tuple[int, ...]] = (0, ())
        if fmt == "ndjson":
            tally, problems = tally_ndjson(download.chunks, max_decompressed=limits.max_bytes)
            if (stop := next((p.message for p in problems if p.kind == "limit"), None)) is not None:
                raise LimitReached(f"the job output {url}: {stop}")
            count, messages, how, bad = tally.records, [p.message for p in problems], "lines", (tally.bad, tuple(tally.bad_lines))
        else:
            scan = scan_records(kind, fmt, download.chunks, validator=None, max_records=limits.max_records, ids_mode="none", samples=0, url=url)
            if scan.limited:
                raise LimitReached(scan.limited)
            count, messages, how = scan.records, [p.message for p in scan.problems], "records"
        if download.broken is not None:
            messages.append(download.broken.message)
        if limits.max_records is not None and count > limits.max_records:
            raise LimitReached(f"the job output {url} has more than --export-max-records={limits.max_records} records")
        return JobOutput(kind, url, declared, count, how, tuple(messages), exchange=download.exchange, bad=bad[0], bad_lines=bad[1])


@dataclass
class LineTally:
    """An NDJSON body's non-blank lines (`records`) and those that are not one JSON object (`bad`, the first few by line)."""

    records: int = 0
    lines: int = 0  # physical lines so far, blank ones included
    bad: int = 0
    bad_lines: list[int] = field(default_factory=list)

    def block(self, data: bytes, start: int, end: int) -> None:
        """Tally `data[start:end]`, whole lines each ending with a newline (counted in place, not copied)."""
        n = data.count(b"\n", start, end)
        if self.records >= PARSE_FIRST and data[start : start + 1] == b"{":
            # every line starts with `{` and ends with `}` (LF or CRLF ends): no per-line work
            lf = data[end - 2 : end] == b"}\n" and data.count(b"}\n{", start, end) == n - 1
            if lf or (data[end - 3 : end] == b"}\r\n" and data.count(b"}\r\n{", start, end) == n - 1):
                self.lines += n
                self.records += n
                return
        for line in data[start:end].split(b"\n")[:-1]:
            self.line(line)

    def line(self, line: bytes, *, whole: bool = True) -> None:
        """Tally one line (`whole` False: only its first and last bytes were kept, so it is not parsed)."""
        self.lines += 1
        text = line.strip()
        if not text:
            return
        self.records += 1
        ok = text[:1] == b"{" and text[-1:] == b"}"
        if ok and whole and self.records <= PARSE_FIRST:
            try:
                ok = isinstance(orjson.loads(text), dict)
            except orjson.JSONDecodeError:
                ok = False
        if not ok:
            self.bad += 1
            if len(self.bad_lines) < KEEP_BAD:
                self.bad_lines.append(self.lines)


def tally_ndjson(chunks: Iterable[bytes], *, max_decompressed: int | None = None) -> tuple[LineTally, list[ReadProblem]]:
    """Count an NDJSON body's records by line and check each looks like one JSON object; and its gzip problems.

    A line longer than `MAX_RECORD_BYTES` is not held whole: only its ends are kept, for the shape check.
    """
    body, problems = with_gzip(chunks, limit=max_decompressed)
    tally = LineTally()
    carry: list[bytes] = []  # the unfinished last line
    carried = 0
    whole = True
    for chunk in body:
        first = chunk.find(b"\n")
        if first < 0:
            carry.append(chunk)
            carried += len(chunk)
            if carried > MAX_RECORD_BYTES:
                carry, carried, whole = [carry[0][:64], carry[-1][-64:]], 128, False
            continue
        start = 0
        if carry:
            tally.line(b"".join(carry) + chunk[:first], whole=whole)
            start, whole = first + 1, True
        cut = chunk.rfind(b"\n")
        if start <= cut:
            tally.block(chunk, start, cut + 1)
        carry, carried = ([chunk[cut + 1 :]], len(chunk) - cut - 1) if cut + 1 < len(chunk) else ([], 0)
    if carry:
        tally.line(b"".join(carry), whole=whole)
    return tally, problems


def scan_job_since(ctx: Any, entity: str, since: str) -> EntityScan | ScanFailure:
    """The ids of `entity`'s records in a job kicked off with the declared since parameter = T (for export.incremental).

    Only that entity's files are downloaded (one after another, read as one body); a job that lists none
    for it gives an empty scan, so every record changed since T counts as missing.
    """
    limits = Limits.from_options(ctx.options)
    param = job_since_param(ctx)
    kickoff = (ctx.declaration.export_job or {})["kickoff"]
    try:
        job = run_async_job(ctx.live.client, kickoff, params={param: since}, max_wait_s=min(limits.timeout or MAX_POLL_WAIT_S, MAX_POLL_WAIT_S))
        urls = [url for kind, url in job.outputs if kind == entity]
        fmt = (entry_format(urls[0].split("?", 1)[0]) or "ndjson") if urls else "ndjson"
        return rescan(ctx, entity, fmt, _bodies(ctx, urls, limits), ", ".join(urls) or f"(no {entity} file in the job's manifest)")
    except LimitReached as exc:
        return ScanFailure(entity, "limit", exc.reason)
    except ExportUnavailable as exc:
        return ScanFailure(entity, "unavailable", f"the export job with {param}={since}: {unavailable_reason(ctx.live, exc)}", exc.status, exc.exchange)


def _bodies(ctx: Any, urls: list[str], limits: Limits) -> Iterable[bytes]:
    """The bodies of `urls`, one after another."""
    for url in urls:
        with open_export(ctx.live.client, url, limits) as download:
            yield from download.chunks
