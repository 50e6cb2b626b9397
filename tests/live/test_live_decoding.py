"""The bounded content decoder (`net.decoding`): one layer, bounded pieces, refusals only when a body byte arrives."""

from __future__ import annotations

import gzip
import zlib

import pytest

from interopcheck.net.decoding import PIECE, ContentCodingError, decoded_chunks


def test_a_gzip_bomb_is_inflated_a_piece_at_a_time() -> None:
    bomb = gzip.compress(bytes(50 * PIECE))
    pieces = decoded_chunks([bomb], "gzip")
    first = next(pieces)
    assert len(first) <= PIECE  # httpx's decoder would hand back all 3.2 MB from the one chunk
    assert sum(len(p) for p in pieces) + len(first) == 50 * PIECE


@pytest.mark.parametrize("coding", ["gzip, gzip", "deflate, gzip", "br", "zstd", "compress"])
def test_stacked_or_unoffered_codings_are_refused(coding: str) -> None:
    with pytest.raises(ContentCodingError):
        list(decoded_chunks([b"\x1f\x8b anything"], coding))


def test_an_empty_body_is_never_refused() -> None:
    assert list(decoded_chunks([], "gzip, gzip, gzip")) == []
    assert list(decoded_chunks([b""], "br")) == []


def test_identity_and_deflate_with_or_without_its_zlib_header() -> None:
    assert b"".join(decoded_chunks([b"ab", b"c"], "identity")) == b"abc"
    assert b"".join(decoded_chunks([zlib.compress(b"hello")], "deflate")) == b"hello"
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert b"".join(decoded_chunks([raw.compress(b"hello") + raw.flush()], "Deflate")) == b"hello"
    assert b"".join(decoded_chunks([gzip.compress(b"hi")], "identity, x-gzip")) == b"hi"


def test_corrupt_or_cut_short_data_is_refused() -> None:
    with pytest.raises(ContentCodingError):
        list(decoded_chunks([b"not gzip at all"], "gzip"))
    with pytest.raises(ContentCodingError):
        list(decoded_chunks([gzip.compress(b"x" * 1000)[:-12]], "gzip"))
