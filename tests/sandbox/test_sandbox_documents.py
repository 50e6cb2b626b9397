"""Document content downloads of the sandbox (GET /v1/documents/{id}/content, HSG-API-27): exact
byte counts of valid-looking files, the headers, the OpenAPI operation, over real HTTP."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette

from interopcheck.sandbox import documents
from interopcheck.sandbox.documents import document_content, filename
from interopcheck.sandbox.openapi import build_spec
from interopcheck.sandbox.products import REFERENCE
from interopcheck.sandbox.web import SandboxState

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "live"))
import live_servers  # noqa: E402

SIZES = (0, 1, 7, 40, 300, 316, 999, 1000, 9_999, 10_000, 65_536, 250_001)


@pytest.mark.parametrize("media_type", ["application/pdf", "image/jpeg", "text/plain", "application/octet-stream"])
@pytest.mark.parametrize("size", SIZES)
def test_the_content_is_exactly_byte_count_long_and_the_same_every_time(media_type: str, size: int) -> None:
    body = document_content("DOC-0000042", media_type, size)
    assert len(body) == size
    assert body == document_content("DOC-0000042", media_type, size)


@pytest.mark.parametrize("size", [400, 1_000, 99_999, 100_000, 1_234_567])
def test_a_pdf_is_whole_its_xref_offsets_point_at_its_objects(size: int) -> None:
    body = document_content("DOC-0000001", "application/pdf", size)
    assert body.startswith(b"%PDF-1.4\n") and body.endswith(b"%%EOF\n")
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", body)[1])  # type: ignore[index]
    assert body[startxref:].startswith(b"xref\n0 4\n")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n ", body)]
    assert [body[o:].split(b"\n", 1)[0] for o in offsets] == [b"1 0 obj", b"2 0 obj", b"3 0 obj"]


def test_a_jpeg_opens_with_soi_and_app0_and_ends_with_eoi() -> None:
    body = document_content("DOC-0000002", "image/jpeg", 5_000)
    assert body[:4] == b"\xff\xd8\xff\xe0" and body[6:11] == b"JFIF\x00" and body[-2:] == b"\xff\xd9"
    assert b"\xff" not in body[20:-2]


def test_a_case_note_is_ascii_text_and_file_names_carry_the_extension() -> None:
    assert document_content("DOC-0000003", "text/plain", 500).decode("ascii").startswith("Case note DOC-0000003")
    assert filename("DOC-0000003", "text/plain; charset=utf-8") == "DOC-0000003.txt"
    assert filename('DOC-"x"', "application/x-unknown") == "DOC-_x_.bin"


class _Store:
    """A store holding a few document records (the sandbox's document data is sbx14's)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.rows = {r["id"]: (n, orjson.dumps(r).decode()) for n, r in enumerate(records, 1)}

    def get(self, entity: str, record_id: str) -> tuple[int, str] | None:
        return self.rows.get(record_id) if entity == "document" else None


RECORDS = [
    {"id": "DOC-0000001", "media_type": "application/pdf", "byte_count": 20_480},
    {"id": "DOC-0000002", "media_type": "image/jpeg", "byte_count": 4_096},
    {"id": "DOC-0000003", "media_type": "text/plain", "byte_count": 777},
]


def test_the_download_answers_the_bytes_with_its_headers_over_http() -> None:
    state = SandboxState(store=_Store(RECORDS), faults=frozenset(), client_id="c", client_secret="s", records=1, seed=1, slow_delay=0)  # type: ignore[arg-type]
    app = Starlette(routes=documents.routes(("document",)))
    app.state.sandbox = state
    token = state.issue_token()
    with live_servers.serve_app(app) as url:
        for record in RECORDS:
            resp = httpx.get(f"{url}/v1/documents/{record['id']}/content", headers={"Authorization": f"Bearer {token}"})
            assert resp.status_code == 200
            assert resp.headers["content-type"].split(";")[0] == record["media_type"]
            assert int(resp.headers["content-length"]) == len(resp.content) == record["byte_count"]
            assert re.fullmatch(r'attachment; filename="DOC-000000\d\.(pdf|jpg|txt)"', resp.headers["content-disposition"])
        missing = httpx.get(f"{url}/v1/documents/DOC-9/content", headers={"Authorization": f"Bearer {token}"})
        assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
        assert httpx.get(f"{url}/v1/documents/DOC-0000001/content").status_code == 401


def test_the_openapi_documents_the_download_only_when_documents_are_served() -> None:
    product = REFERENCE
    spec = build_spec(frozenset(), product)
    op = spec["paths"].get("/v1/documents/{id}/content", {}).get("get")
    if "document" not in product.entities:
        assert op is None
        return
    assert op["operationId"] == "getDocumentContent"
    ok = op["responses"]["200"]
    assert set(ok["headers"]) == {"Content-Disposition", "Content-Length"}
    assert set(ok["content"]) == {"application/pdf", "image/jpeg", "text/plain"}
