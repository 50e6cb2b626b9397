"""Deleted records (HSG-EXP-10): the deletions feed and the incremental manifest's `deleted` list.

After the data is generated, `tombstones.apply_deletions` deletes a deterministic few records of
the entities nothing else refers to, with a tombstone and (when served) a delete change event each. Deleted records are gone from collections, items (404) and exports;
GET /v1/deletions?since=T pages the tombstones like a collection, and an export job started with
`_since` lists them in its manifest's `deleted` array, one NDJSON file per entity, as FHIR Bulk
Data Access does (HL7/bulk-data, input/pagecontent/export.md: "An array of deleted file items
following the same structure as the output array"). The `deletions-hidden` fault keeps the
deletions but lists none of them, in the feed or the manifest.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from interopcheck.sandbox.tombstones import tombstones
from interopcheck.sandbox.web import SandboxState, json_response, parse_since, problem, query_int, state_of, unauthorised

NDJSON_TYPE = "application/x-ndjson"


def _hidden(state: SandboxState) -> bool:
    """Whether the `deletions-hidden` fault hides every deletion."""
    return "deletions-hidden" in state.faults


def _tombstone(row: tuple[int, str, str, str]) -> dict[str, str]:
    """The feed's record of one deletion."""
    return {"entity": row[1], "id": row[2], "deleted_at": row[3]}


async def list_deletions(request: Request) -> Response:
    """GET /v1/deletions?since=T: a page of {entity, id, deleted_at}, paged by cursor like a collection."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    try:
        limit = query_int(request, "limit", 100, 1, 1000)
        cursor = request.query_params.get("cursor")
        if cursor is not None and not (cursor[:1] == "d" and cursor[1:].isdigit() and len(cursor) <= 19):
            raise ValueError("cursor is not valid: use the links.next URL of the previous page")
        after = int(cursor[1:]) if cursor else 0
        raw = request.query_params.get("since")
        since = parse_since(raw) if raw is not None else None
    except ValueError as exc:
        return problem(state, 400, "Bad Request", str(exc), instance=request.url.path)
    rows = [] if _hidden(state) else tombstones(state.store.conn, since=since, after=after, limit=limit + 1)
    total = 0 if _hidden(state) else len(tombstones(state.store.conn, since=since))
    links = {"self": str(request.url)}
    if len(rows) > limit:
        rows = rows[:limit]
        links["next"] = str(request.url.include_query_params(cursor=f"d{rows[-1][0]}"))
    return json_response({"data": [_tombstone(r) for r in rows], "links": links, "meta": {"total": total}})


def manifest_deleted(state: SandboxState, base: str, types: list[str], since: str | None, raw_since: str | None) -> list[dict[str, object]]:
    """The manifest's `deleted` file items of an export job: one per entity with deletions since `since` (none without `_since`)."""
    if raw_since is None or _hidden(state):
        return []
    out: list[dict[str, object]] = []
    for entity in types:
        count = len(tombstones(state.store.conn, since=since, entity=entity))
        if count:
            out.append({"type": entity, "url": f"{base}/v1/exports/deleted/{entity}.ndjson?" + urlencode({"since": raw_since}), "count": count})
    return out


async def deleted_file(request: Request) -> Response:
    """GET /v1/exports/deleted/{entity}.ndjson?since=T: one tombstone per line."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    entity = request.path_params["entity"]
    raw = request.query_params.get("since")
    try:
        since = parse_since(raw) if raw is not None else None
    except ValueError as exc:
        return problem(state, 400, "Bad Request", str(exc), instance=request.url.path)
    if entity not in state.product.entities:
        return problem(state, 404, "Not Found", "No such export file.", instance=request.url.path)
    rows = [] if _hidden(state) else tombstones(state.store.conn, since=since, entity=entity)

    def lines() -> Iterator[bytes]:
        for row in rows:
            yield orjson.dumps(_tombstone(row)) + b"\n"

    return StreamingResponse(lines(), media_type=NDJSON_TYPE)


def routes() -> list[Route]:
    """The deletions feed and the deleted-records files (mounted by `app.build_app`)."""
    return [
        Route("/v1/deletions", list_deletions, methods=["GET"]),
        Route("/v1/exports/deleted/{entity}.ndjson", deleted_file, methods=["GET"]),
    ]
