"""Bulk export endpoints: NDJSON and CSV per entity, `since` extracts, the data dictionary, async jobs.

A full export is served from the file the sandbox published at start (`sandbox.published`); a `since`
extract, or any export while a fault bends them, streams straight from SQLite in batches (never built in
memory): the stored JSON text or CSV line of each row, joined a batch at a time; only a fault that
rewrites records parses them. The asynchronous job
follows FHIR bulk data: kick-off with `Prefer: respond-async` -> 202 + Content-Location, a poll
answers 202 + Retry-After once, then a 200 manifest listing the per-entity NDJSON files.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from interopcheck.sandbox.csvline import CRLF, CsvLines
from interopcheck.sandbox.deletions import manifest_deleted
from interopcheck.sandbox.faults import apply_record_faults, record_faults
from interopcheck.sandbox.fields import data_dictionary
from interopcheck.sandbox.published import UNPUBLISHED_FAULTS, PublishedExports
from interopcheck.sandbox.web import SandboxState, json_response, parse_since, problem, state_of, unauthorised

NDJSON_TYPE = "application/x-ndjson"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
CHUNK_ROWS = 500
MAX_JOBS = 1000


def export_body(state: SandboxState, entity: str, fmt: str, since: str | None) -> Iterator[bytes]:
    """The bytes of an export file: stored text joined by SQLite-sized batches, or rebuilt per record under a fault."""
    stop = state.store.count(entity, since) // 2 if "export-truncated" in state.faults else None
    if record_faults(state.faults) or "export-duplicates" in state.faults:
        return _rebuilt(state, entity, fmt, since, stop)
    return _stored(state, entity, fmt, since, stop)


def _stored(state: SandboxState, entity: str, fmt: str, since: str | None, stop: int | None) -> Iterator[bytes]:
    """The fast path: the stored JSON or CSV text of each row, never parsed (a chunk per batch of rows)."""
    if fmt == "csv":
        yield (CsvLines(entity, state.product.fields(entity)).header() + CRLF).encode()
    end = "\n" if fmt == "ndjson" else CRLF
    for batch in state.store.texts(entity, "json" if fmt == "ndjson" else "csv", since, limit=stop):
        yield (end.join(batch) + end).encode()


def _rebuilt(state: SandboxState, entity: str, fmt: str, since: str | None, stop: int | None) -> Iterator[bytes]:
    """Each record parsed and rewritten by the record faults (and repeated under `export-duplicates`)."""
    faults = record_faults(state.faults)
    duplicates = "export-duplicates" in state.faults
    lines = CsvLines(entity, state.product.fields(entity))
    if fmt == "csv":
        yield (lines.header() + CRLF).encode()
    end = "\n" if fmt == "ndjson" else CRLF
    out: list[str] = []
    for n, (seq, text) in enumerate(state.store.stream(entity, since)):
        if stop is not None and n >= stop:
            break
        record = apply_record_faults(faults, entity, seq, orjson.loads(text)) if faults else orjson.loads(text)
        line = orjson.dumps(record).decode() if fmt == "ndjson" else lines.line(record)
        out += [line, line] if duplicates and seq % 20 == 1 else [line]
        if len(out) >= CHUNK_ROWS:
            yield (end.join(out) + end).encode()
            out.clear()
    if out:
        yield (end.join(out) + end).encode()


async def export_file(request: Request) -> Response:
    """GET /v1/exports/{entity}.ndjson|.csv and /v1/exports/data-dictionary.json."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    name = request.path_params["file"]
    if name == "data-dictionary.json":
        return json_response(data_dictionary(state.product.table))
    entity, _, fmt = name.rpartition(".")
    if entity not in state.product.entities or fmt not in ("ndjson", "csv"):
        return problem(state, 404, "Not Found", "No such export file.", instance=request.url.path)
    raw = request.query_params.get("since")
    try:
        since = parse_since(raw) if raw is not None else None
    except ValueError as exc:
        return problem(state, 400, "Bad Request", str(exc), instance=request.url.path)
    media_type = NDJSON_TYPE if fmt == "ndjson" else CSV_TYPE
    if since is None and state.published is not None and (published := state.published.file(entity, fmt)) is not None:
        return published.response(media_type)
    return StreamingResponse(export_body(state, entity, fmt, since), media_type=media_type)


def publish_exports(state: SandboxState) -> PublishedExports | None:
    """Write the full exports to files when the faults leave them unchanged (see `sandbox.published`); None otherwise."""
    if record_faults(state.faults) or state.faults & UNPUBLISHED_FAULTS:
        return None
    published = PublishedExports()
    try:
        published.publish(lambda entity, fmt: export_body(state, entity, fmt, None), state.product.entities)
    except BaseException:
        published.close()
        raise
    return published


async def kickoff(request: Request) -> Response:
    """GET /v1/$export: start an asynchronous export job (needs `Prefer: respond-async`)."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    if request.headers.get("prefer", "").strip().lower() != "respond-async":
        return problem(state, 400, "Bad Request", "Send the header Prefer: respond-async.", instance=request.url.path)
    types_raw = request.query_params.get("_type")
    served = state.product.entities
    types = [t.strip() for t in types_raw.split(",")] if types_raw else list(served)
    unknown = [t for t in types if t not in served]
    raw_since = request.query_params.get("_since")
    try:
        if unknown:
            raise ValueError(f"unknown _type {', '.join(map(repr, unknown))}; known: {', '.join(served)}")
        since = parse_since(raw_since) if raw_since is not None else None
    except ValueError as exc:
        return problem(state, 400, "Bad Request", str(exc), instance=request.url.path)
    job_id = secrets.token_hex(8)
    job = {
        "types": list(dict.fromkeys(types)), "since": since, "raw_since": raw_since, "polls": 0,
        "request": str(request.url), "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    with state.lock:
        if len(state.jobs) >= MAX_JOBS:
            state.jobs.pop(next(iter(state.jobs)))
        state.jobs[job_id] = job
    location = str(request.url_for("export_job", id=job_id))
    return json_response({"status": "accepted", "job": location}, 202, {"Content-Location": location})


async def export_job(request: Request) -> Response:
    """GET /v1/export-jobs/{id}: 202 with Retry-After on the first poll, then the 200 manifest."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    with state.lock:
        job = state.jobs.get(request.path_params["id"])
        if job is not None:
            job["polls"] += 1
    if job is None:
        return problem(state, 404, "Not Found", "No export job has this id.", instance=request.url.path)
    if job["polls"] == 1:
        return json_response({"status": "in-progress"}, 202, {"Retry-After": "1"})
    base = str(request.base_url).rstrip("/")
    output = []
    for entity in job["types"]:
        url = f"{base}/v1/exports/{entity}.ndjson"
        if job["raw_since"] is not None:
            url += "?" + urlencode({"since": job["raw_since"]})
        output.append({"type": entity, "url": url, "count": state.store.count(entity, job["since"])})
    manifest = {"transactionTime": job["time"], "request": job["request"], "requiresAccessToken": True, "output": output, "error": []}
    if job["raw_since"] is not None:  # FHIR Bulk Data: with _since, `deleted` lists what was deleted since
        manifest["deleted"] = manifest_deleted(state, base, job["types"], job["since"], job["raw_since"])
    return json_response(manifest)


def routes() -> list[Route]:
    """The export routes, mounted by `app.build_app`."""
    return [
        Route("/v1/exports/{file}", export_file, methods=["GET"]),
        Route("/v1/$export", kickoff, methods=["GET"]),
        Route("/v1/export-jobs/{id}", export_job, methods=["GET"], name="export_job"),
    ]
