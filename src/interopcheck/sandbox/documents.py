"""Document content downloads: GET /v1/documents/{id}/content serves a document's bytes.

The bytes are made from the document record alone (its id, `media_type` and `byte_count`), so
they are the same on every run and never stored: a minimal valid PDF whose padding comment makes
it exactly `byte_count` long, a JPEG that opens with its SOI/APP0 header and ends with EOI, plain
UTF-8 text (ASCII only, so characters are bytes), or pseudo-random bytes for any other type. The
answer carries `Content-Type` = media_type, `Content-Disposition: attachment; filename="..."`
(RFC 6266) and `Content-Length` = byte_count, which `live.document-download` (HSG-API-27) checks.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interopcheck.sandbox.web import problem, state_of, unauthorised

#: The file name extension of each media type the sandbox's documents use.
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "text/plain": ".txt"}


def _filler(seed: str, size: int, alphabet: bytes = b"") -> bytes:
    """`size` deterministic bytes from `seed` (from `alphabet` when given, else any byte)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    raw = bytes(out[:size])
    if not alphabet:
        return raw
    return bytes(alphabet[b % len(alphabet)] for b in raw)


def _pdf(doc_id: str, size: int) -> bytes:
    """A one-page PDF 1.4 of exactly `size` bytes (a `%` comment after the header pads it)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]

    def build(padding: int) -> bytes:
        head = b"%PDF-1.4\n" + (b"%" + _filler(doc_id, padding - 2, b"abcdefghijklmnopqrstuvwxyz0123456789") + b"\n" if padding >= 2 else b"")
        body = bytearray(head)
        offsets = []
        for n, obj in enumerate(objects, 1):
            offsets.append(len(body))
            body += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
        xref = len(body)
        body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        body += b"".join(b"%010d 00000 n \n" % off for off in offsets)
        body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(body)

    bare = build(0)
    if size <= len(bare) + 1:
        return bare[:size]  # too small for a whole PDF: the byte count still holds
    # `startxref` prints the xref offset without padding, so one more digit there lengthens the
    # file: shrink the padding by what the first try overshot (twice covers a digit boundary).
    padding = size - len(bare)
    body = build(padding)
    for _ in range(3):
        if len(body) == size:
            break
        padding -= len(body) - size
        body = build(padding)
    return body if len(body) == size else (body + b"\n" * size)[:size]


def _jpeg(doc_id: str, size: int) -> bytes:
    """`size` bytes that open as a JFIF JPEG (SOI, APP0) and end with EOI, padded between."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    tail = b"\xff\xd9"
    if size < len(head) + len(tail):
        return (head + tail)[:size]
    # Padding bytes avoid 0xFF so no marker appears inside it.
    return head + _filler(doc_id, size - len(head) - len(tail), bytes(range(0, 0xFF))) + tail


def _text(doc_id: str, size: int) -> bytes:
    """`size` bytes of ASCII case-note text naming the document."""
    line = f"Case note {doc_id}: synthetic text from the interopcheck reference sandbox.\n".encode()
    return (line * (size // len(line) + 1))[:size]


def document_content(doc_id: str, media_type: str, size: int) -> bytes:
    """The bytes of document `doc_id`: exactly `size` bytes of `media_type`."""
    size = max(0, int(size))
    base = media_type.split(";")[0].strip().lower()
    if base == "application/pdf":
        return _pdf(doc_id, size)
    if base == "image/jpeg":
        return _jpeg(doc_id, size)
    if base.startswith("text/"):
        return _text(doc_id, size)
    return _filler(doc_id, size)


def filename(doc_id: str, media_type: str) -> str:
    """The download's file name: the id and the media type's extension (`.bin` when unknown)."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in doc_id)
    return safe + EXTENSIONS.get(media_type.split(";")[0].strip().lower(), ".bin")


def content_response(record: dict[str, Any]) -> Response:
    """The download of one document record: its bytes with Content-Type, Content-Disposition and Content-Length."""
    doc_id, media_type = str(record["id"]), str(record["media_type"])
    body = document_content(doc_id, media_type, int(record["byte_count"]))
    headers = {"Content-Disposition": f'attachment; filename="{filename(doc_id, media_type)}"'}
    return Response(body, media_type=media_type, headers=headers)


async def document_download(request: Request) -> Response:
    """GET /v1/documents/{id}/content: the document's bytes, or a 404 problem."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    row = state.store.get("document", request.path_params["id"])
    if row is None:
        return problem(state, 404, "Not Found", "No document has this id.", instance=request.url.path)
    return content_response(orjson.loads(row[1]))


def routes(entities: tuple[str, ...]) -> list[Route]:
    """The content route, when the product serves documents (mounted by `app.build_app`)."""
    return [Route("/v1/documents/{id}/content", document_download, methods=["GET"])] if "document" in entities else []
