"""`live.deletions` and `export.deletions` (HSG-EXP-10) over real HTTP against a small server: a
feed that agrees with the change events passes; hidden deletions, records still served and a
manifest without its `deleted` list fail; data without deletions is not tested (error), never a pass."""

from __future__ import annotations

from typing import Any

import live_fakes
import live_minisandbox as mini
import live_servers
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.checks.registry import all_checks, run_check
from interopcheck.model import CheckResult, Status

pytestmark = pytest.mark.timeout(60)

REPAIRS = [{"id": f"r{i}", "updated_at": f"2026-01-{i:02d}T00:00:00Z"} for i in range(1, 11)]
DELETED = [{"entity": "repair", "id": "r11", "deleted_at": "2026-02-01T10:00:00Z"}, {"entity": "repair", "id": "r12", "deleted_at": "2026-02-03T10:00:00Z"},
           {"entity": "repair", "id": "r13", "deleted_at": "2026-02-05T10:00:00Z"}]

SPEC: dict[str, Any] = {
    "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/repairs": {"get": {"operationId": "listRepairs", "responses": {"200": {"description": "p"}}}},
        "/v1/repairs/{id}": {"get": {"operationId": "getRepair", "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}], "responses": {"200": {"description": "r"}}}},
        "/v1/change-events": {"get": {"operationId": "listChangeEvents", "responses": {"200": {"description": "p"}}}},
        "/v1/deletions": {"get": {"operationId": "listDeletions", "responses": {"200": {"description": "p"}}}},
    },
}
DECLARATION: dict[str, Any] = {
    "declaration_version": "1.0", "profile": "housing", "supplier": {"name": "s", "product": "p"},
    "entities": {
        "repair": {"collection": "listRepairs", "item": "getRepair", "next_pointer": "/links/next", "mapping": "identity"},
        "change-event": {"collection": "listChangeEvents", "next_pointer": "/links/next", "mapping": "identity"},
    },
    "export_job": {"kickoff": "/v1/$export", "since_param": "_since"},
    "deletions": {"collection": "listDeletions", "since_param": "since", "next_pointer": "/links/next"},
}


def _app(fault: str | None) -> Starlette:
    deleted = [] if fault == "no-deletions" else DELETED
    listed = [] if fault in ("hidden", "hidden-loop", "no-deletions") else deleted
    served = REPAIRS + ([{"id": "r12", "updated_at": "2026-01-20T00:00:00Z"}] if fault == "still-served" else [])

    async def repairs(request: Request) -> Response:
        return JSONResponse({"data": served, "links": {}})

    async def repair(request: Request) -> Response:
        hit = next((r for r in served if r["id"] == request.path_params["id"]), None)
        return JSONResponse(hit) if hit else JSONResponse({"title": "Not Found", "status": 404}, 404, media_type="application/problem+json")

    async def changes(request: Request) -> Response:
        events = [{"id": f"c{n}", "entity": d["entity"], "record_id": d["id"], "action": "delete", "changed_at": d["deleted_at"]} for n, d in enumerate(deleted)]
        events.append({"id": "cx", "entity": "repair", "record_id": "r1", "action": "update", "changed_at": "2026-01-01T00:00:00Z"})
        links = {"next": str(request.url)} if fault == "hidden-loop" else {}  # a walk that loops never finishes
        return JSONResponse({"data": events, "links": links})

    async def feed(request: Request) -> Response:
        since = request.query_params.get("since")
        page = [d for d in listed if since is None or d["deleted_at"] >= since]
        if request.query_params.get("page") == "2":
            return JSONResponse({"data": page[2:], "links": {}})
        return JSONResponse({"data": page[:2], "links": {"next": str(request.url.include_query_params(page="2"))} if len(page) > 2 else {}})

    async def kickoff(request: Request) -> Response:
        since = request.query_params.get("_since", "")
        return JSONResponse({}, 202, headers={"Content-Location": f"{request.base_url}jobs/1?since={since}"})

    async def job(request: Request) -> Response:
        since = request.query_params["since"]
        manifest: dict[str, Any] = {"transactionTime": "2026-03-01T00:00:00Z", "request": "x", "requiresAccessToken": True, "output": [], "error": []}
        if fault not in ("hidden", "no-manifest-list"):
            manifest["deleted"] = [{"type": "repair", "url": f"{request.base_url}files/deleted.ndjson?since={since}"}]
        manifest["output"] = [{"type": "repair", "url": f"{request.base_url}files/repairs.ndjson?since={since}"}]
        return JSONResponse(manifest)

    async def deleted_file(request: Request) -> Response:
        since = request.query_params["since"]
        return Response(b"".join(JSONResponse(d).body + b"\n" for d in listed if d["deleted_at"] >= since), media_type="application/x-ndjson")

    async def output_file(request: Request) -> Response:
        rows = [{"id": "r10", "updated_at": "2026-02-02T00:00:00Z"}] + ([{"id": "r13", "updated_at": "2026-02-06T00:00:00Z"}] if fault == "output-holds-deleted" else [])
        return Response(b"".join(JSONResponse(r).body + b"\n" for r in rows), media_type="application/x-ndjson")

    return Starlette(routes=[
        Route("/files/repairs.ndjson", output_file),
        Route("/v1/repairs", repairs), Route("/v1/repairs/{id}", repair), Route("/v1/change-events", changes), Route("/v1/deletions", feed),
        Route("/v1/$export", kickoff), Route("/jobs/1", job), Route("/files/deleted.ndjson", deleted_file),
    ])


def _run(check_id: str, fault: str | None = None, declaration: dict[str, Any] = DECLARATION) -> CheckResult:
    with live_servers.serve_app(_app(fault)) as url:
        ctx = live_fakes.context(url, index=mini.spec_index(SPEC), declaration=mini.declaration(declaration), token_env="T", env={"T": "x"})
        try:
            return run_check(all_checks()[check_id], ctx)
        finally:
            ctx.live.close()


def test_a_feed_that_agrees_with_the_change_events_passes() -> None:
    result = _run("live.deletions")
    assert result.status == Status.PASS, (result.summary, [f.message for f in result.findings])
    assert "lists 3 deleted records, matching the 3 delete change events; 3 of them looked up by id answered 404/410" in result.summary
    assert any("the feed since 2026-02-03T10:00:00Z lists the 2 records" in f.message for f in result.evidence)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("hidden", "3 records deleted by change events are not in the deletions feed: repair r11, repair r12, repair r13"),
        ("hidden-loop", "3 records deleted by change events are not in the deletions feed"),
        ("still-served", "deleted repair r12: GET"),
        ("still-served", "deleted repair r12 is still in its collection"),
    ],
)
def test_hidden_or_still_served_deletions_fail(fault: str, expected: str) -> None:
    result = _run("live.deletions", fault)
    assert result.status == Status.FAIL, result.summary
    assert any(expected in f.message for f in result.findings), [f.message for f in result.findings]


def test_no_deletions_in_the_data_is_not_tested_never_passed() -> None:
    live = _run("live.deletions", "no-deletions")
    export = _run("export.deletions", "no-deletions")
    assert live.status == export.status == Status.ERROR
    assert live.summary.startswith("not tested") and export.summary.startswith("not tested")


def test_deletions_without_a_declared_feed_fail_when_change_events_show_them() -> None:
    result = _run("live.deletions", declaration={k: v for k, v in DECLARATION.items() if k != "deletions"})
    assert result.status == Status.FAIL and "no deletions feed is declared" in result.summary


def test_the_incremental_manifest_lists_the_deletions() -> None:
    result = _run("export.deletions")
    assert result.status == Status.PASS, (result.summary, [f.message for f in result.findings])
    assert "_since=2026-02-01T09:59:59Z" in result.summary and "names all 3 records" in result.summary


@pytest.mark.parametrize("fault", ["hidden", "no-manifest-list"])
def test_a_manifest_without_the_deletions_fails(fault: str) -> None:
    result = _run("export.deletions", fault)
    assert result.status == Status.FAIL, result.summary
    assert any("leaves out 3 of the 3 records deleted since then" in f.message for f in result.findings)


def test_a_manifest_whose_output_still_holds_a_deleted_record_fails() -> None:
    result = _run("export.deletions", "output-holds-deleted")
    assert result.status == Status.FAIL, result.summary
    assert any("still holds 1 repair records the manifest lists as deleted: r13" in f.message for f in result.findings), [f.message for f in result.findings]


@pytest.mark.parametrize("fault", [None, "hidden"])
def test_a_planned_run_starts_the_check_beside_the_scans_with_the_same_outcome(fault: str | None) -> None:
    from interopcheck.export.background import plan_checks
    from interopcheck.export.runstate import early_key, start_background

    alone = _run("export.deletions", fault)
    with live_servers.serve_app(_app(fault)) as url:
        ctx = live_fakes.context(url, index=mini.spec_index(SPEC), declaration=mini.declaration(DECLARATION), token_env="T", env={"T": "x"})
        try:
            plan_checks(ctx, ["export.available", "export.deletions"], workers=False)
            start_background(ctx)  # what the first export check of a planned run does
            early = ctx.cache["export.background"][early_key("export.deletions")]
            early.result(timeout=60)  # done on its own thread, before the check asks
            planned = run_check(all_checks()["export.deletions"], ctx)
        finally:
            ctx.live.close()
    assert (planned.status, planned.summary) == (alone.status, alone.summary)
    assert [f.message for f in planned.findings] == [f.message for f in alone.findings]
