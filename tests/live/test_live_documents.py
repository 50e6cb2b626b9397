"""`live.document-download` (HSG-API-27) over real HTTP: a server whose downloads match their
metadata passes; one that lies about byte_count, mislabels the type or sends no
Content-Disposition fails, with the exchange as evidence."""

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

from interopcheck.checks.live_documents import disposition
from interopcheck.checks.registry import run_check
from interopcheck.model import Status
from interopcheck.sandbox.documents import content_response

pytestmark = pytest.mark.timeout(60)

DOCS = [
    {"id": "d1", "media_type": "application/pdf", "byte_count": 2048, "download_url": "/v1/documents/d1/content"},
    {"id": "d2", "media_type": "image/jpeg", "byte_count": 512, "download_url": "/v1/documents/d2/content"},
    {"id": "d3", "media_type": "text/plain", "byte_count": 100},  # no URL: the declared operation is used
]

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/documents": {"get": {"operationId": "listDocuments", "responses": {"200": {"description": "a page"}}}},
        "/v1/documents/{id}/content": {"get": {"operationId": "getDocumentContent", "responses": {"200": {"description": "bytes"}}}},
    },
}
DECLARATION = {
    "declaration_version": "1.0", "profile": "housing", "supplier": {"name": "s", "product": "p"},
    "entities": {"document": {"collection": "listDocuments", "records_pointer": "/data", "mapping": "identity"}},
    "documents": {"content": "getDocumentContent"},
}


def _app(fault: str | None) -> Starlette:
    async def listing(request: Request) -> Response:
        return JSONResponse({"data": DOCS})

    async def content(request: Request) -> Response:
        record = next(d for d in DOCS if d["id"] == request.path_params["id"])
        resp = content_response(record)
        if fault == "lies-about-size" and record["id"] == "d2":
            return Response(resp.body[:-12], media_type=record["media_type"], headers={"Content-Disposition": resp.headers["content-disposition"]})
        if fault == "mislabelled" and record["id"] == "d1":
            return Response(resp.body, media_type="application/octet-stream", headers={"Content-Disposition": resp.headers["content-disposition"]})
        if fault == "no-disposition":
            return Response(resp.body, media_type=record["media_type"])
        return resp

    return Starlette(routes=[Route("/v1/documents", listing), Route("/v1/documents/{id}/content", content)])


def _run(fault: str | None, declaration: dict[str, Any] = DECLARATION) -> Any:
    with live_servers.serve_app(_app(fault)) as url:
        ctx = live_fakes.context(url, index=mini.spec_index(SPEC), declaration=mini.declaration(declaration), token_env="T", env={"T": "x"})
        try:
            return run_check(live_fakes.live_checks()["live.document-download"], ctx)
        finally:
            ctx.live.close()


def test_downloads_that_match_their_metadata_pass() -> None:
    result = _run(None)
    assert result.status == Status.PASS, (result.summary, [f.message for f in result.findings])
    assert "3 document download(s)" in result.summary
    assert any("d3: text/plain" in f.message and 'filename="d3.txt"' in f.message for f in result.evidence)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("lies-about-size", "document d2: 500 bytes were sent but the record states 512; Content-Length is 500 but the record states 512"),
        ("mislabelled", "document d1: Content-Type is 'application/octet-stream' but the record declares 'application/pdf'"),
        ("no-disposition", "no Content-Disposition header"),
    ],
)
def test_a_download_that_differs_from_its_metadata_fails_with_the_exchange(fault: str, expected: str) -> None:
    result = _run(fault)
    assert result.status == Status.FAIL, result.summary
    hit = next(f for f in result.findings if expected in f.message)
    assert hit.exchange is not None and hit.exchange.response is not None and "/content" in hit.exchange.request.url


def test_no_documents_declared_is_not_applicable() -> None:
    result = _run(None, {**DECLARATION, "entities": {"property": {"collection": "listDocuments", "mapping": "identity"}}, "documents": None})
    assert result.status == Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('attachment; filename="a.pdf"', ("attachment", "a.pdf")),
        ("inline; filename*=UTF-8''n%C3%A4me.txt", ("inline", "näme.txt")),
        ("attachment", ("attachment", None)),
        ("", (None, None)),
    ],
)
def test_content_disposition_is_read_as_rfc_6266_says(value: str, expected: tuple[str | None, str | None]) -> None:
    assert disposition(value) == expected
