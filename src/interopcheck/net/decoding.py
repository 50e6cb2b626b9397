"""Content decoding that cannot be turned into a memory bomb: one coding layer, decoded in bounded pieces.

httpx decodes a response with a `MultiDecoder` that runs every layer of `Content-Encoding` over
each raw chunk in one call each, with no limit on what a call returns: a 64 KiB chunk of
`gzip, gzip, gzip` becomes gigabytes before any byte cap is consulted. Here the raw bytes
(`Response.iter_raw`) are inflated lazily, at most `PIECE` bytes per step, so the reader's byte cap
counts decompressed bytes as they appear and stops the inflation with it. Only one layer is
decoded: a second layer would let an intermediate layer grow without bound while the last one
yields nothing (empty deflate blocks), and no server needs two. More than one layer, or a coding
we did not offer (`Accept-Encoding: gzip, deflate`), is the server's failure: `ContentCodingError`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import httpx

#: The largest piece one inflation step returns.
PIECE = 64 * 1024
#: What every reader offers in Accept-Encoding: the codings `decoded_chunks` can decode.
ACCEPT_ENCODING = "gzip, deflate"

_GZIP = zlib.MAX_WBITS | 16
_ZLIB = zlib.MAX_WBITS
_RAW_DEFLATE = -zlib.MAX_WBITS
_KNOWN = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": _ZLIB}


class ContentCodingError(ValueError):
    """A body that cannot be decoded: codings not offered, more than one layer, or corrupt compressed data."""


def codings(content_encoding: str | None) -> list[str]:
    """The codings named by a Content-Encoding value, in the order applied, `identity` left out."""
    names = [part.strip().lower() for part in (content_encoding or "").split(",")]
    return [name for name in names if name and name != "identity"]


def decoded_chunks(raw: Iterable[bytes], content_encoding: str | None) -> Iterator[bytes]:
    """The decoded body of `raw` (the wire bytes) as pieces of at most `PIECE` bytes, inflated only as read.

    An unusable Content-Encoding is refused only when a body byte arrives, so a HEAD answer or an
    empty 304 carrying `gzip, gzip` is no failure.
    """
    names = codings(content_encoding)
    if not names:
        yield from (chunk for chunk in raw if chunk)
        return
    chunks = iter(raw)
    first = next((chunk for chunk in chunks if chunk), None)
    if first is None:
        return
    if len(names) > 1:
        raise ContentCodingError(f"Content-Encoding {', '.join(names)!r} stacks {len(names)} codings; only one layer is decoded")
    if names[0] not in _KNOWN:
        raise ContentCodingError(f"Content-Encoding {names[0]!r} was not offered (Accept-Encoding: {ACCEPT_ENCODING})")
    yield from _inflate(first, chunks, _KNOWN[names[0]])


def response_chunks(resp: httpx.Response) -> Iterator[bytes]:
    """The decoded body of a streamed httpx response, through `decoded_chunks`.

    A response built in memory (httpx's MockTransport, in tests) was read, and decoded by httpx,
    when it was made: its content is handed back as it is.
    """
    if resp.is_stream_consumed:
        return resp.iter_bytes()
    return decoded_chunks(resp.iter_raw(), resp.headers.get("content-encoding"))


def _inflate(first: bytes, rest: Iterator[bytes], wbits: int) -> Iterator[bytes]:
    """Inflate `first` then `rest`, each step bounded by PIECE; `deflate` without a zlib header is raw deflate."""
    inflater = zlib.decompressobj(wbits)
    try:
        try:
            yield from _drain(inflater, first)
        except zlib.error:
            if wbits != _ZLIB:
                raise
            inflater = zlib.decompressobj(_RAW_DEFLATE)  # "deflate" as many servers send it: no zlib header
            yield from _drain(inflater, first)
        for chunk in rest:
            if inflater.eof:
                continue  # bytes after the end of the compressed stream are ignored, as httpx does
            yield from _drain(inflater, chunk)
        tail = inflater.flush()
    except zlib.error as exc:
        raise ContentCodingError(f"the compressed body is corrupt: {exc}") from None
    if not inflater.eof:
        raise ContentCodingError("the compressed body ends before its compressed stream does")
    if tail:
        yield tail


def _drain(inflater: zlib._Decompress, data: bytes) -> Iterator[bytes]:
    """Feed `data`, yielding at most PIECE bytes per step until it is consumed and no output is pending."""
    while True:
        out = inflater.decompress(data, PIECE)
        data = inflater.unconsumed_tail
        if out:
            yield out
        if inflater.eof or (not data and len(out) < PIECE):
            return
