"""HSG-API-05/06 and file downloads over real HTTP: a document download is not a data resource,
so its PDF answer is no JSON failure; a data collection that answers XML still fails."""

from __future__ import annotations

from typing import Any

import live_fakes
import live_minisandbox as mini
import live_servers
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interopcheck.checks.registry import run_check
from interopcheck.model import Status

pytestmark = pytest.mark.timeout(60)

PDF = b"%PDF-1.4\n%%EOF\n"

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/properties": {"get": {"operationId": "listProperties", "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/v1/letters/latest": {
            "get": {
                "operationId": "getLatestLetter",
                "responses": {
                    "200": {
                        "description": "the latest letter",
                        "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            }
        },
    },
}


def _app(collection_type: str) -> Starlette:
    async def properties(request: Request) -> Response:
        body = b'{"data":[{"id":"p1"}]}' if collection_type == "application/json" else b"<data><property id='p1'/></data>"
        return Response(body, media_type=collection_type)

    async def letter(request: Request) -> Response:
        return Response(PDF, media_type="application/pdf", headers={"Content-Disposition": 'attachment; filename="letter.pdf"'})

    return Starlette(routes=[Route("/v1/properties", properties), Route("/v1/letters/latest", letter)])


def _run(collection_type: str) -> Any:
    with live_servers.serve_app(_app(collection_type)) as url:
        ctx = live_fakes.context(url, index=mini.spec_index(SPEC), declaration=None, token_env="T", env={"T": "x"})
        try:
            return run_check(live_fakes.live_checks()["live.json-content-type"], ctx)
        finally:
            ctx.live.close()


def test_a_pdf_download_is_not_held_to_the_json_rule() -> None:
    result = _run("application/json")
    assert result.status == Status.PASS, (result.summary, [f.message for f in result.findings])
    assert any("file download" in f.message and "/v1/letters/latest" in f.message for f in result.evidence), [f.message for f in result.evidence]


def test_a_data_collection_answering_xml_still_fails() -> None:
    result = _run("application/xml")
    assert result.status == Status.FAIL, result.summary
    assert any("application/xml" in f.message for f in result.findings)
    assert not any("letters" in f.message for f in result.findings)
